// The data map for the privacy officer: the whole of datamap/*.yml as the kernel loaded and
// enforces it, in one page that prints.
import { type DataMap, dpoContactLine } from '../../privacy/index.ts';
import type { Page } from '../../web/page.ts';
import { html } from '../../web/template.ts';
import { dateTag } from '../policy/plain-words.ts';
import type { PolicySection as MapSection } from '../policy/section.ts';
import { categoriesSection, retentionSection, subjectsSection } from './data-sections.ts';
import { jobsSection, projectionsSection, purposesSection, recipientsSection, rolesSection, sourcesSection } from './use-sections.ts';

function shopSection(map: DataMap, region: string): MapSection {
  const { organization } = map;
  return {
    id: 'shop',
    title: 'The shop and where its data is',
    body: html`<dl class="policy-facts">
<dt>Responsible</dt><dd>${organization.legalName} (<code>${organization.fidesKey}</code>)</dd>
<dt>Privacy officer</dt><dd>${dpoContactLine(organization.dpoContact)}</dd>
<dt>Policy</dt><dd><a href="${organization.privacyPolicyUrl}">${organization.privacyPolicyUrl}</a></dd>
<dt>Region</dt><dd><code>${region}</code>: ${map.residency.description} Start refuses a deployment, or a database, that names another region.</dd>
</dl>`,
  };
}

function versionsSection(map: DataMap): MapSection {
  return {
    id: 'versions',
    title: 'Policy versions',
    body: html`<p>A published version never changes; every stored item records the version it was collected under.</p>
<ol class="policy-list">${map.policyVersions.map((v) => html`<li>Version ${v.version}, in force from ${dateTag(v.effective)}: ${v.summary}</li>`)}</ol>`,
  };
}

function exportSection(): MapSection {
  return {
    id: 'export',
    title: 'As a fides document',
    body: html`<p><code>npm run custodian -- datamap export --format fides --out datamap.fides.yml</code> writes this map as a fideslang system and dataset declaration, for tools that read the fides format. Its keys are from the fideslang taxonomy (Ethyca/fideslang, CC BY 4.0) or declared as extensions in <code>datamap/taxonomy-extensions.yml</code>.</p>
<p>The map itself is the YAML in <code>datamap/</code> (<code>DATAMAP_DIR</code>), checked as a whole at every start.</p>`,
  };
}

export function dataMapPage(map: DataMap, region: string): Page {
  const sections = [
    shopSection(map, region),
    subjectsSection(map),
    categoriesSection(map),
    purposesSection(map),
    recipientsSection(map),
    sourcesSection(map),
    rolesSection(map),
    jobsSection(map),
    projectionsSection(map),
    retentionSection(map),
    versionsSection(map),
    exportSection(),
  ];
  return {
    audience: 'dpo',
    title: 'The data map',
    body: html`<article class="officer">
<header>
<h1>The data map</h1>
<p>What personal data the shop holds, of whom, why, who may see it, who receives it and for how long: the rules the privacy kernel enforces on every read, write and disclosure.</p>
<p class="no-print"><a href="/staff/dpo/report">Promise report</a> · <a href="/staff/dpo">Privacy officer’s console</a></p>
</header>
<nav class="report-contents" aria-label="Contents"><h2>Contents</h2>
<ol>${sections.map((s) => html`<li><a href="#${s.id}">${s.title}</a></li>`)}</ol></nav>
${sections.map(
  (s) => html`<section id="${s.id}" aria-labelledby="${s.id}-title"><h2 id="${s.id}-title">${s.title}</h2>
${s.body}</section>`,
)}
</article>`,
  };
}
