// The payments module's tables. A payment row holds ids, amounts, statuses and times only: the
// token and last four digits of the payment method are kernel items (`user.payment` under ref
// `order:<orderId>`), and no card or account number ever reaches the store at all.
import type { Generated } from 'kysely';
import type { PaymentInstrument, PaymentStatus } from './port.ts';

export interface PaymentAttemptTable {
  id: string;
  order_id: string;
  /** The buyer's pseudonymous kernel subject, to store the token through the kernel at settlement. */
  subject_id: string | null;
  processor: string;
  processor_ref: string;
  instrument: PaymentInstrument;
  amount_minor: number;
  currency: string;
  status: Generated<PaymentStatus>;
  failure_code: string | null;
  refunded_minor: Generated<number>;
  /** The processor's page for the buyer (no personal data in it). */
  redirect_url: string;
  idempotency_key: string;
  /** The processor was asked to keep the method for later (a plan, a subscription's invoice); true on rows from before it was recorded. */
  save_for_later: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  settled_at: Date | null;
}

export interface PaymentRefundTable {
  id: string;
  payment_id: string;
  amount_minor: number;
  idempotency_key: string;
  actor_kind: string;
  actor_id: string;
  created_at: Generated<Date>;
}

export interface PaymentsTables {
  payments_attempts: PaymentAttemptTable;
  payments_refunds: PaymentRefundTable;
}
