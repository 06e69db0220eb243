// The receipt (decision 0038): the mail of an order's payment. It lists what was bought and what it
// cost, where it goes and how it was paid, as text and as the shop's branded HTML. The outbox holds
// only business data (lines, amounts, the order number and its link); the buyer's name, delivery
// address and card's brand and last four are read through the kernel from the order's own copies
// (`order:<id>`, purpose fulfillment) when the mail is sent, so the outbox holds nothing personal.
import type { Db } from '../../platform/db/database.ts';
import { linkify, mailLayout, queueMail, type MailTemplate, type TemplateInput } from '../../comms/index.ts';
import type { PersonalValue } from '../../privacy/index.ts';
import { formatMoney } from '../../web/format.ts';
import { html } from '../../web/template.ts';
import { orderRef } from './deps.ts';
import { personalText } from './reads.ts';
import type { Order, OrderLine } from './tables.ts';

export const RECEIPT_TEMPLATE = 'orders.receipt';
const NAME = 'user.name';
const ADDRESS = 'user.contact.address';
const PAYMENT = 'user.payment';

interface ReceiptLine {
  name: string;
  sku: string;
  qty: number;
  unit: string;
  total: string;
}

const methodLabels: Record<string, string> = { card: 'Card', 'bank-account': 'Bank account (direct debit)', invoice: 'Invoice on account', free: 'Nothing to pay' };

/** How the order was paid: the card's brand and last four when the processor told us, else the method. */
export function paymentText(method: string, stored: PersonalValue | undefined): string {
  const label = methodLabels[method] ?? method;
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return label;
  const { brand, last4 } = stored as Record<string, PersonalValue>;
  if (typeof last4 !== 'string' || !/^\d{4}$/.test(last4)) return label;
  const what = typeof brand === 'string' && brand !== '' ? (brand === 'bank_account' ? 'Bank account' : brand.charAt(0).toUpperCase() + brand.slice(1)) : label;
  return `${what} ending in ${last4}`;
}

function linesOf(params: TemplateInput['params']): { lines: ReceiptLine[]; more: number } {
  try {
    const parsed = JSON.parse(String(params.lines ?? '[]')) as ReceiptLine[];
    return { lines: Array.isArray(parsed) ? parsed : [], more: Number(params.moreLines ?? 0) };
  } catch {
    return { lines: [], more: 0 };
  }
}

const cell = 'padding:6px 8px;border-bottom:1px solid #e4e4e7;text-align:left;vertical-align:top';
const num = `${cell};text-align:right;white-space:nowrap`;

export const receiptTemplate: MailTemplate = {
  name: RECEIPT_TEMPLATE,
  title: 'Receipt for an order',
  params: ['number', 'orderUrl', 'lines', 'moreLines', 'subtotal', 'shipping', 'tax', 'total', 'method', 'ships'],
  personal: [NAME, ADDRESS, PAYMENT],
  render: ({ params, personal, shop }) => {
    const number = String(params.number);
    const { lines, more } = linesOf(params);
    const ships = params.ships === true;
    const name = typeof personal[NAME] === 'string' ? personal[NAME] : '';
    const address = ships ? personalText(personal[ADDRESS]) : null;
    const paid = paymentText(String(params.method), personal[PAYMENT]);
    const totals: [string, string][] = [
      ['Subtotal', String(params.subtotal)],
      ...(ships ? [['Shipping', String(params.shipping)] as [string, string]] : []),
      ['Tax', String(params.tax)],
      ['Total', String(params.total)],
    ];
    const subject = `Receipt for your order ${number} at ${shop.name}`;
    const text = [
      name ? `Hello ${name},` : 'Hello,',
      '',
      `Thank you for your order ${number} at ${shop.name}. We have your payment; this is your receipt.`,
      '',
      ...lines.map((l) => `${l.qty} × ${l.name} (${l.sku}) at ${l.unit} = ${l.total}`),
      ...(more ? [`… and ${more} more ${more === 1 ? 'line' : 'lines'}, listed on the order's page.`] : []),
      '',
      ...totals.map(([k, v]) => `${k}: ${v}`),
      '',
      `Paid with: ${paid}`,
      ...(address ? [`Delivery address: ${name ? `${name}, ` : ''}${address}`] : []),
      '',
      `Your order: ${String(params.orderUrl)}`,
      '',
      shop.name,
      shop.url,
    ];
    const content = html`<p style="margin:0 0 16px">${name ? `Hello ${name},` : 'Hello,'}</p>
<p style="margin:0 0 16px">Thank you for your order <strong>${number}</strong>. We have your payment; this is your receipt.</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:15px;margin:0 0 16px">
<thead><tr><th style="${cell}">Item</th><th style="${num}">Qty</th><th style="${num}">Unit price</th><th style="${num}">Total</th></tr></thead>
<tbody>${lines.map((l) => html`<tr><td style="${cell}">${l.name}<br><span style="color:#52525b;font-size:13px">${l.sku}</span></td><td style="${num}">${l.qty}</td><td style="${num}">${l.unit}</td><td style="${num}">${l.total}</td></tr>`)}
${more ? html`<tr><td colspan="4" style="${cell}">… and ${more} more on the order’s page</td></tr>` : ''}</tbody>
<tfoot>${totals.map(([k, v]) => html`<tr><th colspan="3" style="${num}">${k}</th><td style="${num}${k === 'Total' ? ';font-weight:bold' : ''}">${v}</td></tr>`)}</tfoot>
</table>
<p style="margin:0 0 8px"><strong>Paid with:</strong> ${paid}</p>
${address ? html`<p style="margin:0 0 8px"><strong>Delivery address:</strong> ${name ? html`${name}<br>` : ''}${address}</p>` : ''}
<p style="margin:16px 0"><a href="${String(params.orderUrl)}" style="display:inline-block;padding:10px 16px;background:#1f3a5f;color:#ffffff;text-decoration:none;border-radius:4px">See your order ${number}</a></p>
<p style="margin:0;font-size:13px;color:#52525b">${linkify(`Or open ${String(params.orderUrl)}`)}</p>`;
    return { subject, text: `${text.join('\n')}\n`, html: mailLayout(shop, subject, content) };
  },
};

const MAX_LINES_JSON = 3500;

/** Queues the receipt of an order that was just paid (idempotent per transition). */
export async function queueReceipt(db: Db, o: { order: Order; lines: readonly OrderLine[]; subject: string; transitionId: string; orderUrl: string }): Promise<string> {
  const { order, lines: rows } = o;
  const money = (minor: number) => formatMoney(minor, order.currency);
  const lines: ReceiptLine[] = [];
  for (const r of rows) {
    const line = { name: r.name, sku: r.sku, qty: r.quantity, unit: money(r.unit_minor), total: money(r.total_minor) };
    if (JSON.stringify([...lines, line]).length > MAX_LINES_JSON) break;
    lines.push(line);
  }
  return queueMail(db, {
    subject: o.subject,
    purpose: 'fulfillment',
    template: receiptTemplate,
    params: {
      number: order.number,
      orderUrl: o.orderUrl,
      lines: JSON.stringify(lines),
      moreLines: rows.length - lines.length,
      subtotal: money(order.subtotal_minor),
      shipping: money(order.shipping_minor),
      tax: money(order.tax_minor),
      total: money(order.total_minor),
      method: order.payment_method,
      ships: order.fulfilment === 'ship',
    },
    personal: [NAME, ADDRESS, PAYMENT],
    personalRef: orderRef(order.id),
    idempotencyKey: `orders.receipt:${o.transitionId}`,
  });
}
