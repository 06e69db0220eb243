// Pieces several storefront pages share: product cards, prices, stock, badges, pagination.
import { formatMoney } from '../../../web/format.ts';
import { html, type SafeHtml } from '../../../web/template.ts';
import { imagePlaceholder, responsiveImage } from '../../../web/image.ts';
import { imageUrl } from '../../../media/index.ts';
import type { ProductSummary, Category, ProductKind, ProductImage } from '../../catalogue/index.ts';
import type { CategoryTree } from '../category-tree.ts';

const kindLabels: Record<ProductKind, string> = {
  digital: 'Digital',
  physical: 'Physical',
  service: 'Service',
};

export function kindBadge(kind: ProductKind): SafeHtml {
  return html`<span class="badge badge-${kind}">${kindLabels[kind]}</span>`;
}

export function price(minor: number, currency: string): SafeHtml {
  return html`<span class="price">${formatMoney(minor, currency)}</span> <span class="currency">${currency}</span>`;
}

/** Stock of one variant: a count, "Out of stock", or no limit when stock is not tracked. */
export function stockText(stock: number | null): SafeHtml {
  if (stock === null) return html`<span class="stock">Always available</span>`;
  if (stock <= 0) return html`<span class="stock stock-out">Out of stock</span>`;
  return html`<span class="stock stock-in">In stock: ${stock}</span>`;
}

function summaryStock(stock: number | null): SafeHtml | '' {
  if (stock === null) return '';
  return stock > 0 ? html`<span class="stock stock-in">In stock</span>` : html`<span class="stock stock-out">Out of stock</span>`;
}

/** A product's picture at the widths the media store made of it, or the placeholder when there is none. */
export function productPicture(image: ProductImage | null, sizes: string, eager = false): SafeHtml {
  if (!image) return imagePlaceholder();
  const sources = image.widths.map((width) => ({ url: imageUrl(image.image_id, width), width }));
  return responsiveImage({ sources, width: image.width, height: image.height, alt: image.alt, sizes, eager, className: 'product-image' });
}

export function productCard(p: ProductSummary): SafeHtml {
  const from = p.variant_count > 1 ? 'From ' : '';
  return html`<li class="card">
${productPicture(p.image, '(min-width: 40rem) 20rem, 100vw')}
<h3><a href="/products/${p.slug}">${p.name}</a></h3>
<p class="meta">${p.vendor_name}${p.category_name ? html` · ${p.category_name}` : ''}</p>
<p>${kindBadge(p.kind)} ${p.min_price_minor !== null && p.currency !== null ? html`${from}${price(p.min_price_minor, p.currency)}` : html`<span class="meta">No price yet</span>`} ${summaryStock(p.stock)}</p>
</li>`;
}

export function productGrid(items: readonly ProductSummary[]): SafeHtml {
  return html`<ul class="grid">${items.map(productCard)}</ul>`;
}

export function categoryLinks(tree: CategoryTree, current?: Category): SafeHtml {
  const link = (c: Category) => html`<a href="/categories/${c.slug}"${c.id === current?.id ? html` aria-current="page"` : ''}>${c.name}</a>`;
  return html`<nav aria-label="Categories"><ul class="category-tree">
${tree.roots.map((root) => {
  const children = tree.childrenOf(root.id);
  return html`<li>${link(root)}${children.length ? html`<ul class="categories">${children.map((c) => html`<li>${link(c)}</li>`)}</ul>` : ''}</li>`;
})}
</ul></nav>`;
}

export function breadcrumbs(trail: readonly { href?: string; label: string }[]): SafeHtml {
  return html`<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>${trail.map((step) =>
    step.href ? html`<li><a href="${step.href}">${step.label}</a></li>` : html`<li aria-current="page">${step.label}</li>`,
  )}</ol></nav>`;
}

export function pageCount(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/** "Page X of Y" with previous/next links; `hrefFor` builds the link of a page number. */
export function pagination(page: number, pages: number, hrefFor: (page: number) => string): SafeHtml {
  return html`<nav class="pagination" aria-label="Pagination">
${page > 1 ? html`<a rel="prev" href="${hrefFor(page - 1)}">Previous page</a>` : ''}
<span>Page ${page} of ${pages}</span>
${page < pages ? html`<a rel="next" href="${hrefFor(page + 1)}">Next page</a>` : ''}
</nav>`;
}
