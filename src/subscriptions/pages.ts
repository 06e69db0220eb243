// The subscriptions pages: the customer's list, one subscription with its invoices, an invoice, the
// question before cancelling; and staff's list with a status filter. Server-rendered, no script.
import { form } from '../web/form.ts';
import { formatMoney } from '../web/format.ts';
import type { Page } from '../web/page.ts';
import { table } from '../web/table.ts';
import { html, type SafeHtml } from '../web/template.ts';
import type { Invoice, Subscription } from './subscriptions.ts';
import { type SubscriptionStatus, subscriptionStatuses } from './tables.ts';

export const statusLabels: Record<SubscriptionStatus, string> = {
  active: 'Active',
  past_due: 'Payment failed: we will try again',
  suspended: 'Suspended: payment needed',
  cancelled: 'Cancelled',
};
const invoiceLabels: Record<Invoice['status'], string> = { open: 'Open', paid: 'Paid', failed: 'Payment failed' };
const day = (d: Date) => new Date(d).toISOString().slice(0, 10);
const money = (minor: number, currency: string) => formatMoney(minor, currency);

/** What happens next, in words: the next charge, the retry, or the end. */
export function nextText(s: Subscription): string {
  if (s.status === 'cancelled') return s.ended_at ? `Ended on ${day(s.ended_at)}` : 'Ended';
  if (s.cancel_at_period_end) return `Ends on ${day(s.current_period_end)}; nothing more is charged`;
  if (s.status === 'suspended') return 'Nothing is charged until you pay the open invoice';
  if (s.status === 'past_due' && s.retry_at) return `Next try ${day(s.retry_at)}: ${money(s.amount_minor, s.currency)}`;
  return `${day(s.current_period_end)}: ${money(s.amount_minor, s.currency)}`;
}

export function mySubscriptionsPage(subscriptions: readonly Subscription[]): Page {
  return {
    audience: 'account',
    title: 'Your subscriptions',
    body: html`<section class="subscriptions"><h1>Your subscriptions</h1>
${table({
  caption: 'Your subscriptions',
  hideCaption: true,
  columns: [{ label: 'Plan' }, { label: 'Status' }, { label: 'Next charge' }, { label: 'Price', numeric: true }],
  rows: subscriptions.map((s) => [html`<a href="/account/subscriptions/${s.id}">${s.name}</a>`, statusLabels[s.status], nextText(s), `${money(s.amount_minor, s.currency)} per ${s.period}`]),
  empty: html`You have no subscriptions. Plans are in the <a href="/catalogue">catalogue</a>.`,
})}
<p><a href="/account">Back to your account</a></p></section>`,
  };
}

export function mySubscriptionPage(o: { subscription: Subscription; invoices: readonly Invoice[]; open: Invoice | null; csrf: string }): Page {
  const s = o.subscription;
  const mayCancel = s.status !== 'cancelled' && !s.cancel_at_period_end;
  return {
    audience: 'account',
    title: s.name,
    body: html`<section class="subscriptions"><h1>${s.name}</h1>
<dl class="facts">
<dt>Status</dt><dd>${statusLabels[s.status]}${s.cancel_at_period_end && s.status !== 'cancelled' ? ' (cancelled by you)' : ''}</dd>
<dt>Price</dt><dd>${money(s.amount_minor, s.currency)} per ${s.period}</dd>
<dt>Current period</dt><dd>${day(s.current_period_start)} to ${day(s.current_period_end)}</dd>
<dt>Next charge</dt><dd>${nextText(s)}</dd>
</dl>
${
  o.open
    ? html`<h2>Payment needed</h2><p>We could not charge your card ${money(o.open.amount_minor, o.open.currency)} for ${day(o.open.period_start)} to ${day(o.open.period_end)}. Pay it with another card on the payment processor’s page; the card is then kept for the next periods.</p>
${form({ action: `/account/subscriptions/${s.id}/pay`, csrf: o.csrf }, html`<button type="submit">Pay now</button>`)}`
    : ''
}
<h2>Invoices</h2>
${table({
  caption: 'Invoices, newest first',
  hideCaption: true,
  columns: [{ label: 'Period' }, { label: 'Status' }, { label: 'Amount', numeric: true }],
  rows: o.invoices.map((i) => [
    html`<a href="/account/subscriptions/${s.id}/invoices/${i.id}">${day(i.period_start)} to ${day(i.period_end)}</a>`,
    invoiceLabels[i.status],
    money(i.amount_minor, i.currency),
  ]),
  empty: 'No invoices yet.',
})}
${mayCancel ? html`<p><a href="/account/subscriptions/${s.id}/cancel">Cancel this subscription</a></p>` : ''}
<p><a href="/account/subscriptions">All your subscriptions</a></p></section>`,
  };
}

