// Pieces both the customer's and the staff's order pages show.
import { formatMoney } from '../../../web/format.ts';
import { html, type SafeHtml } from '../../../web/template.ts';
import type { OrderPersonal } from '../reads.ts';
import { reasonLabel, reasonWording } from '../reasons.ts';
import { statusLabels } from '../states.ts';
import type { Order, OrderLine, OrderTransition } from '../tables.ts';

import type { Page } from '../../../web/page.ts';
export type { Page };

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
export const day = (d: Date | string) => dateFormat.format(new Date(d));
export const moment = (d: Date | string) => `${timeFormat.format(new Date(d))} UTC`;

export function linesTable(order: Order, lines: OrderLine[]): SafeHtml {
  const money = (minor: number) => formatMoney(minor, order.currency);
  return html`<table class="order-lines"><caption>Items</caption>
<thead><tr><th scope="col">Item</th><th scope="col">SKU</th><th scope="col">Quantity</th><th scope="col">Price</th><th scope="col">Total</th></tr></thead>
<tbody>${lines.map((l) => html`<tr><td>${l.name}</td><td>${l.sku}</td><td>${l.quantity}</td><td>${money(l.unit_minor)}</td><td>${money(l.total_minor)}</td></tr>`)}</tbody>
<tfoot>
<tr><th scope="row" colspan="4">Subtotal</th><td>${money(order.subtotal_minor)}</td></tr>
<tr><th scope="row" colspan="4">Shipping</th><td>${money(order.shipping_minor)}</td></tr>
<tr><th scope="row" colspan="4">Tax</th><td>${money(order.tax_minor)}</td></tr>
<tr><th scope="row" colspan="4">Total</th><td class="price">${money(order.total_minor)}</td></tr>
${order.refunded_minor > 0 ? html`<tr><th scope="row" colspan="4">Refunded</th><td>${money(order.refunded_minor)}</td></tr>` : ''}
</tfoot></table>`;
}

/** Who made a change, for staff: the name (or role) accounts gave for a staff member, else the kind of actor. */
function actorLabel(ref: string, labels: Map<string, string>): string {
  const known = labels.get(ref);
  if (known) return known;
  if (ref === 'self') return 'the buyer';
  if (ref.startsWith('system:')) return `the shop (${ref.slice('system:'.length)})`;
  if (ref.startsWith('vendor:')) return 'a vendor';
  return ref.startsWith('staff:') ? 'former staff member' : ref;
}

/** `actorLabels` (staff pages only) adds the "By" column: names by actor ref. */
export function historyTable(order: Order, history: OrderTransition[], options: { actorLabels?: Map<string, string> } = {}): SafeHtml {
  const labels = options.actorLabels;
  return html`<table class="order-history"><caption>Status history</caption>
<thead><tr><th scope="col">When</th><th scope="col">Status</th><th scope="col">Note</th>${labels ? html`<th scope="col">By</th>` : ''}</tr></thead>
<tbody>${history.map(
    (h) =>
      html`<tr><td>${moment(h.at)}</td><td>${statusLabels[h.to_status]}</td><td>${h.from_status === null ? 'Order placed' : labels ? reasonLabel(h.reason) : reasonWording(h.reason)}${
        h.amount_minor !== null && h.amount_minor > 0 ? html` (${formatMoney(h.amount_minor, order.currency)} back)` : ''
      }</td>${labels ? html`<td>${actorLabel(h.actor_ref, labels)}</td>` : ''}</tr>`,
  )}</tbody></table>`;
}

export function shippingSection(order: Order, personal: OrderPersonal | null, unavailable: string): SafeHtml {
  if (!personal) return html`<section class="order-shipping"><h2>Delivery</h2><p>${unavailable}</p></section>`;
  const address =
    order.fulfilment === 'ship'
      ? html`<p><strong>Shipping address</strong><br>${personal.name ?? ''}${personal.name ? html`<br>` : ''}${personal.address ?? (personal.addressRead ? 'No address is held for this order.' : 'Not shown to your role.')}</p>`
      : html`<p>This order is delivered digitally; no address is held for it.</p>`;
  const shipment = personal.shipment
    ? html`<p><strong>Carrier</strong>: ${personal.shipment.carrier}<br><strong>Tracking number</strong>: <span class="tracking">${personal.shipment.tracking}</span></p>`
    : order.fulfilment === 'ship'
      ? html`<p>Not shipped yet.</p>`
      : '';
  return html`<section class="order-shipping"><h2>Delivery</h2>${address}${shipment}</section>`;
}
