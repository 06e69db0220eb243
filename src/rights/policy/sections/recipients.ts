// "Who receives what": every recipient of this edition with exactly the data it may receive, on
// which bases and for which purposes; and the fixed list of bases, which has no sale in it.
import { disclosureBases, type BasisRule, type Recipient } from '../../../privacy/index.ts';
import { html, type SafeHtml } from '../../../web/template.ts';
import { categoryLabel, categoryTags, recipientKindWords } from '../plain-words.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

function basisInWords(rule: BasisRule): string {
  const conditions = [rule.needsOrder ? 'only for your order' : '', rule.needsDpoApproval ? 'each time approved beforehand by our privacy officer' : ''].filter(Boolean);
  return conditions.length ? `${rule.label} (${conditions.join(', ')})` : rule.label;
}

function recipientEntry(r: Recipient, { map, edition }: PolicyContext): SafeHtml {
  const categories = [...r.receives].flatMap((key) => map.categories.get(key) ?? []);
  const purposes = edition.purposes.filter((p) => r.purposes.has(p.id));
  return html`<div class="policy-item" id="recipient-${r.id}">
<h3>${r.name}</h3>
<p class="meta">${recipientKindWords[r.kind]}</p>
<dl class="policy-facts">
<dt>Receives only</dt><dd>${categoryTags(categories)}</dd>
<dt>Only when</dt><dd><ul>${[...r.bases].map((b) => html`<li>${basisInWords(disclosureBases[b])}</li>`)}</ul></dd>
<dt>For</dt><dd>${purposes.map((p) => p.name).join(', ')}</dd>
</dl>
</div>`;
}

export function recipientsSection(context: PolicyContext): PolicySection {
  const cpni = [...context.map.categories.values()].filter((c) => c.cpni);
  return {
    id: 'recipients',
    title: 'Who receives what',
    body: html`<p>Personal data leaves the shop only to the recipients below, only the data listed for each, and only on one of the grounds listed. Every time it does, that is recorded.</p>
${context.edition.recipients.map((r) => recipientEntry(r, context))}
${
  cpni.length
    ? html`<p>${cpni.map(categoryLabel).join(', ')} (CPNI) is shared only with your recorded authorisation for that recipient, or when the law compels it and our privacy officer approves.</p>`
    : ''
}
<h3>Nothing is sold</h3>
<p>We never sell personal data, and never give it out for anyone’s mailing lists or marketing. This is built into the software: data can leave only on one of these grounds, a fixed list that no setting can extend.</p>
<ul>${Object.values(disclosureBases).map((rule) => html`<li>${basisInWords(rule)}</li>`)}</ul>`,
  };
}
