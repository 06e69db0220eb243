// The licence keys of an order as an `orderPage` section the orders module shows: the keys
// themselves to the buyer (their order page and checkout's confirmation page, which checked the
// reader is the buyer); to staff on the console's order page only which keys went out and their state.
import type { Db } from '../../platform/db/database.ts';
import type { SafeHtml } from '../../web/template.ts';
import { linesOf, type OrderSectionContext } from '../orders/index.ts';
import { deliveryDb, keysOfOrder } from './keys.ts';
import { buyerKeysSection, staffKeysSection } from './pages.ts';

export async function keysSection(db: Db, order: { id: string }, context: OrderSectionContext): Promise<SafeHtml | null> {
  // Staff see which keys went out and their state, by their last characters; never the key.
  const keys = await keysOfOrder(context.reader === 'buyer' ? context.kernel : null, db, order.id);
  const waiting = await deliveryDb(db).selectFrom('delivery_waiting').select('order_id').where('order_id', '=', order.id).executeTakeFirst();
  // Nothing to show for an order with no keyed line (no keys handed out, none awaited).
  if (keys.length === 0 && !waiting) return null;
  const lines = await linesOf(db, order.id);
  const lineNames = new Map(lines.map((l) => [l.position, l.name]));
  return context.reader === 'buyer' ? buyerKeysSection({ keys, lineNames, waiting: waiting !== undefined }) : staffKeysSection({ keys, lineNames, waiting: waiting !== undefined });
}
