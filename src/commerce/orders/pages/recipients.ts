// "Who received my data" for one order (P002-04), straight from the kernel's disclosure ledger:
// each recipient, the fields (with the data map's labels), when, on which basis and for which
// purpose. The buyer sees it on their order page and prints it from its own page; the privacy
// officer prints it for any order from the privacy desk. The printable pages need no script: the
// stylesheet's print rules drop the header, the footer and everything marked `no-print`.
import type { DataMap, DisclosureRecord } from '../../../privacy/index.ts';
import { form, input } from '../../../web/form.ts';
import { table } from '../../../web/table.ts';
import { html, type SafeHtml } from '../../../web/template.ts';
import type { Order } from '../tables.ts';
import { day, moment, type Page } from './parts.ts';

/** The labels the data map gives the categories, in the order the ledger recorded them. */
export function fieldLabels(map: DataMap, categories: readonly string[]): string {
  if (categories.length === 0) return 'None: no value was held';
  return categories.map((c) => map.categories.get(c)?.label ?? c).join(', ');
}

/** The ledger's entries for one order, with names for the recipients' refs (a vendor's id: its name). */
export interface OrderRecipients {
  disclosures: readonly DisclosureRecord[];
  refNames: ReadonlyMap<string, string>;
}

export function recipientsTable(map: DataMap, r: OrderRecipients, caption: string, empty: string): SafeHtml {
  const { disclosures } = r;
  if (disclosures.length === 0) return html`<p class="recipients-none">${empty}</p>`;
  return table({
    caption,
    hideCaption: true,
    className: 'order-recipients',
    columns: [{ label: 'Recipient' }, { label: 'Fields' }, { label: 'When' }, { label: 'Basis' }, { label: 'Purpose' }],
    rows: disclosures.map((d) => [
      html`${d.recipientName}${d.recipientRef ? html` (${r.refNames.get(d.recipientRef) ?? d.recipientRef})` : ''}`,
      fieldLabels(map, d.categories),
      moment(d.at),
      d.basisLabel,
      map.purposes.get(d.purpose)?.name ?? d.purpose,
    ]),
  });
}

const NOBODY = 'Nobody outside this shop has received your data for this order.';

/** The section of the buyer's order page, with the link to its printable page. */
export function recipientsSection(map: DataMap, order: Order, recipients: OrderRecipients): SafeHtml {
  return html`<section class="order-disclosures"><h2>Who received my data for this order</h2>
${recipientsTable(map, recipients, 'Who received my data for this order', NOBODY)}
<p><a href="/account/orders/${order.number}/recipients">Printable list of who received my data</a></p></section>`;
}

function report(map: DataMap, order: Order, recipients: OrderRecipients, generatedAt: Date, empty: string): SafeHtml {
  return html`<p>${map.organization.legalName} · Order ${order.number}, placed ${day(order.created_at)} · Made ${moment(generatedAt)}</p>
<p>Every company outside ${map.organization.legalName} that received personal data for this order, as the disclosure ledger records it: which fields, when, on which basis and for which purpose.</p>
${recipientsTable(map, recipients, `Who received personal data for order ${order.number}`, empty)}`;
}

/** The buyer's printable page. */
export function myRecipientsPage(map: DataMap, order: Order, recipients: OrderRecipients, generatedAt: Date): Page {
  return {
    audience: 'account',
    title: `Who received my data: order ${order.number}`,
    body: html`<section class="recipients-report"><p class="breadcrumbs no-print"><a href="/account/orders/${order.number}">Order ${order.number}</a></p>
<h1>Who received my data: order ${order.number}</h1>
${report(map, order, recipients, generatedAt, NOBODY)}
<p class="no-print">Print this page with your browser's print command.</p></section>`,
  };
}

/** The privacy officer's page: find an order by number, then the printable report (the buyer said to be erased when they were). */
export function officerRecipientsPage(map: DataMap, o: { query: string; found: { order: Order; recipients: OrderRecipients; erased?: boolean } | null; error?: string; generatedAt: Date }): Page {
  const search = form(
    { action: '/staff/dpo/recipients', method: 'get', csrf: '', className: 'no-print' },
    html`${input({ csrf: '', values: { order: o.query }, errors: o.error ? { order: o.error } : {} }, { name: 'order', label: 'Order number', maxlength: 40, autocomplete: 'off' })}
<button type="submit">Show who received the data</button>`,
  );
  const found = o.found;
  return {
    audience: 'dpo',
    title: found ? `Who received personal data: order ${found.order.number}` : 'Who received personal data for an order',
    body: html`<section class="recipients-report"><h1>${found ? `Who received personal data: order ${found.order.number}` : 'Who received personal data for an order'}</h1>
${search}
${found?.erased ? html`<p class="recipients-erased"><strong>Buyer: erased.</strong> Their personal data is gone; the disclosure ledger’s entries stay as evidence of what left, without it.</p>` : ''}
${found ? report(map, found.order, found.recipients, o.generatedAt, 'Nobody outside the shop has received personal data for this order.') : html`<p class="no-print">Type an order number to list every recipient of the buyer's data for it, ready to print.</p>`}
</section>`,
  };
}
