// The figures at the top of the staff console: today's orders (and revenue, for roles that work
// with billing), the orders waiting at each step, and the variants running low. Each block is
// given only when the signed-in role may see it (src/accounts/dashboard.ts decides).
import type { LowStockRow } from '../../commerce/catalogue/index.ts';
import { type OrdersDashboard, statusLabels, WAITING_STATUSES } from '../../commerce/orders/index.ts';
import { price } from '../../web/price.ts';
import { table } from '../../web/table.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import type { RenderedCard } from '../dashboard-cards.ts';

export interface DashboardFigures {
  orders?: OrdersDashboard;
  /** Whether the revenue column is shown (the role works with billing). */
  revenue?: boolean;
  /** Whether the counts of orders waiting per step are shown (the role works with orders). */
  waiting?: boolean;
  lowStock?: { threshold: number; rows: LowStockRow[] };
  /** Other modules' cards for this role (dashboard-cards.ts). */
  cards?: RenderedCard[];
}

export function dashboardFigures(f: DashboardFigures): SafeHtml | '' {
  const blocks: SafeHtml[] = [];
  if (f.orders) {
    const placed = f.orders.placed;
    blocks.push(html`<section class="figures" aria-labelledby="today"><h2 id="today">Today</h2>
${table({
  caption: 'Orders placed today, by currency',
  hideCaption: true,
  columns: [{ label: 'Currency' }, { label: 'Orders', numeric: true }, ...(f.revenue ? [{ label: 'Revenue', numeric: true }] : [])],
  rows: placed.map((p) => [p.currency, p.count, ...(f.revenue ? [price(p.revenueMinor, p.currency)] : [])]),
  empty: 'No orders placed today yet.',
})}
${
  f.waiting
    ? html`<h2 id="waiting">Waiting for the next step</h2>
<ul class="waiting" aria-labelledby="waiting">${WAITING_STATUSES.map(
        (s) => html`<li><a href="/staff/orders?status=${s}">${statusLabels[s]}</a>: <strong data-status="${s}">${f.orders!.waiting[s]}</strong></li>`,
      )}</ul>`
    : ''
}</section>`);
  }
  if (f.lowStock) {
    blocks.push(html`<section class="figures" aria-labelledby="low-stock"><h2 id="low-stock">Low stock</h2>
${table({
  caption: `Variants with ${f.lowStock.threshold} or fewer left`,
  columns: [{ label: 'SKU' }, { label: 'Product' }, { label: 'Left', numeric: true }],
  rows: f.lowStock.rows.map((r) => [r.sku, html`<a href="/staff/catalogue/products/${r.product_id}">${r.product_name}</a> ${r.variant_name ? `(${r.variant_name})` : ''}`, r.stock]),
  empty: `Every stocked variant has more than ${f.lowStock.threshold} left.`,
})}
<p><a href="/staff/catalogue/stock">Set stock</a></p></section>`);
  }
  for (const card of f.cards ?? []) {
    const id = `card-${card.id.replace(/[^a-z0-9-]/gi, '-')}`;
    blocks.push(html`<section class="figures" aria-labelledby="${id}"><h2 id="${id}">${card.title}</h2>
${card.body}</section>`);
  }
  return blocks.length ? html`<div class="dashboard-figures">${blocks}</div>` : '';
}
