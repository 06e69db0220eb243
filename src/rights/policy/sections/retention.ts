// "How long we keep it": the default period and every rule of this edition, each with its reason.
import type { RetentionRule } from '../../../privacy/index.ts';
import { html, type SafeHtml } from '../../../web/template.ts';
import { categoryLabel, daysInWords } from '../plain-words.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

function ruleEntry(rule: RetentionRule, { map }: PolicyContext): SafeHtml {
  const category = map.categories.get(rule.category);
  const purpose = map.purposes.get(rule.purpose);
  const what = category ? categoryLabel(category) : 'All data';
  const why = purpose ? html`, for <em>${purpose.name}</em>` : '';
  return html`<li><strong>${what}</strong>${why}: ${daysInWords(rule.days)}. ${rule.reason}</li>`;
}

export function retentionSection(context: PolicyContext): PolicySection {
  const { retention } = context.map;
  return {
    id: 'retention',
    title: 'How long we keep it',
    body: html`<p>Each item is deleted automatically once its time is up. Unless a rule below says otherwise, data is kept for ${daysInWords(retention.defaultDays)}. ${retention.defaultReason}</p>
${context.edition.retentionRules.length ? html`<ul class="policy-list">${context.edition.retentionRules.map((r) => ruleEntry(r, context))}</ul>` : ''}
<p>Deleting your account ends all of this sooner: see <a href="#erasure">backups and erasure</a>.</p>`,
  };
}
