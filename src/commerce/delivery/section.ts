// The buyer's licence keys on their order page and checkout's confirmation page: an `orderPage`
// section the orders module shows (the page has checked the reader is the buyer).
import type { Db } from '../../platform/db/database.ts';
import type { SafeHtml } from '../../web/template.ts';
import { linesOf, type OrderSectionContext } from '../orders/index.ts';
import { deliveryDb, keysOfOrder } from './keys.ts';
import { buyerKeysSection } from './pages.ts';

export async function keysSection(db: Db, order: { id: string }, context: OrderSectionContext): Promise<SafeHtml | null> {
  if (context.reader !== 'buyer') return null;
  const keys = await keysOfOrder(context.kernel, db, order.id);
  const waiting = await deliveryDb(db).selectFrom('delivery_waiting').select('order_id').where('order_id', '=', order.id).executeTakeFirst();
  // Nothing to show for an order with no keyed line (no keys handed out, none awaited).
  if (keys.length === 0 && !waiting) return null;
  const lines = await linesOf(db, order.id);
  return buyerKeysSection({ keys, lineNames: new Map(lines.map((l) => [l.position, l.name])), waiting: waiting !== undefined });
}
