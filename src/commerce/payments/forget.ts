// Erasure reaches the processor too: the shop disclosed the buyer's name and email to it at
// checkout, so when the buyer's data is erased each processor that took one of their payments is
// asked to forget them, keeping only the payment record (see each adapter's `forget`).
import { tablesOf, type Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { PaymentsDeps } from './payments.ts';
import type { PaymentsTables } from './tables.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Asks the processor of every payment attempt of this kernel subject to forget the buyer, one
 * payment at a time under the key `forget:<paymentId>`. Writes nothing here, so it needs no
 * transaction and may be run again whole: a processor error (PAYMENT_PROCESSOR_UNAVAILABLE: retry)
 * propagates, and payments already forgotten are forgotten again harmlessly.
 */
export async function forgetBuyer(deps: PaymentsDeps, db: Db, subject: string): Promise<{ forgotten: number }> {
  if (!UUID.test(subject)) throw validationError('subject', 'must be a subject id');
  const payments = await tablesOf<PaymentsTables>(db)
    .selectFrom('payments_attempts')
    .select(['id', 'processor', 'processor_ref'])
    .where('subject_id', '=', subject)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const p of payments) await deps.processors.byId(p.processor).forget(p.processor_ref, `forget:${p.id}`);
  return { forgotten: payments.length };
}

/**
 * Asks again, for the payments of these orders (a notice still open after the processor refused,
 * e.g. Stripe before its 90 days): the buyer is erased by then, so the orders name the payments.
 */
export async function forgetOrders(deps: PaymentsDeps, db: Db, orderIds: readonly string[]): Promise<{ forgotten: number }> {
  const ids = orderIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return { forgotten: 0 };
  const payments = await tablesOf<PaymentsTables>(db)
    .selectFrom('payments_attempts')
    .select(['id', 'processor', 'processor_ref'])
    .where('order_id', 'in', ids)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const p of payments) await deps.processors.byId(p.processor).forget(p.processor_ref, `forget:${p.id}`);
  return { forgotten: payments.length };
}
