// The staff product list (search by name or SKU, filter by status, category and vendor, pages of
// results, status badges) and the new-product form (the product and its first variant; it starts
// as a draft).
import { html, type SafeHtml } from '../../../web/template.ts';
import { table } from '../../../web/table.ts';
import { pagination } from '../../../web/pagination.ts';
import { form, input, select, textarea, type FormState } from '../../../web/form.ts';
import type { Abilities } from '../console-access.ts';
import type { ProductListing } from '../queries.ts';
import { limits } from '../schemas.ts';
import { type Category, productKinds, productStatuses, type ProductStatus, type Vendor } from '../tables.ts';
import { catalogueNav, categoryChoices, formErrors, notice, optionalSelect, type Page, price, statusBadge, statusLabels, stockText } from './parts.ts';

export interface ProductFilter {
  q: string;
  status: ProductStatus | '';
  category_id: string;
  vendor_id: string;
  page: number;
}

const kindLabels = { digital: 'Digital (licence or download)', physical: 'Physical (shipped, stock counted)', service: 'Service (plan or subscription)' } as const;

function filterForm(f: ProductFilter, categories: readonly Category[], vendors: readonly Vendor[]): SafeHtml {
  const state: FormState = { csrf: '', values: { q: f.q, status: f.status, category_id: f.category_id, vendor_id: f.vendor_id } };
  return html`<form method="get" action="/staff/catalogue" class="catalogue-filter" role="search">
<p class="field"><label for="f-q">Name or SKU</label> <input id="f-q" name="q" type="search" maxlength="${limits.searchQuery}" value="${f.q}"></p>
${optionalSelect(state, { name: 'status', label: 'Status', empty: 'Any status', choices: productStatuses.map((s) => ({ value: s, label: statusLabels[s] })) })}
${optionalSelect(state, { name: 'category_id', label: 'Category', empty: 'Any category', choices: categoryChoices(categories) })}
${optionalSelect(state, { name: 'vendor_id', label: 'Vendor', empty: 'Any vendor', choices: vendors.map((v) => ({ value: v.id, label: v.name })) })}
<p><button type="submit">Show products</button></p></form>`;
}

function pageHref(f: ProductFilter, page: number): string {
  const q = new URLSearchParams();
  if (f.q) q.set('q', f.q);
  if (f.status) q.set('status', f.status);
  if (f.category_id) q.set('category_id', f.category_id);
  if (f.vendor_id) q.set('vendor_id', f.vendor_id);
  if (page > 1) q.set('page', String(page));
  const query = q.toString();
  return `/staff/catalogue${query ? `?${query}` : ''}`;
}

function productTable(listing: ProductListing): SafeHtml {
  return table({
    caption: 'Products',
    hideCaption: true,
    empty: 'No products match.',
    columns: [
      { label: 'Product' },
      { label: 'Status' },
      { label: 'Vendor' },
      { label: 'Category' },
      { label: 'Price from', numeric: true },
      { label: 'Stock', numeric: true },
      { label: 'Variants', numeric: true },
    ],
    rows: listing.items.map((p) => [
      html`<a href="/staff/catalogue/products/${p.id}">${p.name}</a>`,
      statusBadge(p.status),
      p.vendor_name,
      p.category_name ?? '—',
      p.min_price_minor !== null && p.currency ? price(p.min_price_minor, p.currency) : '—',
      stockText(p.stock),
      p.variant_count,
    ]),
  });
}

export function productListPage(o: { listing: ProductListing; filter: ProductFilter; categories: readonly Category[]; vendors: readonly Vendor[]; can: Abilities; notice?: string }): Page {
  const { listing, filter } = o;
  const pages = Math.max(1, Math.ceil(listing.total / listing.perPage));
  return {
    audience: 'staff',
    title: 'Catalogue: products',
    body: html`<section class="console">${catalogueNav(o.can, '/staff/catalogue')}
<h1>Products</h1>
${notice(o.notice)}
${o.can.edit ? html`<p><a href="/staff/catalogue/products/new">Add a product</a></p>` : ''}
${filterForm(filter, o.categories, o.vendors)}
<p>${listing.total} product${listing.total === 1 ? '' : 's'}${pages > 1 ? html`, page ${listing.page} of ${pages}` : ''}.</p>
${productTable(listing)}
${pagination({ page: listing.page, pageCount: pages, href: (n) => pageHref(filter, n) })}
</section>`,
  };
}

