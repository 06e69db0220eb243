// Pieces both the customer's and the staff's order pages show.
import { formatMoney } from '../../../web/format.ts';
import { table } from '../../../web/table.ts';
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
  return html`${table({
    caption: 'Items',
    className: 'order-lines',
    columns: [{ label: 'Item' }, { label: 'SKU' }, { label: 'Quantity', numeric: true }, { label: 'Price', numeric: true }, { label: 'Total', numeric: true }],
    rows: lines.map((l) => [l.name, l.sku, l.quantity, money(l.unit_minor), money(l.total_minor)]),
  })}
<dl class="order-totals">
<dt>Subtotal</dt><dd>${money(order.subtotal_minor)}</dd>
<dt>Shipping</dt><dd>${money(order.shipping_minor)}</dd>
<dt>Tax</dt><dd>${money(order.tax_minor)}</dd>
<dt>Total</dt><dd class="price">${money(order.total_minor)}</dd>
${order.refunded_minor > 0 ? html`<dt>Refunded</dt><dd>${money(order.refunded_minor)}</dd>` : ''}
</dl>`;
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
  return table({
    caption: 'Status history',
    className: 'order-history',
    rowHeaders: false,
    columns: [{ label: 'When' }, { label: 'Status' }, { label: 'Note' }, ...(labels ? [{ label: 'By' }] : [])],
    rows: history.map((h) => [
      moment(h.at),
      statusLabels[h.to_status],
      html`${h.from_status === null ? 'Order placed' : labels ? reasonLabel(h.reason) : reasonWording(h.reason)}${
        h.amount_minor !== null && h.amount_minor > 0 ? html` (${formatMoney(h.amount_minor, order.currency)} back)` : ''
      }`,
      ...(labels ? [actorLabel(h.actor_ref, labels)] : []),
    ]),
  });
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
