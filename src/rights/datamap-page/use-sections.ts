// The data map page's parts about use: purposes (basis, data, people, choice, since), recipients,
// staff roles with what each may see, the declared jobs with their purposes, and the projections
// views are built on.
import { disclosureBases, legalBases, type DataMap, type Purpose } from '../../privacy/index.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { categoryTags, legalBasisWords, recipientKindWords, subjectLabel } from '../policy/plain-words.ts';
import type { PolicySection as MapSection } from '../policy/section.ts';

const tags = (map: DataMap, keys: Iterable<string>) => categoryTags([...keys].flatMap((key) => map.categories.get(key) ?? []));
const purposeNames = (map: DataMap, ids: Iterable<string>) => [...ids].map((id) => map.purposes.get(id)?.name ?? id).join(', ');

function choiceOf(p: Purpose): string {
  if (p.legalBasis === 'consent') return 'needs a current grant in the consent ledger';
  if (p.optOut) return 'stops at a recorded opt-out';
  return 'none: not refusable by the person';
}

function purposeItem(p: Purpose, map: DataMap): SafeHtml {
  return html`<div class="policy-item" id="purpose-${p.id}">
<h4>${p.name} <code>${p.id}</code></h4>
<p>${p.description}</p>
<dl class="policy-facts">
<dt>Fides data use</dt><dd><code>${p.dataUse}</code></dd>
<dt>Data it may use</dt><dd>${tags(map, p.categories)}</dd>
<dt>Whose data</dt><dd>${[...p.dataSubjects].map(subjectLabel).join(', ')}</dd>
<dt>Consent or opt-out</dt><dd>${choiceOf(p)}</dd>
<dt>Contacts people</dt><dd>${p.communication ? 'yes: skipped for people who opted out of all contact' : 'no'}</dd>
<dt>Since</dt><dd>policy version ${p.since}${p.since === map.policyVersions[0]?.version ? '' : ': older data needs the person’s consent first'}</dd>
</dl></div>`;
}

export function purposesSection(map: DataMap): MapSection {
  const purposes = [...map.purposes.values()];
  return {
    id: 'purposes',
    title: 'Purposes',
    body: html`<p>The kernel refuses any read or write under a purpose not listed here, or of a category the purpose does not list.</p>
${legalBases.map((basis) => {
  const inGroup = purposes.filter((p) => p.legalBasis === basis);
  return inGroup.length ? html`<h3>${legalBasisWords[basis].heading}</h3>${inGroup.map((p) => purposeItem(p, map))}` : '';
})}`,
  };
}

export function recipientsSection(map: DataMap): MapSection {
  return {
    id: 'recipients',
    title: 'Recipients',
    body: html`<p>Data leaves only through the disclosure ledger, to these recipients, only the categories each may receive, on one of its bases. Bases marked “DPO” need your approval each time.</p>
${[...map.recipients.values()].map(
  (r) => html`<div class="policy-item" id="recipient-${r.id}">
<h3>${r.name} <code>${r.id}</code></h3>
<p class="meta">${recipientKindWords[r.kind]}</p>
<dl class="policy-facts">
<dt>Receives only</dt><dd>${tags(map, r.receives)}</dd>
<dt>Bases</dt><dd><ul>${[...r.bases].map((b) => html`<li><code>${b}</code>: ${disclosureBases[b].label}${disclosureBases[b].needsDpoApproval ? ' (DPO)' : ''}</li>`)}</ul></dd>
<dt>For</dt><dd>${purposeNames(map, r.purposes)}</dd>
</dl></div>`,
)}`,
  };
}

export function sourcesSection(map: DataMap): MapSection {
  return {
    id: 'sources',
    title: 'Sources of data received',
    body: html`<p>Personal data received from another company is kept only from these sources, only the categories each provides, for its purposes. Each item records its source and basis, and the person’s copy of their data says where it came from.</p>
${
  map.sources.size === 0
    ? html`<p>None: the shop keeps no data received from other companies.</p>`
    : [...map.sources.values()].map(
        (s) => html`<div class="policy-item" id="source-${s.id}">
<h3>${s.name} <code>${s.id}</code></h3>
<p>${s.description}</p>
<dl class="policy-facts">
<dt>Provides only</dt><dd>${tags(map, s.provides)}</dd>
<dt>For</dt><dd>${purposeNames(map, s.purposes)}</dd>
<dt>Basis</dt><dd>${legalBasisWords[s.basis].heading} <code>${s.basis}</code></dd>
</dl></div>`,
      )
}`,
  };
}

export function rolesSection(map: DataMap): MapSection {
  const vendors = map.recipients.get(map.vendorAccess.recipient);
  return {
    id: 'roles',
    title: 'Who may see what',
    body: html`<p>A staff read needs a purpose of the role and every category asked for; each read is audited with its purpose.</p>
${[...map.roles.values()].map(
  (r) => html`<div class="policy-item" id="role-${r.id}">
<h3>Role <code>${r.id}</code></h3>
<p>${r.description}</p>
<dl class="policy-facts">
<dt>Purposes</dt><dd>${purposeNames(map, r.purposes)}</dd>
<dt>Categories</dt><dd>${tags(map, r.categories)}</dd>
</dl></div>`,
)}
<div class="policy-item" id="role-self"><h3>The person themself</h3>
<dl class="policy-facts"><dt>Purposes</dt><dd>${purposeNames(map, map.selfService.purposes)}</dd><dt>Categories</dt><dd>their own data only</dd></dl></div>
<div class="policy-item" id="role-vendors"><h3>Vendors</h3>
<dl class="policy-facts"><dt>Purposes</dt><dd>${purposeNames(map, map.vendorAccess.purposes)}</dd><dt>How</dt><dd>only through a ledgered disclosure to ${vendors?.name ?? map.vendorAccess.recipient}, for an order of their own product</dd></dl></div>`,
  };
}

export function jobsSection(map: DataMap): MapSection {
  return {
    id: 'jobs',
    title: 'Jobs',
    body: html`<p>Code that acts with no person behind it (a background job, a checkout step, a command) names one of these jobs, and may use only the purposes listed for it. Every audit entry names a person or one of these jobs (<code>datamap/jobs.yml</code>).</p>
${[...map.jobs.values()].map(
  (j) => html`<div class="policy-item" id="job-${j.id}">
<h3>Job <code>${j.id}</code></h3>
<p>${j.description}</p>
<dl class="policy-facts"><dt>Purposes</dt><dd>${j.purposes.size ? purposeNames(map, j.purposes) : 'none: reads no personal data'}</dd></dl></div>`,
)}`,
  };
}

export function projectionsSection(map: DataMap): MapSection {
  return {
    id: 'projections',
    title: 'Projections',
    body: html`<p>A page built on a projection can never show more than the projection lists, and only to its audience.</p>
${[...map.projections.values()].map(
  (p) => html`<div class="policy-item" id="projection-${p.id}">
<h3>Projection <code>${p.id}</code></h3>
<p>${p.description}</p>
<dl class="policy-facts"><dt>Audience</dt><dd>${p.audience}</dd><dt>Categories</dt><dd>${tags(map, p.categories)}</dd></dl></div>`,
)}`,
  };
}