/** Labels of the new-product form's fields, for its error summary. */
export const newProductLabels: Record<string, string> = {
  name: 'Name',
  slug: 'Web address (slug)',
  description: 'Description',
  vendor_id: 'Vendor',
  category_id: 'Category',
  kind: 'Kind',
  sku: 'SKU',
  variant_name: 'Variant name',
  price: 'Price',
  currency: 'Currency',
  stock: 'Stock',
  variants: 'Variants',
};

export function productFields(state: FormState, categories: readonly Category[], vendors: readonly Vendor[]): SafeHtml {
  return html`${input(state, { name: 'name', label: 'Name', maxlength: limits.name })}
${input(state, { name: 'slug', label: 'Web address (slug)', maxlength: limits.slug, required: false, hint: 'Lowercase letters, digits and hyphens, e.g. backup-pro. Left empty, it is made from the name.' })}
${textarea(state, { name: 'description', label: 'Description', maxlength: limits.productDescription, required: false })}
${select(state, { name: 'vendor_id', label: 'Vendor', choices: vendors.map((v) => ({ value: v.id, label: v.name })) })}
${optionalSelect(state, { name: 'category_id', label: 'Category', empty: 'No category', choices: categoryChoices(categories) })}
${select(state, { name: 'kind', label: 'Kind', choices: productKinds.map((k) => ({ value: k, label: kindLabels[k] })) })}`;
}

export function variantFields(state: FormState, currency: string, names: { name: string } = { name: 'name' }): SafeHtml {
  return html`${input(state, { name: 'sku', label: 'SKU', maxlength: limits.sku, hint: 'The stock-keeping code, unique in the shop, no spaces.' })}
${input(state, { name: names.name, id: `f-variant-${names.name}`, label: 'Variant name', maxlength: limits.name, required: false, hint: 'e.g. "1 year, 5 devices". Left empty: "Standard".' })}
${input(state, { name: 'price', label: 'Price', maxlength: 14, hint: `In ${state.values?.currency || currency}, e.g. 12.50.` })}
${input(state, { name: 'currency', label: 'Currency', maxlength: 3, hint: 'Three-letter code, e.g. EUR.' })}
${input(state, { name: 'stock', label: 'Stock', maxlength: 10, required: false, hint: 'Units on hand. Left empty: not counted (licences, services).' })}
${optionalSelect(state, {
  name: 'billing_period',
  label: 'Billing',
  empty: 'Paid once',
  choices: [
    { value: 'month', label: 'Plan: charged every month' },
    { value: 'year', label: 'Plan: charged every year' },
  ],
  hint: 'A plan is a subscription: the first period is paid at checkout, then renewed until cancelled.',
})}`;
}

export function newProductPage(o: { state: FormState; categories: readonly Category[]; vendors: readonly Vendor[]; currency: string; can: Abilities }): Page {
  const state: FormState = { ...o.state, values: { currency: o.currency, kind: 'physical', ...o.state.values } };
  return {
    audience: 'staff',
    title: 'New product',
    body: html`<section class="console">${catalogueNav(o.can, '/staff/catalogue/products/new')}
<h1>New product</h1>
${formErrors(o.state, newProductLabels)}
${o.vendors.length === 0 ? html`<p class="notice">Add a <a href="/staff/catalogue/vendors">vendor</a> first: every product has one.</p>` : ''}
${form(
  { action: '/staff/catalogue/products', csrf: o.state.csrf, novalidate: true },
  html`
<fieldset><legend>Product</legend>
${productFields(state, o.categories, o.vendors)}
</fieldset>
<fieldset><legend>First variant</legend><p class="hint">Add more variants on the product’s page.</p>
${variantFields(state, o.currency, { name: 'variant_name' })}
</fieldset>
<p>The product starts as a draft: customers see it once you publish it.</p>
<p><button type="submit">Save draft</button></p>
`,
)}</section>`,
  };
}
