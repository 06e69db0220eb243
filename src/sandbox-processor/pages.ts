// The sandbox's own pages: where the buyer types a card or a bank account. Server-rendered, no
// JavaScript; the page says plainly that it is a test processor and which numbers to use.
import { html, type SafeHtml } from '../web/template.ts';
import type { FieldError } from './cards.ts';
import type { Session } from './store.ts';

export function formatAmount(amountMinor: number, currency: string): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amountMinor / 10 ** digits);
}

const style = `body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.3rem}.amount{font-size:1.6rem;font-weight:600}label{display:block;margin-top:1rem;font-weight:600}
input{display:block;width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}button{margin-top:1.5rem;padding:.7rem 1.2rem;font-size:1rem}
.error{color:#a00}.banner{background:#fff3cd;padding:.5rem 1rem;border-radius:4px}.hint{color:#555;font-size:.9rem}`;

export function page(title: string, nonce: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Sandbox Payments</title><style nonce="${nonce}">${style}</style></head>
<body><p class="banner">Sandbox Payments: a test payment processor. No real money moves.</p>${body}</body></html>`.value;
}

function errorFor(errors: FieldError[], field: string): SafeHtml {
  const e = errors.find((x) => x.field === field);
  return e ? html`<span class="error" id="${field}-error">${e.message}</span>` : html``;
}

function summary(errors: FieldError[], declined: string | null): SafeHtml {
  if (declined) return html`<p class="error" role="alert">${declined}</p>`;
  if (!errors.length) return html``;
  return html`<div class="error" role="alert"><p>Please correct:</p><ul>${errors.map((e) => html`<li>${e.message}</li>`)}</ul></div>`;
}

export interface FormState {
  errors: FieldError[];
  declined: string | null;
  values: Record<string, string>;
}

export function payPage(session: Session, nonce: string, state: FormState): string {
  const amount = formatAmount(session.amountMinor, session.currency);
  const v = (k: string) => state.values[k] ?? '';
  const fields =
    session.instrument === 'card'
      ? html`<label for="number">Card number</label>${errorFor(state.errors, 'number')}
<input id="number" name="number" inputmode="numeric" autocomplete="cc-number" required>
<label for="expiry">Expiry (MM/YY)</label>${errorFor(state.errors, 'expiry')}
<input id="expiry" name="expiry" autocomplete="cc-exp" placeholder="MM/YY" value="${v('expiry')}" required>
<label for="cvc">Security code (CVC)</label>${errorFor(state.errors, 'cvc')}
<input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required>
<label for="name">Name on the card</label>${errorFor(state.errors, 'name')}
<input id="name" name="name" autocomplete="cc-name" value="${v('name')}" required>
<p class="hint">Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined; 4000 0000 0000 9995 has insufficient funds. Any future expiry, any CVC.</p>`
      : html`<label for="holder">Account holder</label>${errorFor(state.errors, 'holder')}
<input id="holder" name="holder" autocomplete="name" value="${v('holder')}" required>
<label for="routing">Routing number</label>${errorFor(state.errors, 'routing')}
<input id="routing" name="routing" inputmode="numeric" value="${v('routing')}" required>
<label for="account">Account number</label>${errorFor(state.errors, 'account')}
<input id="account" name="account" inputmode="numeric" required>
<p class="hint">Test accounts: routing 110000000; any account number pays, one ending in 0000 is refused by the bank.</p>`;
  return page(
    'Pay',
    nonce,
    html`<h1>${session.description ? `Pay ${session.description}` : 'Pay'}</h1>
<p class="amount">${amount}</p>${summary(state.errors, state.declined)}
<form method="post" action="/pay/${session.id}">${fields}
<button type="submit">Pay ${amount}</button></form>
<p><a href="${session.cancelUrl}">Cancel and return to the shop</a></p>`,
  );
}

export function closedPage(session: Session, nonce: string): string {
  const back = session.status === 'succeeded' || session.status === 'failed' ? session.returnUrl : session.cancelUrl;
  return page('Payment closed', nonce, html`<h1>This payment is closed</h1><p>Its status is ${session.status}.</p><p><a href="${back}">Return to the shop</a></p>`);
}
