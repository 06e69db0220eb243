// The staff product page: its status with publish / unpublish / archive, its details form, its
// variants (price in major units with the currency, stock) with edit and remove, a form to add a
// variant, a link to its images, and its History. A role without edit sees the same facts, no forms.
import { html, type SafeHtml } from '../../../web/template.ts';
import { table } from '../../../web/table.ts';
import { form, type FormState } from '../../../web/form.ts';
import type { Abilities } from '../console-access.ts';
import type { ProductDetail, VariantView } from '../queries.ts';
import type { Category, Change, ProductStatus, Vendor } from '../tables.ts';
import { buttonForm, catalogueNav, formErrors, historySection, notice, type Page, price, statusBadge, stockText } from './parts.ts';
import { newProductLabels, productFields, variantFields } from './products.ts';

export interface ProductPageForms {
  details?: FormState;
  variant?: FormState;
  /** An error of a one-button form (status, remove). */
  action?: string;
}

const statusActions: Record<ProductStatus, { to: ProductStatus; label: string }[]> = {
  draft: [
    { to: 'active', label: 'Publish' },
    { to: 'archived', label: 'Archive' },
  ],
  active: [
    { to: 'draft', label: 'Unpublish (back to draft)' },
    { to: 'archived', label: 'Archive' },
  ],
  archived: [
    { to: 'draft', label: 'Restore as draft' },
    { to: 'active', label: 'Publish again' },
  ],
};

const statusHelp: Record<ProductStatus, string> = {
  draft: 'Customers do not see it yet.',
  active: 'On sale in the storefront.',
  archived: 'Withdrawn from sale; kept for order history.',
};

function statusSection(p: ProductDetail, csrf: string, can: Abilities): SafeHtml {
  return html`<section><h2>Status</h2><p>${statusBadge(p.status)} ${statusHelp[p.status]}${p.status === 'active' ? html` <a href="/products/${p.slug}">See it in the storefront</a>` : ''}</p>
${can.edit ? html`<div class="status-actions">${statusActions[p.status].map((a) => buttonForm(`/staff/catalogue/products/${p.id}/status`, csrf, a.label, { status: a.to }))}</div>` : ''}</section>`;
}

function variantsTable(p: ProductDetail, csrf: string, can: Abilities): SafeHtml {
  return table({
    caption: `Variants of ${p.name}`,
    hideCaption: true,
    columns: [{ label: 'SKU' }, { label: 'Name' }, { label: 'Price', numeric: true }, { label: 'Stock', numeric: true }, ...(can.edit ? [{ label: 'Actions', hideLabel: true }] : [])],
    rows: p.variants.map((v) => [
      v.sku,
      v.name,
      html`${price(v.price_minor, v.currency)}${v.billing_period ? ` per ${v.billing_period}` : ''}`,
      stockText(v.stock),
      ...(can.edit
        ? [
            html`<a href="/staff/catalogue/products/${p.id}/variants/${v.id}">Edit<span class="visually-hidden"> ${v.sku}</span></a>${
              p.variants.length > 1 ? buttonForm(`/staff/catalogue/products/${p.id}/variants/${v.id}/remove`, csrf, `Remove ${v.sku}`) : ''
            }`,
          ]
        : []),
    ]),
  });
}

function detailsFacts(p: ProductDetail): SafeHtml {
  return html`<dl class="profile"><dt>Web address</dt><dd>/products/${p.slug}</dd><dt>Vendor</dt><dd>${p.vendor.name}</dd><dt>Category</dt><dd>${p.category?.name ?? '—'}</dd><dt>Kind</dt><dd>${p.kind}</dd></dl>
${p.description ? html`<p>${p.description}</p>` : ''}`;
}

export function detailsState(p: ProductDetail, csrf: string): FormState {
  return { csrf, values: { name: p.name, slug: p.slug, description: p.description, vendor_id: p.vendor.id, category_id: p.category?.id ?? '', kind: p.kind } };
}

