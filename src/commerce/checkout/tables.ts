import type { Generated } from 'kysely';

export type AttemptState = 'awaiting_payment' | 'paid' | 'on_hold' | 'cancelled';

export interface CheckoutAttemptTable {
  order_id: string;
  cart_id: string | null;
  payment_id: string | null;
  /** The processor's page the buyer pays on (to send them back after a decline). */
  payment_url: string | null;
  state: Generated<AttemptState>;
  created_at: Generated<Date>;
  finished_at: Date | null;
}

export interface CheckoutCreditApprovalTable {
  order_id: string;
  recipient: string;
  state: Generated<'awaiting' | 'approved' | 'rejected'>;
  created_at: Generated<Date>;
}

export interface CheckoutTables {
  checkout_attempts: CheckoutAttemptTable;
  checkout_credit_approvals: CheckoutCreditApprovalTable;
}
