// The subscriptions module's tables: ids, states, periods, amounts and times only. Whose it is is a
// kernel subject id; the payment method the renewals charge is the kernel item `user.payment` under
// ref `subscription:<id>` (never a column here), and the customer's name and email stay in the
// kernel too (the order's copy).
import type { Generated } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';

export type SubscriptionStatus = 'active' | 'past_due' | 'suspended' | 'cancelled';
export const subscriptionStatuses: readonly SubscriptionStatus[] = ['active', 'past_due', 'suspended', 'cancelled'];
export type BillingPeriod = 'month' | 'year';
export type InvoiceStatus = 'open' | 'paid' | 'failed';

export interface SubscriptionTable {
  id: string;
  /** The customer (a kernel subject); null once they were erased. */
  subject_id: string | null;
  /** The order that bought the plan (its first period). */
  order_id: string;
  variant_id: string;
  /** The plan as it was bought: product and variant name, SKU (the shop's words, nothing personal). */
  name: string;
  sku: string;
  period: BillingPeriod;
  amount_minor: number;
  currency: string;
  status: SubscriptionStatus;
  current_period_start: Date;
  current_period_end: Date;
  /** The customer cancelled: nothing more is charged, and it ends at the current period's end. */
  cancel_at_period_end: Generated<boolean>;
  /** Failed charges of the current invoice so far (0: none). */
  failures: Generated<number>;
  /** When the next retry of a failed renewal is due (past_due only). */
  retry_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  ended_at: Date | null;
}

export interface InvoiceTable {
  id: string;
  subscription_id: string;
  period_start: Date;
  period_end: Date;
  amount_minor: number;
  currency: string;
  status: Generated<InvoiceStatus>;
  /** The payment that paid it (payments_attempts id), or the last one that failed. */
  payment_id: string | null;
  failure_code: string | null;
  attempts: Generated<number>;
  paid_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SubscriptionsTables {
  subscriptions_subscriptions: SubscriptionTable;
  subscriptions_invoices: InvoiceTable;
}

export const subscriptionsDb = (db: Db) => tablesOf<SubscriptionsTables>(db);
