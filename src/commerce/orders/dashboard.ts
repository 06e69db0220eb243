// The figures the staff console's dashboard shows of orders: what came in since a moment (count and
// revenue per currency) and how many orders wait at each step. Business data only, two queries.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { ordersDb } from './orders.ts';
import type { OrderStatus } from './states.ts';

/** The steps staff act on, in the order an order meets them. */
export const WAITING_STATUSES = ['pending_payment', 'paid', 'fulfilling', 'shipped', 'on_hold'] as const satisfies readonly OrderStatus[];

export interface OrdersDashboard {
  /** Orders placed since `since`, per currency; revenue counts paid orders (not awaiting payment, not cancelled) less refunds. */
  placed: { currency: string; count: number; revenueMinor: number }[];
  waiting: Record<(typeof WAITING_STATUSES)[number], number>;
}

export async function ordersDashboard(db: Db, since: Date): Promise<OrdersDashboard> {
  const t = ordersDb(db);
  const placed = await t
    .selectFrom('orders')
    .select((eb) => [
      'currency',
      eb.fn.countAll<string>().as('n'),
      sql<string>`coalesce(sum(case when status not in ('pending_payment', 'cancelled') then total_minor - refunded_minor else 0 end), 0)`.as('revenue'),
    ])
    .where('created_at', '>=', since)
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  const counts = await t
    .selectFrom('orders')
    .select((eb) => ['status', eb.fn.countAll<string>().as('n')])
    .where('status', 'in', [...WAITING_STATUSES])
    .groupBy('status')
    .execute();
  const waiting = Object.fromEntries(WAITING_STATUSES.map((s) => [s, 0])) as OrdersDashboard['waiting'];
  for (const row of counts) waiting[row.status as keyof typeof waiting] = Number(row.n);
  return { placed: placed.map((r) => ({ currency: r.currency, count: Number(r.n), revenueMinor: Number(r.revenue) })), waiting };
}
