// The staff console's order pages: a filterable list, and one order with a form for each step the
// state machine allows from where it is (shipping asks carrier and tracking number; cancelling and
// holding ask a reason; a refund may name a partial amount).
import { price } from '../../../web/price.ts';
import { table } from '../../../web/table.ts';
import { html, type SafeHtml } from '../../../web/template.ts';
import { form } from '../../../web/form.ts';
import type { OrderPersonal } from '../reads.ts';
import { orderReasons, staffReasons } from '../reasons.ts';
import { orderStatuses, statusLabels, type OrderStatus } from '../states.ts';
import type { Order, OrderLine, OrderTransition } from '../tables.ts';
import { day, historyTable, linesTable, shippingSection, type Page } from './parts.ts';

export function staffOrdersPage(o: { orders: Order[]; total: number; status: OrderStatus | null }): Page {
  return {
    audience: 'staff',
    title: 'Orders',
    body: html`<section class="staff-orders"><p class="breadcrumbs"><a href="/staff">Staff console</a></p><h1>Orders</h1>
<form method="get" action="/staff/orders"><label for="status">Status</label>
<select id="status" name="status"><option value="">Any</option>${orderStatuses.map(
      (s) => html`<option value="${s}"${o.status === s ? html` selected` : ''}>${statusLabels[s]}</option>`,
    )}</select> <button type="submit">Show</button></form>
<p>${o.total} order${o.total === 1 ? '' : 's'}${o.orders.length < o.total ? html`, the newest ${o.orders.length} shown` : ''}.</p>
${table({
  caption: 'Orders, newest first',
  hideCaption: true,
  columns: [{ label: 'Order' }, { label: 'Placed' }, { label: 'Status' }, { label: 'Fulfilment' }, { label: 'Payment' }, { label: 'Total', numeric: true }],
  rows: o.orders.map((x) => [html`<a href="/staff/orders/${x.number}">${x.number}</a>`, day(x.created_at), statusLabels[x.status], x.fulfilment, x.payment_method, price(x.total_minor, x.currency)]),
})}</section>`,
  };
}

function stepForm(order: Order, to: OrderStatus, csrf: string): SafeHtml {
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
  if (to === 'refunded') {
    const open = order.total_minor - order.refunded_minor;
    fields.push(
      html`<p><label for="${id('amount')}">Amount in minor units (${order.currency})</label> <input id="${id('amount')}" name="amount_minor" inputmode="numeric" pattern="[0-9]+" value="${open}"></p>`,
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
  csrf: string;
  error?: string;
  notice?: string;
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
${order.payment_method === 'invoice' ? html`<p><a href="/staff/credit/${order.number}">Credit check of this invoice order</a></p>` : ''}
${linesTable(order, o.lines)}
${shippingSection(order, o.personal, 'Your role does not see this order’s delivery details.')}
<section class="order-steps"><h2>Next step</h2>
${o.next.length === 0 ? html`<p>This order cannot change any more.</p>` : o.next.map((to) => stepForm(order, to, o.csrf))}
<datalist id="carriers"><option value="DHL"><option value="FedEx"><option value="UPS"><option value="USPS"></datalist>
</section>
${historyTable(order, o.history, { showActor: true })}
</section>`,
  };
}
