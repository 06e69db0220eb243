// The refund seam (decision 0021): when staff refund an order, or cancel it after it was paid, the
// money goes back through the processor inside the same transaction as the order's step. If the
// processor cannot be reached, the throw undoes the step: an order is never marked refunded while
// the buyer's money stays with the shop.
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import type { OrdersDeps, TransitionEvent } from '../orders/index.ts';
import { paymentsOfOrder, refundPayment, type PaymentsDeps } from '../payments/index.ts';
import { processorsOf } from './jobs.ts';

/** The transition listener: refunds `refundMinor` from the order's paid payments, once per transition (the idempotency key names it). */
export async function refundOnTransition(db: Db, event: TransitionEvent, deps: OrdersDeps): Promise<void> {
  let due = event.refundMinor ?? 0;
  if (due <= 0) return;
  const paid = (await paymentsOfOrder(db, event.order.id)).filter((p) => p.status === 'succeeded' && p.amount_minor > p.refunded_minor);
  // Orders paid outside the processor (invoice, free) have no payment here: staff give that money back themselves.
  if (paid.length === 0) return;
  if (!deps.config) throw new Error('NO_CONFIG: refunding an order needs the settings (OrdersDeps.config) to reach the payment processor');
  const payments: PaymentsDeps = { kernel: deps.kernel, processors: processorsOf(deps.config), publicUrl: deps.publicUrl, listeners: deps.listeners };
  for (const payment of paid) {
    if (due === 0) break;
    const amountMinor = Math.min(due, payment.amount_minor - payment.refunded_minor);
    await refundPayment(payments, db, { paymentId: payment.id, amountMinor, idempotencyKey: `order-transition:${event.transitionId}:${payment.id}`, actor: event.actor });
    due -= amountMinor;
  }
  if (due > 0) throw new AppError('PAYMENT_NOT_REFUNDABLE', `The order's payments cover ${(event.refundMinor ?? 0) - due} of the ${event.refundMinor} to refund.`);
}