export function cancelPage(s: Subscription, csrf: string): Page {
  const when = s.status === 'active' ? `It ends on ${day(s.current_period_end)}, the end of the period you paid for, and nothing more is charged.` : 'It ends now, and nothing more is charged.';
  return {
    audience: 'account',
    title: `Cancel ${s.name}?`,
    body: html`<section class="subscriptions"><h1>Cancel ${s.name}?</h1>
<p>${when}</p>
${form({ action: `/account/subscriptions/${s.id}/cancel`, csrf }, html`<button type="submit">Yes, cancel it</button>`)}
<p><a href="/account/subscriptions/${s.id}">No, keep it</a></p></section>`,
  };
}

export function invoicePage(o: { subscription: Subscription; invoice: Invoice; shopName: string }): Page {
  const { subscription: s, invoice: i } = o;
  return {
    audience: 'account',
    title: `Invoice ${day(i.period_start)}`,
    body: html`<section class="subscriptions invoice"><h1>Invoice for ${day(i.period_start)} to ${day(i.period_end)}</h1>
<dl class="facts">
<dt>From</dt><dd>${o.shopName}</dd>
<dt>Invoice</dt><dd><code>${i.id}</code></dd>
<dt>Plan</dt><dd>${s.name} (<code>${s.sku}</code>)</dd>
<dt>Period</dt><dd>${day(i.period_start)} to ${day(i.period_end)}</dd>
<dt>Amount</dt><dd>${money(i.amount_minor, i.currency)}</dd>
<dt>Status</dt><dd>${invoiceLabels[i.status]}${i.paid_at ? ` on ${day(i.paid_at)}` : ''}</dd>
</dl>
<p><a href="/account/subscriptions/${s.id}">Back to the subscription</a></p></section>`,
  };
}

export function staffSubscriptionsPage(o: { subscriptions: readonly Subscription[]; status: SubscriptionStatus | null }): Page {
  const choice = (value: string, label: string, chosen: boolean): SafeHtml => html`<option value="${value}"${chosen ? html` selected` : ''}>${label}</option>`;
  return {
    audience: 'staff',
    title: 'Subscriptions',
    body: html`<section class="subscriptions"><h1>Subscriptions</h1>
${form(
  { action: '/staff/subscriptions', method: 'get', csrf: '' },
  html`<p class="field"><label for="f-status">Status</label> <select id="f-status" name="status">${choice('', 'All', o.status === null)}${subscriptionStatuses.map((st) => choice(st, statusLabels[st], o.status === st))}</select> <button type="submit">Show</button></p>`,
)}
${table({
  caption: 'Subscriptions, newest first',
  hideCaption: true,
  columns: [{ label: 'Subscription' }, { label: 'Plan' }, { label: 'Status' }, { label: 'Next charge' }, { label: 'Started' }],
  rows: o.subscriptions.map((s) => [html`<code>${s.id.slice(0, 8)}</code>`, s.name, statusLabels[s.status], nextText(s), day(s.created_at)]),
  empty: 'No subscriptions.',
})}</section>`,
  };
}
