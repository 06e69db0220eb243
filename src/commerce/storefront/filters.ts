// Sort and filter of a listing, as a GET form: the query string is the whole state, so a result
// page can be shared, bookmarked and paged through without JavaScript. Values are checked by the
// route's schema (a 400 names the field); this file turns them into list options and back.
import { AppError } from '../../platform/errors.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { kindLabels } from '../../web/shop.ts';
import { type ListOptions, type ListSort, type ProductKind, listSorts, productKinds } from '../catalogue/index.ts';
import type { CategoryTree } from './category-tree.ts';

const slugPattern = '^[a-z0-9]+(-[a-z0-9]+)*$';
// Whole or with cents, empty when the form leaves the field blank.
const amountPattern = '^([0-9]{1,7}([.][0-9]{1,2})?)?$';

export const filterProperties = {
  sort: { type: 'string', enum: ['', ...listSorts] },
  kind: { type: 'string', enum: ['', ...productKinds] },
  min: { type: 'string', maxLength: 10, pattern: amountPattern },
  max: { type: 'string', maxLength: 10, pattern: amountPattern },
  stock: { type: 'string', enum: ['', 'in'] },
  category: { type: 'string', maxLength: 80, pattern: `(${slugPattern})|^$` },
} as const;

export interface FilterQuery {
  sort?: string;
  kind?: string;
  min?: string;
  max?: string;
  stock?: string;
  category?: string;
}

export interface Filters {
  sort?: ListSort;
  kind?: ProductKind;
  min?: string;
  max?: string;
  inStock: boolean;
  category?: string;
}

const sortLabels: Record<ListSort, string> = {
  relevance: 'Relevance',
  'price-asc': 'Price, low to high',
  'price-desc': 'Price, high to low',
  newest: 'Newest first',
  name: 'Name',
};

const toMinor = (amount: string, digits: number) => Math.round(Number(amount) * 10 ** digits);

/** The filters of a query, checked beyond the schema: a category that exists, min not above max. */
export function readFilters(query: FilterQuery, tree: CategoryTree): Filters {
  const f: Filters = { inStock: query.stock === 'in' };
  if (query.sort) f.sort = query.sort as ListSort;
  if (query.kind) f.kind = query.kind as ProductKind;
  if (query.min) f.min = query.min;
  if (query.max) f.max = query.max;
  if (query.category) {
    if (!tree.bySlug.has(query.category))
      throw new AppError('VALIDATION_FAILED', 'querystring.category there is no such category', [{ field: 'querystring.category', message: 'there is no such category' }]);
    f.category = query.category;
  }
  if (f.min !== undefined && f.max !== undefined && Number(f.min) > Number(f.max)) {
    throw new AppError('VALIDATION_FAILED', 'querystring.max must not be below the lowest price', [{ field: 'querystring.max', message: 'must not be below the lowest price' }]);
  }
  return f;
}

/** True when the listing is the plain one (any page of it), which the storefront caches. */
export function isPlain(f: Filters): boolean {
  return !f.sort && !f.kind && f.min === undefined && f.max === undefined && !f.inStock && !f.category;
}

export function listOptionsOf(f: Filters, tree: CategoryTree, currencyDigits: number): Omit<ListOptions, 'page' | 'perPage'> {
  return {
    ...(f.sort ? { sort: f.sort } : {}),
    ...(f.kind ? { kind: f.kind } : {}),
    ...(f.min !== undefined ? { minPriceMinor: toMinor(f.min, currencyDigits) } : {}),
    ...(f.max !== undefined ? { maxPriceMinor: toMinor(f.max, currencyDigits) } : {}),
    ...(f.inStock ? { inStock: true } : {}),
    ...(f.category ? { categoryId: tree.bySlug.get(f.category)!.id } : {}),
  };
}

/** The query string of these filters (and `extra`, such as the search words), empty values left out. */
export function filterQueryString(f: Filters, extra: Record<string, string> = {}): URLSearchParams {
  const params = new URLSearchParams(extra);
  if (f.category) params.set('category', f.category);
  if (f.kind) params.set('kind', f.kind);
  if (f.min !== undefined) params.set('min', f.min);
  if (f.max !== undefined) params.set('max', f.max);
  if (f.inStock) params.set('stock', 'in');
  if (f.sort) params.set('sort', f.sort);
  return params;
}

export interface FilterFormOptions {
  action: string;
  filters: Filters;
  /** The search words, kept in a hidden field. */
  query?: string;
  /** Offer a category choice (not on a category's own page). */
  tree?: CategoryTree;
  currency: string;
}

const selected = (on: boolean) => (on ? html` selected` : '');

export function filterForm(o: FilterFormOptions): SafeHtml {
  const f = o.filters;
  const sorts = listSorts.filter((s) => s !== 'relevance' || o.query !== undefined);
  const current = f.sort ?? (o.query !== undefined ? 'relevance' : 'name');
  const categories = o.tree ? [...o.tree.roots.flatMap((r) => [r, ...o.tree!.childrenOf(r.id)])] : [];
  return html`<form class="filters" method="get" action="${o.action}" aria-label="Sort and filter">
${o.query !== undefined ? html`<input type="hidden" name="q" value="${o.query}">` : ''}
<p><label for="f-sort">Sort by</label>
<select id="f-sort" name="sort">${sorts.map((s) => html`<option value="${s}"${selected(s === current)}>${sortLabels[s]}</option>`)}</select></p>
${
  o.tree
    ? html`<p><label for="f-category">Category</label>
<select id="f-category" name="category"><option value="">All categories</option>${categories.map(
        (c) => html`<option value="${c.slug}"${selected(c.slug === f.category)}>${c.parent_id ? '– ' : ''}${c.name}</option>`,
      )}</select></p>`
    : ''
}
<p><label for="f-kind">Kind</label>
<select id="f-kind" name="kind"><option value="">Any kind</option>${productKinds.map((k) => html`<option value="${k}"${selected(k === f.kind)}>${kindLabels[k]}</option>`)}</select></p>
<p><label for="f-min">Lowest price (${o.currency})</label>
<input id="f-min" name="min" inputmode="decimal" pattern="[0-9]{1,7}([.][0-9]{1,2})?" size="8" value="${f.min ?? ''}"></p>
<p><label for="f-max">Highest price (${o.currency})</label>
<input id="f-max" name="max" inputmode="decimal" pattern="[0-9]{1,7}([.][0-9]{1,2})?" size="8" value="${f.max ?? ''}"></p>
<p><input type="checkbox" id="f-stock" name="stock" value="in"${f.inStock ? ' checked' : ''}> <label for="f-stock">Available now only</label></p>
<p><button type="submit">Show products</button></p>
</form>`;
}
