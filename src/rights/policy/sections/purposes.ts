// "Why we use it": every purpose of this edition, grouped by legal basis, with the data it uses,
// whose data, whether the person can refuse it, and whether it contacts them.
import { legalBases, type Purpose } from '../../../privacy/index.ts';
import { html, type SafeHtml } from '../../../web/template.ts';
import { categoryTags, dateTag, legalBasisWords, subjectLabel } from '../plain-words.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

function choice(p: Purpose): string {
  if (p.optOut) return 'Yes: you can opt out at any time in the privacy centre, and it stops.';
  switch (p.legalBasis) {
    case 'consent':
      return 'It happens only if you agree. You can withdraw your consent at any time in the privacy centre.';
    case 'contract':
      return 'Only by not using the service it is for, or by closing your account.';
    case 'legitimate_interest':
      return 'There is no opt-out, but you can object to our privacy officer.';
    case 'legal_obligation':
      return 'No: the law requires it.';
    case 'vital_interest':
      return 'No: it happens only in an emergency.';
  }
}

function contact(p: Purpose): string {
  return p.communication
    ? 'Yes, with messages of its own. They stop when you opt out of all contact or deactivate your account.'
    : 'Only with messages the service itself needs, such as an order update.';
}

function purposeEntry(p: Purpose, context: PolicyContext): SafeHtml {
  const { map, edition } = context;
  const categories = [...p.categories].flatMap((key) => map.categories.get(key) ?? []);
  const added = p.since === edition.first.version ? undefined : map.policyVersions.find((v) => v.version === p.since);
  return html`<div class="policy-item" id="purpose-${p.id}">
<h4>${p.name}</h4>
<p>${p.description}</p>
<dl class="policy-facts">
<dt>Data used</dt><dd>${categoryTags(categories)}</dd>
<dt>Whose data</dt><dd>${[...p.dataSubjects].map(subjectLabel).join(', ')}</dd>
<dt>Can you refuse?</dt><dd>${choice(p)}</dd>
<dt>Contacts you?</dt><dd>${contact(p)}</dd>
${added ? html`<dt>Added</dt><dd>In policy version ${added.version}, in force since ${dateTag(added.effective)}. Data you gave us before then is used for it only if you agree.</dd>` : ''}
</dl>
</div>`;
}

export function purposesSection(context: PolicyContext): PolicySection {
  const { purposes } = context.edition;
  return {
    id: 'purposes',
    title: 'Why we use it',
    body: html`<p>We use personal data only for the purposes below, and each purpose only with the data listed for it. The software refuses any other use, and records every use.</p>
${legalBases.map((basis) => {
  const inGroup = purposes.filter((p) => p.legalBasis === basis);
  if (!inGroup.length) return '';
  return html`<h3>${legalBasisWords[basis].heading}</h3>
<p>${legalBasisWords[basis].explanation}</p>
${inGroup.map((p) => purposeEntry(p, context))}`;
})}`,
  };
}
