// What the orders module keeps about a person: their orders, with what was bought, the amounts and
// the status history (the order's own copies of name, address and tracking are kernel items under
// `order:<id>`, exported by the kernel). Erasure unlinks the orders from the buyer: the rows stay
// as the shop's accounting record of a sale, with nobody behind them.
import { sql } from 'kysely';
import type { ExportRecord, PersonalDataHolder } from '../../privacy/index.ts';
import { reasonWording } from './reasons.ts';

const iso = (d: Date | string) => new Date(d).toISOString();

export const ordersHolder: PersonalDataHolder = {
  tables: ['orders'],
  async export({ db }, subject) {
    const { rows: orders } = await sql<{
      id: string;
      number: string;
      status: string;
      payment_method: string;
      fulfilment: string;
      currency: string;
      subtotal_minor: number;
      shipping_minor: number;
      tax_minor: number;
      total_minor: number;
      refunded_minor: number;
      created_at: Date;
    }>`
      select id, number, status, payment_method, fulfilment, currency, subtotal_minor, shipping_minor, tax_minor, total_minor, refunded_minor, created_at
      from orders where customer_subject = ${subject}::uuid order by created_at, number`.execute(db);
    const ids = orders.map((o) => o.id);
    // One query each for all lines and all history rows, however many orders there are.
    const { rows: lines } = ids.length
      ? await sql<{ order_id: string; sku: string; name: string; kind: string; quantity: number; unit_minor: number; total_minor: number }>`
          select order_id, sku, name, kind, quantity, unit_minor, total_minor from orders_lines where order_id = any(${ids}::uuid[]) order by order_id, position`.execute(db)
      : { rows: [] };
    const { rows: history } = ids.length
      ? await sql<{ order_id: string; from_status: string | null; to_status: string; at: Date; reason: string | null; amount_minor: number | null }>`
          select order_id, from_status, to_status, at, reason, amount_minor from orders_transitions where order_id = any(${ids}::uuid[]) order by order_id, seq`.execute(db)
      : { rows: [] };
    const byOrder = <T extends { order_id: string }>(rows: T[]) => {
      const map = new Map<string, T[]>();
      for (const row of rows) map.set(row.order_id, [...(map.get(row.order_id) ?? []), row]);
      return map;
    };
    const linesOf = byOrder(lines);
    const historyOf = byOrder(history);
    const records: ExportRecord[] = orders.map((o) => ({
      number: o.number,
      order_ref: `order:${o.id}`,
      placed_at: iso(o.created_at),
      status: o.status,
      payment_method: o.payment_method,
      delivery: o.fulfilment === 'ship' ? 'shipped' : 'digital',
      currency: o.currency,
      subtotal_minor: o.subtotal_minor,
      shipping_minor: o.shipping_minor,
      tax_minor: o.tax_minor,
      total_minor: o.total_minor,
      refunded_minor: o.refunded_minor,
      items: (linesOf.get(o.id) ?? []).map((l) => ({ sku: l.sku, name: l.name, kind: l.kind, quantity: l.quantity, unit_minor: l.unit_minor, total_minor: l.total_minor })),
      history: (historyOf.get(o.id) ?? []).map((h) => ({
        from: h.from_status,
        to: h.to_status,
        at: iso(h.at),
        reason: h.reason === null ? null : reasonWording(h.reason) || null,
        amount_minor: h.amount_minor,
      })),
    }));
    return [
      {
        id: 'orders',
        title: 'Your orders',
        description:
          'Everything you ordered: items, prices, amounts and each change of status. The addresses and tracking numbers of each order are in "Your personal data", under the order’s reference.',
        records,
      },
    ];
  },
  async retains({ db }, subject) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from orders where customer_subject = ${subject}::uuid`.execute(db);
    const n = rows[0]?.n ?? 0;
    return n ? `the accounting record of your ${n === 1 ? 'order' : `${n} orders`} (number, items, amounts and dates), which tax law requires us to keep` : null;
  },
  async unlink({ db }, subject) {
    await sql`update orders set customer_subject = null, customer_user_id = null, updated_at = now() where customer_subject = ${subject}::uuid`.execute(db);
  },
};
