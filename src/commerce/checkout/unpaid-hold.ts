// The bound on stock held by orders that wait for payment (decision 0029). Checkout takes stock
// when the order is made, so that a buyer who pays always gets the goods; without a bound anyone
// could hold a product's whole stock for the payment window with two requests (add all, check out
// by card, never pay). So the tracked units held by orders from one source network that still wait
// for payment (or, for invoice orders, for the credit decision) are counted (live, not per time
// window) and may not pass UNPAID_UNITS_PER_SOURCE; checkouts from one network are serialised while
// they count. Paid, cancelled, lapsed and credit-decided orders no longer count, and the network
// digest is dropped when the order stops waiting.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import { AppError } from '../../platform/errors.ts';
import type { PricedCart } from '../pricing/index.ts';

export const UNPAID_UNITS_PER_SOURCE = 10;

/** Units of stock-tracked items in the cart: what an unpaid order would hold. */
export function trackedUnits(priced: Pick<PricedCart, 'lines'>): number {
  return priced.lines.reduce((n, line) => n + (line.stock === null ? 0 : line.quantity), 0);
}

/** Throws UNPAID_HOLD_LIMIT when `units` more would take the source past its bound. */
export async function checkUnpaidHold(db: Db, source: Buffer, units: number, limit = UNPAID_UNITS_PER_SOURCE): Promise<void> {
  if (units === 0) return;
  await sql`${prepared}select pg_advisory_xact_lock(hashtextextended(${`checkout-unpaid:${source.toString('hex')}`}, 0))`.execute(db);
  const { rows } = await sql<{ held: number }>`${prepared}
    select coalesce(sum(held_units), 0)::int as held from checkout_attempts a
    where a.source = ${source}
      and (a.state = 'awaiting_payment'
        or (a.state = 'on_hold' and exists (select 1 from checkout_credit_approvals c where c.order_id = a.order_id and c.state in ('awaiting', 'requested'))))`.execute(db);
  if ((rows[0]?.held ?? 0) + units > limit) throw new AppError('UNPAID_HOLD_LIMIT');
}

/** The order no longer waits (its credit was decided, or it is being erased): its network digest goes. */
export async function dropSource(db: Db, orderId: string): Promise<void> {
  await sql`update checkout_attempts set source = null where order_id = ${orderId}::uuid and source is not null`.execute(db);
}
