// The cart page: each line with a quantity form and a remove button (plain forms, no JavaScript),
// the totals from pricing, and the way on to checkout. The cookie page explains P003-21.
import { price } from '../../../web/price.ts';
import { table } from '../../../web/table.ts';
import { html, type SafeHtml } from '../../../web/template.ts';
import { confirmDialog } from '../../../web/confirm.ts';
import { form } from '../../../web/form.ts';
import { lineLimits } from '../../pricing/index.ts';
import type { CartView } from '../view.ts';

import type { Page } from '../../../web/page.ts';
export type { Page };

function removeForm(csrf: string, variantId: string, label: string): SafeHtml {
  return form({ action: '/cart/remove', csrf, className: 'inline', hidden: { variant_id: variantId } }, html`<button type="submit" aria-label="Remove ${label}">Remove</button>`);
}

export function cartPage(view: CartView, csrf: string, error?: string, notice?: string): Page {
  const { priced, unavailable } = view;
  const c = priced.currency;
  const empty = priced.lines.length === 0 && unavailable.length === 0;
  const body = html`<section class="cart">
<h1>Your cart</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${empty ? html`<p>Your cart is empty. <a href="/catalogue">Browse the catalogue</a>.</p>` : ''}
${
  priced.lines.length
    ? html`${table({
        caption: 'Items',
        className: 'cart-lines',
        columns: [{ label: 'Item' }, { label: 'SKU' }, { label: 'Price', numeric: true }, { label: 'Quantity' }, { label: 'Total', numeric: true }, { label: 'Remove', hideLabel: true }],
        rows: priced.lines.map((l) => [
          html`<a href="/products/${l.productSlug}">${l.name}</a>`,
          html`<code>${l.sku}</code>`,
          price(l.unitMinor, c),
          html`${form(
            { action: '/cart/update', csrf, className: 'inline', hidden: { variant_id: l.variantId } },
            html`<label class="visually-hidden" for="q-${l.variantId}">Quantity of ${l.name}</label>
<input id="q-${l.variantId}" name="quantity" type="number" inputmode="numeric" min="0" max="${lineLimits.maxQuantity}" value="${l.quantity}" required>
<button type="submit">Update</button>`,
          )}${l.stock !== null && l.stock < l.quantity ? html` <span class="stock stock-out">Only ${l.stock} in stock</span>` : ''}`,
          price(l.totalMinor, c),
          removeForm(csrf, l.variantId, l.name),
        ]),
      })}
<dl class="totals">
<dt>Subtotal</dt><dd>${price(priced.subtotalMinor, c)}</dd>
${priced.needsShipping ? html`<dt>Shipping</dt><dd>${price(priced.shippingMinor, c)}</dd>` : ''}
${priced.taxMinor > 0 ? html`<dt>Tax</dt><dd>${price(priced.taxMinor, c)}</dd>` : ''}
<dt>Total</dt><dd class="total">${price(priced.totalMinor, c)} <span class="currency">${c}</span></dd>
</dl>
<p><a class="button" href="/checkout">Check out</a></p>`
    : ''
}
${
  unavailable.length
    ? html`<h2>No longer available</h2>
<ul class="unavailable">
${unavailable.map((u) => html`<li>${u.name ?? 'An item'}${u.sku ? html` (<code>${u.sku}</code>)` : ''}: ${u.reason} ${removeForm(csrf, u.variantId, u.name ?? 'this item')}</li>`)}
</ul>`
    : ''
}
</section>`;
  return { audience: 'storefront', title: 'Your cart', description: 'What is in your cart, with prices, shipping and tax, before you check out.', body };
}

export function cookiesRequiredPage(): Page {
  return {
    audience: 'storefront',
    title: 'The cart needs a cookie',
    body: html`<section class="error-page cookies-required">
<h1>The cart needs a cookie</h1>
<p>Your browser did not send back the cookie this shop uses to remember your cart, so we cannot add
items to it or take you through checkout.</p>
<p>The cookie holds only a random number that names your cart: nothing about you, no tracking, and
it is never shared. You can keep browsing the catalogue without it.</p>
<p>To buy, allow cookies for this site in your browser's settings, reload the product page and add
the item again.</p>
<p><a href="/catalogue">Back to the catalogue</a></p>
</section>`,
  };
}

/** The first add of a visitor without a cookie: one more click, and the cookie is explained first. */
export function confirmAddPage(csrf: string, variantId: string, quantity: string): Page {
  return confirmDialog({
    audience: 'storefront',
    title: 'Add to your cart',
    consequence: `To remember your cart, this shop sets one cookie. It holds only a random number that names your
cart: nothing about you, no tracking, and it is never shared.`,
    action: '/cart/add',
    csrf,
    fields: { variant_id: variantId.slice(0, 40) },
    extra: html`<p><label for="confirm-quantity">Quantity</label> <input id="confirm-quantity" name="quantity" type="number" inputmode="numeric" min="1" max="${lineLimits.maxQuantity}" value="${quantity.slice(0, 6)}" required></p>`,
    confirmLabel: 'Add to cart',
    cancelHref: '/catalogue',
    cancelLabel: 'Back to the catalogue',
  });
}
