// The data map page's parts about the data itself: whose it is, its categories (blind index,
// storable, CPNI) and how long each is kept.
import type { DataMap, RetentionRule } from '../../privacy/index.ts';
import { table } from '../../web/table.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { groupCategories } from '../policy/category-groups.ts';
import { categoryLabel, daysInWords, subjectLabel } from '../policy/plain-words.ts';
import type { PolicySection as MapSection } from '../policy/section.ts';

export function subjectsSection(map: DataMap): MapSection {
  return {
    id: 'subjects',
    title: 'Whose data',
    body: table({
      caption: 'Kinds of people (data subjects)',
      columns: [{ label: 'Kind' }, { label: 'Fides key' }, { label: 'Who they are' }],
      rows: [...map.subjects.values()].map((s) => [html`${subjectLabel(s.id)} <code>${s.id}</code>`, html`<code>${s.fidesKey}</code>`, s.description]),
    }),
  };
}

export function categoriesSection(map: DataMap): MapSection {
  return {
    id: 'categories',
    title: 'Categories of data',
    body: html`<p>Every value is stored encrypted under its person’s own key. A blind index (a keyed digest) lets the shop find a person by an exact value without decrypting; a category that is never stored is refused by the kernel.</p>
${groupCategories(map.categories.values()).map((group) =>
  table({
    caption: group.title,
    columns: [{ label: 'Category' }, { label: 'Blind index' }, { label: 'Stored' }, { label: 'CPNI' }],
    rows: group.categories.map((c) => [html`${categoryLabel(c)} <code>${c.key}</code>`, c.blindIndex ?? 'none', c.storable ? 'yes, encrypted' : 'never', c.cpni ? 'yes' : 'no']),
  }),
)}`,
  };
}

function ruleCells(rule: RetentionRule, map: DataMap): (SafeHtml | string)[] {
  const category = map.categories.get(rule.category);
  const purpose = map.purposes.get(rule.purpose);
  return [
    category ? html`${categoryLabel(category)} <code>${rule.category}</code>` : 'All data',
    purpose ? html`${purpose.name} <code>${purpose.id}</code>` : 'any purpose',
    daysInWords(rule.days),
    rule.reason,
  ];
}

export function retentionSection(map: DataMap): MapSection {
  const { retention } = map;
  return {
    id: 'retention',
    title: 'Retention',
    body: html`<p>Unless a rule says otherwise: ${daysInWords(retention.defaultDays)}. ${retention.defaultReason} The most specific rule wins: category and purpose, then purpose, then category. The retention engine, the <code>privacy.sweep</code> job, purges items past their time and every store the modules declare every five minutes (<a href="/staff/dpo/retention">Retention</a>).</p>
${table({
  caption: 'Retention rules',
  columns: [{ label: 'Category' }, { label: 'Purpose' }, { label: 'Kept' }, { label: 'Why' }],
  rows: retention.rules.map((r) => ruleCells(r, map)),
})}`,
  };
}
