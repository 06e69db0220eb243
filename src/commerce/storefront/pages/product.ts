// A product page: what it is, who makes it, where it sits in the shop, and each variant's SKU,
// price and availability.
import { html, type SafeHtml } from '../../../web/template.ts';
import type { ProductDetail, VariantView, ProductKind } from '../../catalogue/index.ts';
import type { CategoryTree } from '../category-tree.ts';
import { breadcrumbs, kindBadge, price, productPicture, stockText } from './parts.ts';

/** Stands for the visitor's CSRF token in the cached page; the route puts the real one in per request. */
export const CSRF_PLACEHOLDER = '__custodian_csrf__';
const placeholderBytes = Buffer.from(CSRF_PLACEHOLDER);

/** The cached page bytes with every placeholder replaced by `token`, without decoding the page. */
export function withCsrfToken(page: Buffer, token: string): Buffer {
  const parts: Buffer[] = [];
  const value = Buffer.from(token);
  let from = 0;
  for (let at = page.indexOf(placeholderBytes); at !== -1; at = page.indexOf(placeholderBytes, from)) {
    parts.push(page.subarray(from, at), value);
    from = at + placeholderBytes.length;
  }
  return from === 0 ? page : Buffer.concat([...parts, page.subarray(from)]);
}
const MAX_QUANTITY = 99;

/** "Add to cart" for a variant that can be bought (stock untracked or on hand); otherwise why not. */
function addToCart(v: VariantView, productName: string): SafeHtml {
  if (v.stock !== null && v.stock <= 0) return html`<span class="stock stock-out">Out of stock</span>`;
  const max = v.stock === null ? MAX_QUANTITY : Math.min(MAX_QUANTITY, v.stock);
  const label = v.name === 'Standard' ? productName : `${productName} (${v.name})`;
  return html`<form method="post" action="/cart/add" class="add-to-cart">
<input type="hidden" name="_csrf" value="${CSRF_PLACEHOLDER}"><input type="hidden" name="variant_id" value="${v.id}">
<label for="qty-${v.id}">Quantity</label> <input id="qty-${v.id}" name="quantity" type="number" inputmode="numeric" min="1" max="${max}" value="1" required>
<button type="submit" aria-label="Add ${label} to cart">Add to cart</button>
</form>`;
}

const kindNotes: Record<ProductKind, string> = {
  digital: 'A digital product: delivered as a download or licence key, so no shipping address is needed.',
  physical: 'A physical product: shipped to the address you give at checkout.',
  service: 'A service: provided by the vendor for as long as you subscribe.',
};

function paragraphs(text: string): SafeHtml[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => html`<p>${p}</p>`);
}

export function productPage(p: ProductDetail, tree: CategoryTree): SafeHtml {
  const category = p.category ? tree.byId.get(p.category.id) : undefined;
  const trail = [
    { href: '/', label: 'Home' },
    ...(category ? tree.pathTo(category).map((c) => ({ href: `/categories/${c.slug}`, label: c.name })) : [{ href: '/catalogue', label: 'Catalogue' }]),
    { label: p.name },
  ];
  return html`<article class="product">
${breadcrumbs(trail)}
<h1>${p.name}</h1>
<p class="meta">By <span class="vendor">${p.vendor.name}</span> ${kindBadge(p.kind)}</p>
<div class="gallery">${productPicture(p.images[0] ?? null, '(min-width: 64rem) 40rem, 100vw', true)}${p.images.slice(1).map((i) => productPicture(i, '10rem'))}</div>
<div class="description">${paragraphs(p.description)}</div>
<p class="meta">${kindNotes[p.kind]}</p>
<table class="variants">
<caption>Options</caption>
<thead><tr><th scope="col">Option</th><th scope="col">SKU</th><th scope="col">Price</th><th scope="col">Availability</th><th scope="col">Buy</th></tr></thead>
<tbody>
${p.variants.map(
  (v) => html`<tr><th scope="row">${v.name}</th><td><code>${v.sku}</code></td><td>${price(v.price_minor, v.currency)}</td><td>${stockText(v.stock)}</td><td>${addToCart(v, p.name)}</td></tr>`,
)}
</tbody>
</table>
${p.variants.length === 0 ? html`<p>This product has no options on sale yet.</p>` : ''}
</article>`;
}
