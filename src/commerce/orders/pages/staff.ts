// The staff console's order pages: a filterable list, and one order with a form for each step the
// state machine allows from where it is (shipping asks carrier and tracking number; cancelling and
// holding ask a reason; a refund may name a partial amount).
import { price } from '../../../web/price.ts';
import { table } from '../../../web/table.ts';
import { html, type SafeHtml } from '../../../web/template.ts';
import { form } from '../../../web/form.ts';
import { majorAmount, majorUnits } from '../../../web/money.ts';
import { pagination } from '../../../web/pagination.ts';
import type { ListQuery } from '../staff-list.ts';
import type { OrderPersonal } from '../reads.ts';
import { orderReasons, staffReasons } from '../reasons.ts';
import { isPaid, orderStatuses, statusLabels, type OrderStatus } from '../states.ts';
import type { Order, OrderLine, OrderTransition } from '../tables.ts';
import { day, historyTable, linesTable, shippingSection, type Page } from './parts.ts';

export interface OrdersListView {
  orders: Order[];
  total: number;
  page: number;
  pageCount: number;
  query: ListQuery;
  paymentMethods: readonly string[];
  /** Buyer names by order id, or null when the role may not read them (the column is left out). */
  names: Map<string, string> | null;
  error?: { field: string; message: string };
}

const queryString = (q: ListQuery, page: number) => {
  const params = new URLSearchParams();
  for (const key of ['q', 'status', 'from', 'to', 'payment'] as const) if (q[key]) params.set(key, String(q[key]));
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `/staff/orders?${text}` : '/staff/orders';
};

export function staffOrdersPage(o: OrdersListView): Page {
  const q = o.query;
  const field = (name: string, label: string, control: SafeHtml) => {
    const error = o.error?.field === name ? o.error.message : undefined;
    return html`<p class="field${error ? ' field-error' : ''}"><label for="f-${name}">${label}</label> ${control}${error ? html` <span class="error" id="f-${name}-error">${error}</span>` : ''}</p>`;
  };
  const invalid = (name: string) => (o.error?.field === name ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : '');
  const names = o.names;
  return {
    audience: 'staff',
    title: 'Orders',
    body: html`<section class="staff-orders"><p class="breadcrumbs"><a href="/staff">Staff console</a></p><h1>Orders</h1>
${o.error ? html`<div class="error-summary" role="alert"><p><a href="#f-${o.error.field}">${o.error.message}</a></p></div>` : ''}
<form method="get" action="/staff/orders" class="filters" role="search">
${field('q', 'Order number or buyer’s email', html`<input id="f-q" name="q" type="search" maxlength="254" autocomplete="off" value="${q.q ?? ''}"${invalid('q')}>`)}
${field(
  'status',
  'Status',
  html`<select id="f-status" name="status"><option value="">Any</option>${orderStatuses.map((s) => html`<option value="${s}"${q.status === s ? html` selected` : ''}>${statusLabels[s]}</option>`)}</select>`,
)}
${field('from', 'Placed from', html`<input id="f-from" name="from" type="date" value="${q.from ?? ''}"${invalid('from')}>`)}
${field('to', 'Placed until', html`<input id="f-to" name="to" type="date" value="${q.to ?? ''}"${invalid('to')}>`)}
${field(
  'payment',
  'Payment',
  html`<select id="f-payment" name="payment"><option value="">Any</option>${o.paymentMethods.map((m) => html`<option value="${m}"${q.payment === m ? html` selected` : ''}>${m}</option>`)}</select>`,
)}
<p><button type="submit">Show</button> <a href="/staff/orders">Clear</a></p></form>
<p role="status">${o.total} order${o.total === 1 ? '' : 's'}${o.pageCount > 1 ? html`, page ${o.page} of ${o.pageCount}` : ''}.</p>
${table({
  caption: 'Orders, newest first',
  hideCaption: true,
  columns: [{ label: 'Order' }, { label: 'Placed' }, ...(names ? [{ label: 'Buyer' }] : []), { label: 'Status' }, { label: 'Fulfilment' }, { label: 'Payment' }, { label: 'Total', numeric: true }],
  rows: o.orders.map((x) => [
    html`<a href="/staff/orders/${x.number}">${x.number}</a>`,
    day(x.created_at),
    ...(names ? [names.get(x.id) ?? (x.customer_subject === null ? '(erased)' : '—')] : []),
    statusLabels[x.status],
    x.fulfilment,
    x.payment_method,
    price(x.total_minor, x.currency),
  ]),
  empty: 'No orders match.',
})}
${pagination({ page: o.page, pageCount: o.pageCount, href: (n) => queryString(q, n) })}
${names ? '' : html`<p class="hint">Your role does not see buyers’ names.</p>`}</section>`,
  };
}

