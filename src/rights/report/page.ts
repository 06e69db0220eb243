// The promise report (P000-16): every promise of the seed policies, grouped by policy, with the
// mechanism that keeps it, its live figures and its status; a count per status and the audit
// chain's verification on top. Counts only: nothing on it points at a person. Printable as is.
import type { VerifyReport } from '../../privacy/index.ts';
import type { Page } from '../../web/page.ts';
import { table } from '../../web/table.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { promiseStatuses, type PolicyPromise, type PromiseCatalogue, type PromiseStatus } from './catalogue.ts';
import { chainSection } from './chain-section.ts';
import { evidenceFigure, type Figures } from './evidence-keys.ts';

export interface ReportView {
  organization: string;
  generatedAt: Date;
  catalogue: PromiseCatalogue;
  figures: Figures;
  chain: VerifyReport;
}

const statusClass = (status: PromiseStatus) => `status status-${status.replace(' ', '-')}`;
const statusTag = (status: PromiseStatus) => html`<span class="${statusClass(status)}">${status}</span>`;

/** The catalogue's text with its `code` spans (data-map names) set as code. */
function withCode(text: string): SafeHtml {
  return html`${text.split('`').map((part, i) => (i % 2 ? html`<code>${part}</code>` : part))}`;
}

function counts(promises: readonly PolicyPromise[]): Map<PromiseStatus, number> {
  return new Map(promiseStatuses.map((s) => [s, promises.filter((p) => p.status === s).length]));
}

function summary(catalogue: PromiseCatalogue): SafeHtml {
  const byStatus = counts(catalogue.promises);
  return html`<section aria-labelledby="summary"><h2 id="summary">Summary</h2>
<ul class="report-summary">${promiseStatuses.map((s) => html`<li>${statusTag(s)} ${byStatus.get(s)}</li>`)}<li>of ${catalogue.promises.length} promises in ${catalogue.seeds.size} policies</li></ul>
<dl class="policy-facts">
<dt>${statusTag('kept')}</dt><dd>The mechanism is in the code, and a test that drives the real path (page, API, command or job, on a real database) proves the outcome.</dd>
<dt>${statusTag('partial')}</dt><dd>Part of the outcome is kept; what is missing and the roadmap step that brings it are named.</dd>
<dt>${statusTag('not yet')}</dt><dd>The outcome is not shown yet; the roadmap step that brings it is named.</dd>
</dl>
</section>`;
}

function evidenceCell(p: PolicyPromise, figures: Figures): SafeHtml {
  if (!p.evidence.length) return html`<span class="report-none">Nothing to count.</span>`;
  return html`<ul class="report-figures">${p.evidence.map((key) => evidenceFigure(key, figures)).map((f) => html`<li>${f.label}: ${f.value}</li>`)}</ul>`;
}

function statusCell(p: PolicyPromise, catalogue: PromiseCatalogue): SafeHtml {
  if (p.status === 'kept') return statusTag(p.status);
  return html`${statusTag(p.status)}
<p>Missing: ${withCode(p.missing ?? '')}</p>
<p>Roadmap step ${p.roadmap}: ${catalogue.roadmap.get(p.roadmap ?? 0) ?? ''}.</p>`;
}

function promiseCells(p: PolicyPromise, view: ReportView): SafeHtml[] {
  return [
    html`<span class="promise-id">${p.id}</span> ${withCode(p.promise)}<span class="promise-outcome">Shows: ${withCode(p.outcome)}</span>`,
    withCode(p.mechanism),
    evidenceCell(p, view.figures),
    statusCell(p, view.catalogue),
  ];
}

function seedSection(seed: string, title: string, view: ReportView): SafeHtml {
  const promises = view.catalogue.promises.filter((p) => p.seed === seed);
  return html`<section id="seed-${seed}" aria-labelledby="seed-${seed}-title"><h2 id="seed-${seed}-title">Policy ${seed}: ${title}</h2>
${table({
  caption: `The ${promises.length} promises of policy ${seed}`,
  className: 'promise-table',
  columns: [{ label: 'Promise and what it must show' }, { label: 'How Custodian keeps it' }, { label: 'Evidence now' }, { label: 'Status' }],
  rows: promises.map((p) => promiseCells(p, view)),
  rowIds: promises.map((p) => p.id),
})}
</section>`;
}

function contents(catalogue: PromiseCatalogue): SafeHtml {
  return html`<nav class="report-contents" aria-label="Policies"><h2>Policies</h2>
<ol>${[...catalogue.seeds].map(([seed, title]) => {
    const byStatus = counts(catalogue.promises.filter((p) => p.seed === seed));
    return html`<li><a href="#seed-${seed}">Policy ${seed}: ${title}</a> (${promiseStatuses.map((s) => `${byStatus.get(s)} ${s}`).join(', ')})</li>`;
  })}</ol></nav>`;
}

export function reportPage(view: ReportView): Page {
  const at = view.generatedAt.toISOString();
  return {
    audience: 'dpo',
    title: 'Promise report',
    body: html`<article class="officer">
<header>
<h1>Promise report</h1>
<p class="officer-meta">${view.organization} · made <time datetime="${at}">${at.slice(0, 16).replace('T', ' ')} UTC</time></p>
<p>Each promise of the privacy policies this shop is built on, what it must show, the mechanism in Custodian that keeps it, live figures from the ledgers and how far it is kept. The figures are counts: none of them points at a person.</p>
<p class="no-print"><a href="/staff/dpo/datamap">The data map</a> · <a href="/staff/dpo">Privacy officer’s console</a> · Printed from the browser, the page leaves out the navigation.</p>
</header>
${summary(view.catalogue)}
${chainSection(view.chain)}
${contents(view.catalogue)}
${[...view.catalogue.seeds].map(([seed, title]) => seedSection(seed, title, view))}
</article>`,
  };
}
