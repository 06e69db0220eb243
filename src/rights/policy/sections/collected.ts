// "What we collect": whose data, every data category of the map, grouped, and the companies data
// is received from (the data map's sources).
import { html } from '../../../web/template.ts';
import { groupCategories } from '../category-groups.ts';
import { categoryLabel, legalBasisWords, subjectLabel } from '../plain-words.ts';
import type { PolicyContext, PolicySection } from '../section.ts';

export function collectedSection({ map }: PolicyContext): PolicySection {
  const neverStored = [...map.categories.values()].filter((c) => !c.storable);
  return {
    id: 'collect',
    title: 'What we collect',
    body: html`<p>This policy covers the data of these people:</p>
<ul>${[...map.subjects.values()].map((s) => html`<li><strong>${subjectLabel(s.id)}</strong>: ${s.description}</li>`)}</ul>
<p>These are all the kinds of personal data the shop can hold. Each item is stored encrypted under a key that belongs to that one person.</p>
${
  neverStored.length
    ? html`<div class="notice"><p>Never stored by this shop, not even encrypted:</p>
<ul>${neverStored.map((c) => html`<li>${c.description}</li>`)}</ul></div>`
    : ''
}
${groupCategories(map.categories.values()).map(
  (group) => html`<h3>${group.title}</h3>
<ul class="policy-list">${group.categories.map(
    (c) => html`<li>${c.description}${c.storable ? '' : html` <span class="badge">never stored</span>`}${c.cpni ? html` <span class="badge">CPNI</span>` : ''}</li>`,
  )}</ul>`,
)}
${
  [...map.categories.values()].some((c) => c.cpni)
    ? html`<p>CPNI is Customer Proprietary Network Information: what telecom services you use and how. It is never shared without your authorisation (see <a href="#recipients">who receives what</a>).</p>`
    : ''
}
${
  map.sources.size
    ? html`<h3>Data we receive from other companies</h3>
<p>Only from these, only this data; your copy of your data says where each such item came from and when.</p>
<ul class="policy-list">${[...map.sources.values()].map(
        (s) =>
          html`<li><strong>${s.name}</strong>: ${[...s.provides].map((k) => (map.categories.get(k) ? categoryLabel(map.categories.get(k)!) : k)).join(', ')}. ${s.description} Basis: ${legalBasisWords[s.basis].heading.toLowerCase()}.</li>`,
      )}</ul>`
    : ''
}`,
  };
}
