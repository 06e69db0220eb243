// The checkout pages. Without JavaScript: choosing a payment method is a GET form that reloads the
// page with that method's fields; the order form posts with a hidden idempotency key made for this
// page view, so a doubled click or a reload of the POST makes one order.
import { html, type SafeHtml } from '../../web/template.ts';
import { formatMoney } from '../../web/format.ts';
import type { PricedCart } from '../pricing/index.ts';
import { methods, type FieldSpec, type PaymentMethod } from './fields.ts';

import type { Page } from '../../web/page.ts';
import { form } from '../../web/form.ts';
import { table } from '../../web/table.ts';
export type { Page };

export interface CheckoutFormState {
  priced: PricedCart;
  offered: PaymentMethod[];
  method: PaymentMethod;
  fields: FieldSpec[];
  csrf: string;
  idempotencyKey: string;
  values?: Record<string, string>;
  errors?: Record<string, string>;
  /** The optional consents offered with the order (unticked unless ticked and sent back). */
  consents?: SafeHtml | '';
}

function summary(p: PricedCart): SafeHtml {
  const m = (n: number) => formatMoney(n, p.currency);
  return html`${table({
    caption: 'Your order',
    hideCaption: true,
    className: 'order-summary',
    columns: [{ label: 'Item' }, { label: 'Qty', numeric: true }, { label: 'Price', numeric: true }],
    rows: p.lines.map((l) => [html`${l.name} <small>(${l.sku})</small>`, l.quantity, m(l.totalMinor)]),
  })}
<dl class="totals">
<dt>Subtotal</dt><dd>${m(p.subtotalMinor)}</dd>
${p.needsShipping ? html`<dt>Shipping</dt><dd>${m(p.shippingMinor)}</dd>` : ''}
${p.taxMinor ? html`<dt>Tax</dt><dd>${m(p.taxMinor)}</dd>` : ''}
<dt>Total</dt><dd class="total" id="order-total">${m(p.totalMinor)}</dd>
</dl>`;
}

function field(f: FieldSpec, s: CheckoutFormState): SafeHtml {
  const id = `f-${f.name}`;
  const value = s.values?.[f.name] ?? '';
  const error = s.errors?.[f.name];
  const errorHtml = error ? html`<span class="error" id="${id}-error">${error}</span>` : '';
  if (f.input === 'select' && f.options) {
    return html`<p class="field${error ? ' field-error' : ''}"><label for="${id}">${f.label}</label>
<select id="${id}" name="${f.name}"${f.required ? html` required` : ''}${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
<option value="">Choose…</option>
${f.options.map((o) => html`<option value="${o.value}"${value.toUpperCase() === o.value ? html` selected` : ''}>${o.label}</option>`)}
</select>
${errorHtml}</p>`;
  }
  if (f.options) {
    return html`<fieldset class="field${error ? ' field-error' : ''}" id="${id}"><legend>${f.label}</legend>
${f.options.map((o) => html`<label><input type="radio" name="${f.name}" value="${o.value}"${f.required ? html` required` : ''}${value === o.value ? html` checked` : ''}> ${o.label}</label><br>`)}
${errorHtml}</fieldset>`;
  }
  return html`<p class="field${error ? ' field-error' : ''}"><label for="${id}">${f.label}</label>
<input id="${id}" name="${f.name}" type="${f.input}"${f.required ? html` required` : ''} maxlength="${f.maxLength}"${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''}${value ? html` value="${value}"` : ''}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
${errorHtml}</p>`;
}

