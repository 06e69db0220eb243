// The buyer's order pages under /account/orders: their order history, and one order with its
// items, totals, status history, delivery details and who received their data for it (P002-04).
import { formatMoney } from '../../../web/format.ts';
import { type PageSlice, pagination } from '../../../web/pagination.ts';
import { table } from '../../../web/table.ts';
import { html, type SafeHtml } from '../../../web/template.ts';
import type { DataMap } from '../../../privacy/index.ts';
import type { OrderPersonal } from '../reads.ts';
import { statusLabels } from '../states.ts';
import type { Order, OrderLine, OrderTransition } from '../tables.ts';
import { day, historyTable, linesTable, shippingSection, type Page } from './parts.ts';
import { type OrderRecipients, recipientsSection } from './recipients.ts';

function recommendedSection(names: readonly string[] | null): SafeHtml | string {
  if (names === null) return html`<p class="meta">Recommendations from your purchases are off. <a href="/account/privacy#choices">Your choices</a></p>`;
  if (names.length === 0) return '';
  return html`<section aria-labelledby="recommended"><h2 id="recommended">Recommended for you</h2><p>Other buyers of what you bought also bought:</p>
<ul>${names.map((n) => html`<li><a href="/search?q=${encodeURIComponent(n)}">${n}</a></li>`)}</ul>
<p class="meta">From your purchases (<a href="/privacy#purpose-recommendations">why</a>; turn it off in <a href="/account/privacy#choices">your choices</a>).</p></section>`;
}

export function myOrdersPage(orders: PageSlice<Order>, recommended: readonly string[] | null = null): Page {
  return {
    audience: 'account',
    title: 'Your orders',
    body: html`<section class="orders"><h1>Your orders</h1>
${table({
  caption: 'Your orders, newest first',
  hideCaption: true,
  columns: [{ label: 'Order' }, { label: 'Date' }, { label: 'Status' }, { label: 'Total', numeric: true }],
  rows: orders.items.map((o) => [html`<a href="/account/orders/${o.number}">${o.number}</a>`, day(o.created_at), statusLabels[o.status], formatMoney(o.total_minor, o.currency)]),
  empty: html`You have no orders yet. <a href="/catalogue">Browse the catalogue</a>.`,
})}
${pagination({ page: orders.page, pageCount: orders.pageCount, href: (n) => `/account/orders?page=${n}` })}
${recommendedSection(recommended)}
<p><a href="/account">Back to your account</a></p></section>`,
  };
}

export function myOrderPage(o: {
  map: DataMap;
  order: Order;
  lines: OrderLine[];
  history: OrderTransition[];
  personal: OrderPersonal | null;
  recipients: OrderRecipients;
  /** What other modules deliver for the order (licence keys), from their `orderPage` sections. */
  sections?: readonly SafeHtml[];
}): Page {
  const { order } = o;
  return {
    audience: 'account',
    title: `Order ${order.number}`,
    body: html`<section class="order"><p class="breadcrumbs"><a href="/account/orders">Your orders</a></p>
<h1>Order ${order.number}</h1>
<p>Placed ${day(order.created_at)} · Status: <strong class="order-status">${statusLabels[order.status]}</strong></p>
${linesTable(order, o.lines)}
${o.sections ?? []}
${shippingSection(order, o.personal, 'Your delivery details cannot be shown.')}
${historyTable(order, o.history)}
${recipientsSection(o.map, order, o.recipients)}
</section>`,
  };
}
