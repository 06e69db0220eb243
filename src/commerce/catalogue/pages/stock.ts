// Bulk stock edit: one form listing variants (filtered by name or SKU) with a stock input each,
// saved in one transaction, all or nothing; a bad entry is named by its SKU.
import { html } from '../../../web/template.ts';
import { table } from '../../../web/table.ts';
import { form, type FormState } from '../../../web/form.ts';
import type { Abilities } from '../console-access.ts';
import type { StockRow } from '../stock-list.ts';
import { limits } from '../schemas.ts';
import { catalogueNav, notice, type Page, statusBadge } from './parts.ts';

export function stockPage(o: { rows: readonly StockRow[]; q: string; state: FormState; can: Abilities; notice?: string; more: boolean }): Page {
  const errors = Object.entries(o.state.errors ?? {});
  const skuOf = new Map(o.rows.map((r) => [`stock.${r.id}`, r.sku]));
  return {
    audience: 'staff',
    title: 'Catalogue: stock',
    body: html`<section class="console">${catalogueNav(o.can, '/staff/catalogue/stock')}
<h1>Stock</h1>
${notice(o.notice)}
${
  errors.length
    ? html`<div class="form-errors" role="alert"><p>Nothing was saved. Please check:</p><ul>${errors.map(([name, message]) =>
        name === '' || !skuOf.has(name) ? html`<li>${message}</li>` : html`<li><a href="#f-${name}">${skuOf.get(name)}</a>: ${message.replace(`${skuOf.get(name)}: `, '')}</li>`,
      )}</ul></div>`
    : ''
}
<form method="get" action="/staff/catalogue/stock" role="search"><p class="field"><label for="f-q">Product name or SKU</label> <input id="f-q" name="q" type="search" maxlength="${limits.searchQuery}" value="${o.q}"></p><p><button type="submit">Find variants</button></p></form>
${
  o.rows.length === 0
    ? html`<p>No variants match.</p>`
    : html`${form(
        { action: `/staff/catalogue/stock${o.q ? `?q=${encodeURIComponent(o.q)}` : ''}`, csrf: o.state.csrf, novalidate: true },
        html`
<p class="hint">Units on hand. Leave a box empty for goods whose stock is not counted (licences, services). All rows are saved together, or none.</p>
${table({
  caption: 'Stock by variant',
  hideCaption: true,
  className: 'catalogue-stock',
  columns: [{ label: 'SKU' }, { label: 'Product' }, { label: 'Stock' }],
  rows: o.rows.map((r) => {
    const name = `stock.${r.id}`;
    const error = o.state.errors?.[name];
    const value = o.state.values?.[name] ?? (r.stock === null ? '' : String(r.stock));
    return [
      html`<label for="f-${name}">${r.sku}</label>`,
      html`<a href="/staff/catalogue/products/${r.product_id}">${r.product_name}</a> ${r.variant_name} ${statusBadge(r.status)}`,
      html`<span${error ? html` class="field-error"` : ''}><input id="f-${name}" name="${name}" inputmode="numeric" maxlength="10" size="6" value="${value}"${error ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : ''}>${error ? html` <span class="error" id="f-${name}-error">${error}</span>` : ''}</span>`,
    ];
  }),
})}
${o.more ? html`<p>More variants match: narrow the search to see them.</p>` : ''}
<p><button type="submit">Save stock</button></p>`,
      )}`
}</section>`,
  };
}