function stepForm(order: Order, lines: readonly OrderLine[], to: OrderStatus, csrf: string): SafeHtml {
  const action = `/staff/orders/${order.number}/transition`;
  const id = (name: string) => `${to}-${name}`;
  const fields: SafeHtml[] = [];
  if (to === 'shipped') {
    fields.push(html`<p><label for="${id('carrier')}">Carrier</label> <input id="${id('carrier')}" name="carrier" required maxlength="60" list="carriers"></p>
<p><label for="${id('tracking')}">Tracking number</label> <input id="${id('tracking')}" name="tracking" required maxlength="64" autocomplete="off"></p>`);
  }
  if (to === 'cancelled' || to === 'on_hold' || to === 'refunded') {
    // Fixed reasons only: what staff would type about an order tends to quote the buyer (decision 0028).
    const optional = to === 'refunded';
    fields.push(
      html`<p><label for="${id('reason')}">Reason${optional ? ' (optional)' : ''}</label> <select id="${id('reason')}" name="reason"${optional ? '' : html` required`}><option value="">${optional ? 'No reason given' : 'Choose a reason'}</option>${staffReasons(
        to,
      ).map((code) => html`<option value="${code}">${orderReasons[code].label}</option>`)}</select></p>`,
    );
  }
  if (to === 'cancelled') fields.push(html`<p class="hint">Cancelling is final${isPaid(order) ? ' and refunds what is still paid' : ''}; you confirm it on the next page.</p>`);
  if (to === 'refunded') {
    const open = order.total_minor - order.refunded_minor;
    fields.push(
      html`<p><label for="${id('amount')}">Amount to refund (${order.currency})</label> <input id="${id('amount')}" name="amount" inputmode="decimal" maxlength="14" value="${majorAmount(open, order.currency)}"> <span class="hint">At most ${majorUnits(open, order.currency)}; you confirm it on the next page.</span></p>`,
      html`<fieldset class="refund-units"><legend>Units given back</legend><p class="hint">Their licence keys and downloads stop working. Refunding the whole total takes back every unit; a partial refund only the units named here (none: the buyer keeps them all).</p>
${lines.map((l) => html`<p><label for="${id(`units-${l.position}`)}">${l.name} <span class="hint">(${l.sku}, ${l.quantity} bought)</span></label> <input id="${id(`units-${l.position}`)}" name="units.${String(l.position)}" inputmode="numeric" pattern="[0-9]*" maxlength="7" size="4" value="0"></p>`)}</fieldset>`,
    );
  }
  return html`${form(
    { action: action, csrf, className: 'order-step' },
    html`<input type="hidden" name="to" value="${to}">
${fields}<p><button type="submit">${buttonLabels[to]}</button></p>`,
  )}`;
}

const buttonLabels: Record<OrderStatus, string> = {
  pending_payment: 'Release: back to awaiting payment',
  paid: 'Mark paid / release',
  fulfilling: 'Start fulfilment',
  shipped: 'Mark shipped',
  delivered: 'Mark delivered',
  completed: 'Complete',
  on_hold: 'Put on hold',
  cancelled: 'Cancel order',
  refunded: 'Refund',
};

export function staffOrderPage(o: {
  order: Order;
  lines: OrderLine[];
  history: OrderTransition[];
  personal: OrderPersonal | null;
  next: OrderStatus[];
  /** Who made each change, by actor ref, as the reader may see it. */
  actorLabels: Map<string, string>;
  csrf: string;
  error?: string;
  notice?: string;
  /** What other modules deliver for the order, as staff see it (licence keys: their state, never the key). */
  sections?: readonly SafeHtml[];
  /** The buyer's preferred contact channel, for roles that answer customers. */
  prefers?: 'email' | 'phone' | null;
}): Page {
  const { order } = o;
  return {
    audience: 'staff',
    title: `Order ${order.number}`,
    body: html`<section class="staff-order"><p class="breadcrumbs"><a href="/staff">Staff console</a> › <a href="/staff/orders">Orders</a></p>
<h1>Order ${order.number}</h1>
${o.error ? html`<div class="error-summary" role="alert"><p>${o.error}</p></div>` : ''}
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
<p>Placed ${day(order.created_at)} · ${order.fulfilment === 'ship' ? 'Shipped goods' : 'Digital delivery'} · Payment: ${order.payment_method} · Status: <strong class="order-status">${statusLabels[order.status]}</strong>${
      order.held_from ? html` (held from ${statusLabels[order.held_from].toLowerCase()})` : ''
    }</p>
${o.prefers ? html`<p class="order-contact">Buyer <strong>prefers ${o.prefers}</strong> for answers.</p>` : ''}
${order.payment_method === 'invoice' ? html`<p><a href="/staff/credit/${order.number}">Credit check of this invoice order</a></p>` : ''}
${linesTable(order, o.lines)}
${o.sections ?? []}
${shippingSection(order, o.personal, 'Your role does not see this order’s delivery details.')}
<section class="order-steps"><h2>Next step</h2>
${o.next.length === 0 ? html`<p>This order cannot change any more.</p>` : o.next.map((to) => stepForm(order, o.lines, to, o.csrf))}
<datalist id="carriers"><option value="DHL"><option value="FedEx"><option value="UPS"><option value="USPS"></datalist>
</section>
${historyTable(order, o.history, { actorLabels: o.actorLabels })}
</section>`,
  };
}
