// What the vendor portal reads of orders: the orders holding a vendor's products that were paid
// (an order that reached `paid` at some point and was not held at once for an identity check:
// unpaid carts, orders cancelled before payment and orders awaiting proof of identity never show),
// only that vendor's lines, and its sales per product. Business data only; the buyer's details are
// the vendors module's to disclose through the kernel.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { ordersDb } from './orders.ts';
import type { OrderStatus } from './states.ts';
import type { Order, OrderLine } from './tables.ts';

/**
 * The order `o` reached paid and was passed on: a step to paid not followed at once by a hold for
 * an identity check (decision 0047). An order the risk rules hold shows once it is released, and
 * one rejected never shows.
 */
const paidAndPassedOn = sql<boolean>`exists (
  select 1 from orders_transitions t where t.order_id = o.id and t.to_status = 'paid'
    and coalesce((select n.reason from orders_transitions n where n.order_id = t.order_id and n.seq > t.seq order by n.seq limit 1), '') <> 'awaiting_proof_of_identity')`;

export interface VendorOrderRow {
  id: string;
  number: string;
  status: OrderStatus;
  createdAt: Date;
  currency: string;
  /** Units and amount of this vendor's lines only. */
  units: number;
  vendorMinor: number;
}

export interface VendorOrderQuery {
  /** An order number or the start of one (`C-1000`); case does not matter. */
  number?: string;
  /** Newest first; `limit` rows from `offset`. */
  limit: number;
  offset: number;
}

const NUMBER_PREFIX = /^C-[0-9]{0,12}$/;

/** The normalised search of an order number, or null when it cannot match any number. */
export function orderNumberSearch(typed: string): string | null {
  const t = typed.trim().toUpperCase();
  if (t === '') return '';
  const withPrefix = /^[0-9]+$/.test(t) ? `C-${t}` : t;
  return NUMBER_PREFIX.test(withPrefix) ? withPrefix : null;
}

function vendorOrdersBase(db: Db, vendorId: string, number: string | undefined) {
  return ordersDb(db)
    .selectFrom('orders as o')
    .innerJoin('orders_lines as l', 'l.order_id', 'o.id')
    .where('l.vendor_id', '=', vendorId)
    .where(paidAndPassedOn)
    .$if(Boolean(number), (q) => q.where('o.number', 'like', `${number}%`));
}

/** One page of the paid orders holding this vendor's products, newest first, and how many there are (one statement; a second only past the end). */
export async function vendorOrders(db: Db, vendorId: string, query: VendorOrderQuery): Promise<{ rows: VendorOrderRow[]; total: number }> {
  const number = query.number ? orderNumberSearch(query.number) : '';
  if (number === null) return { rows: [], total: 0 };
  const rows = await vendorOrdersBase(db, vendorId, number)
    .select((eb) => [
      'o.id',
      'o.number',
      'o.status',
      'o.created_at',
      'o.currency',
      eb.fn.sum<string>('l.quantity').as('units'),
      eb.fn.sum<string>('l.total_minor').as('vendor_minor'),
      sql<string>`count(*) over ()`.as('total'),
    ])
    .groupBy(['o.id', 'o.number', 'o.status', 'o.created_at', 'o.currency'])
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  const total =
    rows.length > 0
      ? Number(rows[0]!.total)
      : query.offset === 0
        ? 0
        : Number(
            (
              await vendorOrdersBase(db, vendorId, number)
                .select((eb) => eb.fn.count<string>('o.id').distinct().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id,
      number: r.number,
      status: r.status,
      createdAt: new Date(r.created_at),
      currency: r.currency,
      units: Number(r.units),
      vendorMinor: Number(r.vendor_minor),
    })),
  };
}

/** A paid order holding this vendor's products, with only that vendor's lines; null for any other order (another vendor's, unpaid, unknown). */
export async function vendorOrder(db: Db, vendorId: string, number: string): Promise<{ order: Order; lines: OrderLine[] } | null> {
  if (!/^C-[0-9]{6,12}$/.test(number)) return null;
  const t = ordersDb(db);
  const order = await t.selectFrom('orders as o').selectAll('o').where('o.number', '=', number).where(paidAndPassedOn).executeTakeFirst();
  if (!order) return null;
  const lines = await t.selectFrom('orders_lines').selectAll().where('order_id', '=', order.id).where('vendor_id', '=', vendorId).orderBy('position').execute();
  return lines.length ? { order, lines } : null;
}

export interface VendorSalesRow {
  productId: string;
  /** The name of the product's first line sold (the line's snapshot). */
  name: string;
  currency: string;
  orders: number;
  units: number;
  revenueMinor: number;
}

/** Units and revenue per product of this vendor's lines in orders that were paid and not since cancelled or refunded, per currency. */
export async function vendorSales(db: Db, vendorId: string): Promise<VendorSalesRow[]> {
  const rows = await ordersDb(db)
    .selectFrom('orders_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .where('l.vendor_id', '=', vendorId)
    .where('o.status', 'not in', ['pending_payment', 'cancelled', 'refunded'])
    .where(paidAndPassedOn)
    .select((eb) => [
      'l.product_id',
      'o.currency',
      sql<string>`min(l.name)`.as('name'),
      eb.fn.count<string>('o.id').distinct().as('orders'),
      eb.fn.sum<string>('l.quantity').as('units'),
      eb.fn.sum<string>('l.total_minor').as('revenue'),
    ])
    .groupBy(['l.product_id', 'o.currency'])
    .orderBy(sql`sum(l.total_minor)`, 'desc')
    .orderBy('l.product_id')
    .execute();
  return rows.map((r) => ({ productId: r.product_id, name: r.name, currency: r.currency, orders: Number(r.orders), units: Number(r.units), revenueMinor: Number(r.revenue) }));
}

/** The orders of `vendorOrders` (newest first, up to `limit`) with this vendor's lines, in two queries: the CSV export. */
export async function vendorOrdersWithLines(db: Db, vendorId: string, query: { number?: string; limit: number }): Promise<{ order: Order; lines: OrderLine[] }[]> {
  const number = query.number ? orderNumberSearch(query.number) : '';
  if (number === null) return [];
  const ids = await vendorOrdersBase(db, vendorId, number)
    .select(['o.id', 'o.created_at'])
    .groupBy(['o.id', 'o.created_at'])
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(query.limit)
    .execute();
  if (ids.length === 0) return [];
  const t = ordersDb(db);
  const list = ids.map((r) => r.id);
  const orders = await t.selectFrom('orders').selectAll().where('id', 'in', list).execute();
  const lines = await t.selectFrom('orders_lines').selectAll().where('order_id', 'in', list).where('vendor_id', '=', vendorId).orderBy('order_id').orderBy('position').execute();
  const byId = new Map(orders.map((o) => [o.id, o]));
  const linesOf = new Map<string, OrderLine[]>();
  for (const line of lines) linesOf.set(line.order_id, [...(linesOf.get(line.order_id) ?? []), line]);
  return list.map((id) => ({ order: byId.get(id)!, lines: linesOf.get(id) ?? [] }));
}
