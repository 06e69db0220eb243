// The export as a page to read: each section with its description and its records as a table
// (nested lists inside cells), columns named from the record keys. The same document, unchanged,
// is the JSON download.
import type { ExportRecord, ExportValue } from '../privacy/index.ts';
import type { Page } from '../web/page.ts';
import { table } from '../web/table.ts';
import { html, type SafeHtml } from '../web/template.ts';
import { valueText } from './centre/values.ts';
import type { ExportDocument } from './export.ts';

const label = (key: string) => {
  const words = key.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function cell(value: ExportValue): SafeHtml | string {
  if (value === null || value === '') return '—';
  if (Array.isArray(value)) {
    if (value.length === 0) return '—';
    return html`<ul class="export-list">${value.map((v) => html`<li>${v !== null && typeof v === 'object' && !Array.isArray(v) ? valueText(v) : cell(v)}</li>`)}</ul>`;
  }
  if (typeof value === 'object') return valueText(value);
  return String(value);
}

export function recordsTable(caption: string, records: readonly ExportRecord[]): SafeHtml {
  if (records.length === 0) return html`<p class="meta">Nothing.</p>`;
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return table({
    caption,
    hideCaption: true,
    rowHeaders: false,
    columns: columns.map((c) => ({ label: label(c) })),
    rows: records.map((r) => columns.map((c) => cell(r[c] ?? null))),
  });
}

export function exportPage(doc: ExportDocument, o: { download: SafeHtml; back: SafeHtml }): Page {
  return {
    audience: 'account',
    title: 'Everything we hold about you',
    body: html`<article class="export">
<h1>Everything we hold about you</h1>
<p class="meta">${doc.shop.organization} · made ${doc.generated_at.slice(0, 16).replace('T', ' ')} UTC · privacy policy version ${doc.shop.policy_version ?? '—'}</p>
<p>This is a complete copy of the personal data ${doc.shop.name} holds about you, section by section. ${o.download}</p>
<nav aria-label="Sections"><ul>${doc.sections.map((s) => html`<li><a href="#${s.id}">${s.title}</a> (${s.records.length})</li>`)}</ul></nav>
${doc.sections.map((s) => html`<section id="${s.id}"><h2>${s.title}</h2><p>${s.description}</p>${recordsTable(s.title, s.records)}</section>`)}
<p>${o.back}</p>
</article>`,
  };
}
