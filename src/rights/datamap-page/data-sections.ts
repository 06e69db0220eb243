// The data map page's parts about the data itself: whose it is, its categories (blind index,
// storable, CPNI) and how long each is kept.
import type { DataMap, RetentionRule } from '../../privacy/index.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { groupCategories } from '../policy/category-groups.ts';
import { categoryLabel, daysInWords, subjectLabel } from '../policy/plain-words.ts';
import type { PolicySection as MapSection } from '../policy/section.ts';

export function subjectsSection(map: DataMap): MapSection {
  return {
    id: 'subjects',
    title: 'Whose data',
    body: html`<table class="stack-table">
<caption>Kinds of people (data subjects)</caption>
<thead><tr><th scope="col">Kind</th><th scope="col">Fides key</th><th scope="col">Who they are</th></tr></thead>
<tbody>${[...map.subjects.values()].map(
      (s) =>
        html`<tr><th scope="row">${subjectLabel(s.id)} <code>${s.id}</code></th><td data-label="Fides key"><code>${s.fidesKey}</code></td><td data-label="Who they are">${s.description}</td></tr>`,
    )}</tbody></table>`,
  };
}

export function categoriesSection(map: DataMap): MapSection {
  return {
    id: 'categories',
    title: 'Categories of data',
    body: html`<p>Every value is stored encrypted under its person’s own key. A blind index (a keyed digest) lets the shop find a person by an exact value without decrypting; a category that is never stored is refused by the kernel.</p>
${groupCategories(map.categories.values()).map(
  (group) => html`<table class="stack-table">
<caption>${group.title}</caption>
<thead><tr><th scope="col">Category</th><th scope="col">Blind index</th><th scope="col">Stored</th><th scope="col">CPNI</th></tr></thead>
<tbody>${group.categories.map(
    (c) =>
      html`<tr><th scope="row">${categoryLabel(c)} <code>${c.key}</code></th><td data-label="Blind index">${c.blindIndex ?? 'none'}</td><td data-label="Stored">${c.storable ? 'yes, encrypted' : 'never'}</td><td data-label="CPNI">${c.cpni ? 'yes' : 'no'}</td></tr>`,
  )}</tbody></table>`,
)}`,
  };
}

function ruleRow(rule: RetentionRule, map: DataMap): SafeHtml {
  const category = map.categories.get(rule.category);
  const purpose = map.purposes.get(rule.purpose);
  return html`<tr><th scope="row">${category ? html`${categoryLabel(category)} <code>${rule.category}</code>` : 'All data'}</th>
<td data-label="Purpose">${purpose ? html`${purpose.name} <code>${purpose.id}</code>` : 'any purpose'}</td><td data-label="Kept">${daysInWords(rule.days)}</td><td data-label="Why">${rule.reason}</td></tr>`;
}

export function retentionSection(map: DataMap): MapSection {
  const { retention } = map;
  return {
    id: 'retention',
    title: 'Retention',
    body: html`<p>Unless a rule says otherwise: ${daysInWords(retention.defaultDays)}. ${retention.defaultReason} The most specific rule wins: category and purpose, then purpose, then category. The <code>privacy.sweep</code> job purges items past their time every five minutes.</p>
<table class="stack-table">
<caption>Retention rules</caption>
<thead><tr><th scope="col">Category</th><th scope="col">Purpose</th><th scope="col">Kept</th><th scope="col">Why</th></tr></thead>
<tbody>${retention.rules.map((r) => ruleRow(r, map))}</tbody></table>`,
  };
}
