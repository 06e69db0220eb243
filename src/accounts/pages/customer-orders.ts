// A customer as staff see them: what the role may read of them (under the purpose named, audited
// by the kernel) and their orders, newest first, each leading to the order page.
import { type Order, statusLabels } from '../../commerce/orders/index.ts';
import { price } from '../../web/price.ts';
import { table } from '../../web/table.ts';
import { html } from '../../web/template.ts';
import type { Page } from './customer.ts';

const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

export function staffCustomerPage(o: { subject: string; purpose: string; status: string; since: Date; values: Record<string, string>; orders: Order[]; prefers: 'email' | 'phone' | null }): Page {
  const name = o.values['user.name'];
  return {
    audience: 'staff',
    title: name ? `Customer ${name}` : 'Customer',
    body: html`<section class="console"><p class="breadcrumbs"><a href="/staff">Staff console</a> › <a href="/staff/customers">Find a customer</a></p>
<h1>${name ?? 'Customer'}</h1>
<dl class="facts">
<dt>Email</dt><dd>${o.values['user.contact.email'] ?? '(not for your role)'}</dd>
<dt>Answer by</dt><dd>${o.prefers ? `prefers ${o.prefers}` : '(not for your role)'}</dd>
<dt>Account</dt><dd>${o.status}, since ${day(o.since)}</dd>
<dt>Read for</dt><dd>${o.purpose} (this look is recorded)</dd>
<dt>Reference</dt><dd>${o.subject}</dd>
</dl>
${table({
  caption: 'Their orders, newest first',
  columns: [{ label: 'Order' }, { label: 'Placed' }, { label: 'Status' }, { label: 'Total', numeric: true }],
  rows: o.orders.map((x) => [html`<a href="/staff/orders/${x.number}">${x.number}</a>`, day(x.created_at), statusLabels[x.status], price(x.total_minor, x.currency)]),
  empty: 'No orders yet.',
})}
</section>`,
  };
}