export function checkoutPage(s: CheckoutFormState): Page {
  const errors = Object.entries(s.errors ?? {});
  const labels = Object.fromEntries(s.fields.map((f) => [f.name, f.label]));
  return {
    audience: 'storefront',
    title: 'Checkout',
    description: 'Your order, where it goes and how you pay: card and bank details are typed on the payment processor’s own page.',
    body: html`<h1>Checkout</h1>
${summary(s.priced)}
${
  s.offered.length > 1
    ? html`<form method="get" action="/checkout" class="method-choice"><fieldset><legend>How would you like to pay?</legend>
${s.offered.map((m) => html`<label><input type="radio" name="method" value="${m}"${m === s.method ? html` checked` : ''}> ${methods[m].label}</label><br>`)}
</fieldset><button type="submit">Use this payment method</button></form>`
    : ''
}
<h2>${methods[s.method].label}</h2>
<p>${methods[s.method].explanation}</p>
${errors.length ? html`<div class="form-errors" role="alert"><p>Please check the form:</p><ul>${errors.map(([n, msg]) => (n === '' ? html`<li>${msg}</li>` : html`<li><a href="#f-${n}">${labels[n] ?? n}</a>: ${msg}</li>`))}</ul></div>` : ''}
${form(
  { action: '/checkout', csrf: s.csrf, className: 'checkout-form', novalidate: true },
  html`

<input type="hidden" name="idempotency_key" value="${s.idempotencyKey}">
<input type="hidden" name="method" value="${s.method}">
${s.fields.map((f) => field(f, s))}
${s.consents ?? ''}
<p class="hint">We ask only what this order needs. ${s.priced.needsShipping ? 'The delivery address goes to the carrier only.' : 'Nothing here is shipped, so we ask no address.'}
If you have no account yet, one is made for this email and we mail you how to sign in.</p>
<button type="submit">${s.method === 'free' || s.method === 'invoice' ? 'Place order' : 'Continue to payment'}</button>
`,
)}`,
  };
}

export function cookiesNeededPage(): Page {
  return {
    audience: 'storefront',
    title: 'Cookies needed',
    body: html`<h1>Checkout needs a cookie</h1>
<p>You can browse the catalogue without cookies, but a cart and an order need one: it is how this shop remembers what you added.
The cookie holds only a random number, is sent only to this shop over HTTPS, and is never used for tracking.</p>
<p>Allow cookies for this shop in your browser, then add your items to the cart again.</p>
<p><a href="/catalogue">Back to the catalogue</a></p>`,
  };
}

export function emptyCartPage(): Page {
  return {
    audience: 'storefront',
    title: 'Checkout',
    description: 'Your cart is empty: browse the catalogue and add something first.',
    body: html`<h1>Your cart is empty</h1><p><a href="/catalogue">Browse the catalogue</a> and add something first.</p>`,
  };
}

export function unavailablePage(message: string): Page {
  return {
    audience: 'storefront',
    title: 'Payment not started',
    body: html`<h1>We could not start the payment</h1><p>${message}</p>
<p>No order was kept and nothing was charged; the items are back in stock. <a href="/checkout">Try again</a> in a moment.</p>`,
  };
}

export interface ConfirmationView {
  number: string;
  status: string;
  totalMinor: number;
  currency: string;
  fulfilment: 'ship' | 'digital' | string;
  method: string;
  signedIn: boolean;
  /** What other modules deliver for the order (licence keys), from their `orderPage` sections. */
  sections?: readonly SafeHtml[];
}

export function confirmationPage(o: ConfirmationView): Page {
  const next =
    o.status === 'on_hold' && o.method === 'invoice'
      ? html`<p>Your order waits for a credit approval of the invoice. We mail you as soon as it is approved, and again at every step.</p>`
      : o.status === 'on_hold'
        ? html`<p>We have your payment. Your order waits for us a moment; we mail you as soon as it moves on.</p>`
        : o.fulfilment === 'ship'
          ? html`<p>We are preparing your parcel. We mail you when it ships, with the carrier and tracking number.</p>`
          : html`<p>Your order is paid. We mail you your licence or access as soon as it is ready.</p>`;
  return {
    audience: 'storefront',
    title: 'Thank you',
    body: html`<h1>Thank you for your order</h1>
<p>Your order number is <strong id="order-number">${o.number}</strong> (${formatMoney(o.totalMinor, o.currency)}).</p>
${next}
${o.sections ?? []}
${
  o.signedIn
    ? html`<p>You can follow it under <a href="/account/orders">your orders</a>.</p>`
    : html`<p>Every order belongs to an account. We have mailed you how to sign in (new accounts get a link to choose a password); then your orders are under <a href="/account/orders">your orders</a>.</p>`
}`,
  };
}

export function paymentPendingPage(o: { number: string; status: string; paymentUrl: string | null }): Page {
  const declined = o.status === 'failed';
  return {
    audience: 'storefront',
    title: declined ? 'Payment declined' : 'Payment not finished',
    body: html`<h1>${declined ? 'The payment was declined' : 'The payment is not finished yet'}</h1>
<p>Order <strong>${o.number}</strong> waits for payment. Nothing was charged.</p>
${o.paymentUrl ? html`<p><a class="button" href="${o.paymentUrl}">Back to the payment page</a> to try again, or with another card or account.</p>` : ''}
<p>Unpaid orders are cancelled after an hour and their items go back in stock.</p>`,
  };
}
