// Checkout keeps nothing keyed by a person (its attempts and credit checks hang on orders), but a
// deletion must not leave a half-done purchase behind: before anything is shredded, each of the
// person's orders that is still open is cancelled, its stock given back and, when it was paid,
// refunded through the processor (the refund listener); a payment still open at the processor is
// ended there. Shipped and later orders are left as they are; erasure then unlinks them.
import { sql } from 'kysely';
import { tablesOf } from '../../platform/db/database.ts';
import type { PersonalDataHolder } from '../../privacy/index.ts';
import { cancelAttempt, onSettled } from './flow.ts';
import { processorsOf, settlementPorts } from './jobs.ts';
import type { CheckoutTables } from './tables.ts';
import { dropSource } from './unpaid-hold.ts';

const OPEN = ['pending_payment', 'paid', 'fulfilling', 'on_hold'] as const;

export const checkoutHolder: PersonalDataHolder = {
  tables: [],
  async prepare({ db, kernel, config, actor, wiring }, subject) {
    const ports = settlementPorts({ kernel, processors: processorsOf(config), publicUrl: config.publicUrl, config, listeners: wiring.listeners });
    const { rows } = await sql<{ id: string }>`
      select id from orders where customer_subject = ${subject}::uuid and status = any(${[...OPEN]}::text[]) order by created_at`.execute(db);
    for (const { id } of rows) {
      // One transaction per order: a processor that is down stops here, and the retry carries on.
      await db.transaction().execute(async (trx) => {
        const t = tablesOf<CheckoutTables>(trx);
        const order = await sql<{ status: string }>`select status from orders where id = ${id}::uuid for update`.execute(trx);
        const status = order.rows[0]?.status;
        if (!status || !(OPEN as readonly string[]).includes(status)) return;
        const attempt = await t.selectFrom('checkout_attempts').selectAll().where('order_id', '=', id).forUpdate().executeTakeFirst();
        if (status === 'pending_payment' && attempt?.state === 'awaiting_payment') {
          // The buyer may have paid a moment ago: settle first, so a paid order is refunded, not lost.
          const settlement = attempt.payment_id ? await ports.settlePayment(trx, attempt.payment_id) : null;
          if (settlement) await onSettled(ports, trx, settlement);
          if (settlement?.status !== 'succeeded') {
            if (attempt.payment_id) await ports.cancelPayment(trx, attempt.payment_id);
            await cancelAttempt(ports, trx, id, 'account_deleted', actor);
            return;
          }
        }
        const now = (await sql<{ status: string }>`select status from orders where id = ${id}::uuid`.execute(trx)).rows[0]?.status;
        if (!now || !(OPEN as readonly string[]).includes(now)) return;
        await ports.releaseStock(trx, await ports.orderLines(trx, id));
        await ports.transitionOrder(trx, { orderId: id, to: 'cancelled', actor, reason: 'account_deleted' });
        await t
          .updateTable('checkout_credit_approvals')
          .set({ state: 'rejected', reason: 'account_deleted', decided_at: sql<Date>`now()` })
          .where('order_id', '=', id)
          .where('state', 'in', ['awaiting', 'requested'])
          .execute();
        await dropSource(trx, id);
      });
    }
  },
};
