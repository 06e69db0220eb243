// A product page: what it is, who makes it, where it sits in the shop, and the buy box (each
// variant's price, SKU and availability, a quantity, "Add to cart") right under its name, before
// the pictures, so a phone shows it on the first screen; wide screens put the pictures beside it.
import { html, type SafeHtml } from '../../../web/template.ts';
import type { ProductDetail, ProductKind } from '../../catalogue/index.ts';
import type { CategoryTree } from '../category-tree.ts';
import { buyBox, kindBadge } from '../../../web/shop.ts';
import { breadcrumbs, productPicture } from './parts.ts';

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
<div class="product-top">
${buyBox({
  action: '/cart/add',
  csrfToken: CSRF_PLACEHOLDER,
  maxQuantity: MAX_QUANTITY,
  options: p.variants.map((v) => ({ id: v.id, name: v.name, sku: v.sku, minor: v.price_minor, currency: v.currency, stock: v.stock, per: v.billing_period })),
})}
<div class="gallery">${productPicture(p.images[0] ?? null, '(min-width: 56rem) 36rem, 100vw', true)}${p.images.slice(1).map((i) => productPicture(i, '10rem'))}</div>
</div>
<h2>About this product</h2>
<div class="description">${paragraphs(p.description)}</div>
<p class="meta">${kindNotes[p.kind]}</p>
${p.kind === 'service' ? html`<p><a href="/quote?product=${encodeURIComponent(p.name)}">Request a quote</a> for a system with this service.</p>` : ''}
</article>`;
}
