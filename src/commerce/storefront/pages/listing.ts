// A page of products: the whole catalogue, one category (with its children), or search results.
import { html, type SafeHtml } from '../../../web/template.ts';
import type { ProductListing, Category } from '../../catalogue/index.ts';
import type { CategoryTree } from '../category-tree.ts';
import { breadcrumbs, categoryLinks, pageCount, pagination, productGrid } from './parts.ts';

export interface ListingPageOptions {
  heading: string;
  lead?: SafeHtml;
  trail?: { href?: string; label: string }[];
  tree: CategoryTree;
  current?: Category;
  listing: ProductListing;
  hrefFor: (page: number) => string;
  emptyText: string;
  /** The sort and filter form. */
  filters?: SafeHtml;
}

export function listingPage(o: ListingPageOptions): SafeHtml {
  const pages = pageCount(o.listing.total, o.listing.perPage);
  return html`${o.trail ? breadcrumbs(o.trail) : ''}
<h1>${o.heading}</h1>
${o.lead ?? ''}
${o.filters ?? ''}
${categoryLinks(o.tree, o.current)}
<section aria-label="Products">
${o.listing.items.length ? productGrid(o.listing.items, 2) : html`<p>${o.emptyText}</p>`}
</section>
${pagination(o.listing.page, pages, o.hrefFor)}`;
}

export function searchPrompt(tree: CategoryTree): SafeHtml {
  return html`<h1>Search</h1>
<p>Type a product name, a word from its description, or a SKU into the search box above.</p>
${categoryLinks(tree)}`;
}
