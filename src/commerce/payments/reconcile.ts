// The job that asks the processor about payments left open: a buyer who closed the tab after paying
// (and whose webhook got lost), or one who never paid (the processor expires the session; settling
// then records it and tells the listeners, and checkout cancels the order). Rows, not timers: it
// runs from the job schedule, each payment in its own transaction.
import { sql } from 'kysely';
import { tablesOf, type Db } from '../../platform/db/database.ts';
import { isAppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import { settlePayment, type PaymentsDeps } from './payments.ts';
import type { PaymentsTables } from './tables.ts';

export const RECONCILE_JOB = 'payments.reconcile';

export async function reconcileOpenPayments(deps: PaymentsDeps, db: Db, options: { olderThanMinutes: number; limit?: number; log?: Logger }): Promise<{ asked: number; settled: number }> {
  const due = await tablesOf<PaymentsTables>(db)
    .selectFrom('payments_attempts')
    .select('id')
    .where('status', '=', 'open')
    .where('created_at', '<', sql<Date>`now() - make_interval(mins => ${options.olderThanMinutes})`)
    .orderBy('created_at')
    .limit(options.limit ?? 50)
    .execute();
  let settled = 0;
  for (const { id } of due) {
    try {
      const s = await db.transaction().execute((trx) => settlePayment(deps, trx, id));
      if (s.status !== 'open') settled++;
    } catch (err) {
      // One processor hiccup must not stop the others; the next run asks again.
      options.log?.warn({ payment: id, code: isAppError(err) ? err.code : 'INTERNAL' }, 'payment could not be reconciled');
    }
  }
  return { asked: due.length, settled };
}
