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
  /** Keyed digest of the buyer's network while the order waits for payment; null once it is settled. */
  source: Buffer | null;
  /** Units this order holds while it waits for payment (bounded per source, decision 0029). */
  held_units: Generated<number>;
}

/** awaiting: nobody asked yet; requested: the DPO's approval was asked (`approval_id`); approved / rejected: the agency's answer is recorded. */
export type CreditState = 'awaiting' | 'requested' | 'approved' | 'rejected';

export interface CheckoutCreditApprovalTable {
  order_id: string;
  recipient: string;
  state: Generated<CreditState>;
  created_at: Generated<Date>;
  approval_id: string | null;
  /** Business text staff gave with the agency's answer; never personal data. */
  reason: string | null;
  decided_at: Date | null;
}

export interface CheckoutTables {
  checkout_attempts: CheckoutAttemptTable;
  checkout_credit_approvals: CheckoutCreditApprovalTable;
}