export function productPage(o: {
  product: ProductDetail;
  csrf: string;
  forms: ProductPageForms;
  categories: readonly Category[];
  vendors: readonly Vendor[];
  currency: string;
  history: readonly Change[];
  staff: ReadonlyMap<string, string>;
  can: Abilities;
  notice?: string;
}): Page {
  const p = o.product;
  const details = o.forms.details ?? detailsState(p, o.csrf);
  const variant = o.forms.variant ?? { csrf: o.csrf, values: { currency: p.variants[0]?.currency ?? o.currency } };
  const names = new Map<string, string>([...o.vendors.map((v) => [v.id, v.name] as const), ...o.categories.map((c) => [c.id, c.name] as const)]);
  const currencyOf = (id: string) => p.variants.find((v) => v.id === id)?.currency;
  return {
    audience: 'staff',
    title: `${p.name} · Catalogue`,
    body: html`<section class="console">${catalogueNav(o.can, '')}
<h1>${p.name}</h1>
${notice(o.notice)}
${o.forms.action ? html`<div class="form-errors" role="alert"><p>${o.forms.action}</p></div>` : ''}
${statusSection(p, o.csrf, o.can)}
<section><h2>Details</h2>
${
  o.can.edit
    ? html`${formErrors(o.forms.details, newProductLabels)}${form(
        { action: `/staff/catalogue/products/${p.id}`, csrf: o.csrf, novalidate: true },
        html`
${productFields(details, o.categories, o.vendors)}
<p><button type="submit">Save details</button></p>`,
      )}`
    : detailsFacts(p)
}</section>
<section><h2>Variants</h2>
${variantsTable(p, o.csrf, o.can)}
${o.can.stock && !o.can.edit ? html`<p><a href="/staff/catalogue/stock">Set stock</a></p>` : ''}
${
  o.can.edit
    ? html`<h3 id="add-variant">Add a variant</h3>${formErrors(o.forms.variant, newProductLabels)}${form(
        { action: `/staff/catalogue/products/${p.id}/variants`, csrf: o.csrf, novalidate: true },
        html`
${variantFields(variant, o.currency)}
<p><button type="submit">Add variant</button></p>`,
      )}`
    : ''
}</section>
<section><h2>Images</h2><p><a href="/staff/catalogue/products/${p.id}/images">Images of this product</a>: upload them with a text describing each.</p></section>
${
  p.kind === 'digital' && o.can.edit
    ? html`<section><h2>Licence keys and downloads</h2><p><a href="/staff/catalogue/products/${p.id}/licence-keys">Licence keys of this product</a>: add them in bulk; each paid unit receives one.</p>
<p><a href="/staff/catalogue/products/${p.id}/download">Downloadable file of this product</a>: each paid unit may download it through a signed link that expires.</p></section>`
    : ''
}
${historySection(o.history, o.staff, names, currencyOf)}
</section>`,
  };
}

export function variantState(v: VariantView, csrf: string, majorPrice: string): FormState {
  return { csrf, values: { sku: v.sku, name: v.name, price: majorPrice, currency: v.currency, stock: v.stock === null ? '' : String(v.stock), billing_period: v.billing_period ?? '' } };
}

export function variantPage(o: { product: ProductDetail; variant: VariantView; state: FormState; can: Abilities }): Page {
  const { product: p, variant: v } = o;
  return {
    audience: 'staff',
    title: `${v.sku} · ${p.name}`,
    body: html`<section class="console">${catalogueNav(o.can, '')}
<p><a href="/staff/catalogue/products/${p.id}">Back to ${p.name}</a></p>
<h1>Variant ${v.sku}</h1>
${formErrors(o.state, newProductLabels)}
${form(
  { action: `/staff/catalogue/products/${p.id}/variants/${v.id}`, csrf: o.state.csrf, novalidate: true },
  html`
${variantFields(o.state, v.currency)}
<p><button type="submit">Save variant</button></p>`,
)}</section>`,
  };
}
