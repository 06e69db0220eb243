// Pieces several storefront pages share: catalogue rows as product cards, category links,
// breadcrumbs, pagination.
import { html, type SafeHtml } from '../../../web/template.ts';
import { imagePlaceholder, responsiveImage } from '../../../web/image.ts';
import { imageUrl } from '../../../media/index.ts';
import { productGrid as grid, type ProductCardProps } from '../../../web/shop.ts';
import type { ProductSummary, Category, ProductImage } from '../../catalogue/index.ts';
import type { CategoryTree } from '../category-tree.ts';

export function cardOf(p: ProductSummary, headingLevel: 2 | 3): ProductCardProps {
  return {
    href: `/products/${p.slug}`,
    name: p.name,
    meta: p.category_name ? [p.vendor_name, p.category_name] : [p.vendor_name],
    kind: p.kind,
    price: p.min_price_minor !== null && p.currency !== null ? { minor: p.min_price_minor, currency: p.currency, from: p.variant_count > 1 } : null,
    ...(p.stock === null ? {} : { inStock: p.stock > 0 }),
    headingLevel,
    picture: productPicture(p.image, '(min-width: 40rem) 20rem, 100vw'),
  };
}

/** A product's picture at the widths the media store made of it, or the placeholder when there is none. */
export function productPicture(image: ProductImage | null, sizes: string, eager = false): SafeHtml {
  if (!image) return imagePlaceholder();
  const sources = image.widths.map((width) => ({ url: imageUrl(image.image_id, width), width }));
  return responsiveImage({ sources, width: image.width, height: image.height, alt: image.alt, sizes, eager, className: 'product-image' });
}

export function productGrid(items: readonly ProductSummary[], headingLevel: 2 | 3): SafeHtml {
  return grid(items.map((p) => cardOf(p, headingLevel)));
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

/** A meta description: the text's first sentence or so, whole words, at most 155 characters. */
export function summary(text: string, max = 155): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 40)).replace(/[\s,.;:–—-]+$/, '')}…`;
}
