// A data table that stays usable on a phone: under ~600px each row becomes a card and every cell
// names its column (data-label, shown by CSS). Never wider than the viewport; no JavaScript.
import { html, type SafeHtml } from './template.ts';

type Cell = SafeHtml | string | number | null | undefined;

export interface Column {
  label: string;
  /** Right-aligned figures (amounts, counts). */
  numeric?: boolean;
  /** The label is read to screen readers only (a column of buttons). */
  hideLabel?: boolean;
}

export interface TableSpec {
  caption: string;
  /** Read to screen readers only. */
  hideCaption?: boolean;
  columns: readonly Column[];
  rows: readonly (readonly Cell[])[];
  /** The first cell of a row names the row (a th scope="row"). Default true. */
  rowHeaders?: boolean;
  /** Shown instead of the table when there are no rows. */
  empty?: SafeHtml | string;
  className?: string;
  /** An id per row (by index), for links to a row (`#P000-16`). */
  rowIds?: readonly (string | undefined)[];
}

export function table(spec: TableSpec): SafeHtml {
  if (spec.rows.length === 0 && spec.empty !== undefined) return html`<p class="table-empty">${spec.empty}</p>`;
  const rowHeaders = spec.rowHeaders !== false;
  const head = spec.columns.map((c) => html`<th scope="col"${c.numeric ? html` class="num"` : ''}>${c.hideLabel ? html`<span class="visually-hidden">${c.label}</span>` : c.label}</th>`);
  const body = spec.rows.map(
    (row, r) =>
      html`<tr${spec.rowIds?.[r] ? html` id="${spec.rowIds[r]}"` : ''}>${row.map((cell, i) => {
        const c = spec.columns[i] ?? { label: '' };
        const cls = c.numeric ? html` class="num"` : '';
        const label = c.hideLabel ? '' : html` data-label="${c.label}"`;
        return i === 0 && rowHeaders ? html`<th scope="row"${label}${cls}>${cell}</th>` : html`<td${label}${cls}>${cell}</td>`;
      })}</tr>`,
  );
  return html`<div class="kit-table-wrap"><table class="kit-table${spec.className ? ` ${spec.className}` : ''}">
<caption${spec.hideCaption ? html` class="visually-hidden"` : ''}>${spec.caption}</caption>
<thead><tr>${head}</tr></thead>
<tbody>${body}</tbody>
</table></div>`;
}
