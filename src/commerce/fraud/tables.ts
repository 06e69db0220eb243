// Row types of the fraud module's tables. No personal data: rule codes, states, times, a hash of
// the upload link's token and actor refs. The proof itself is kernel items of the buyer.
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type MaybeTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface RulesTable {
  id: ColumnType<number, number | undefined, number>;
  country_mismatch: boolean;
  velocity_orders: number | null;
  velocity_hours: number | null;
  amount_minor: ColumnType<number | null, number | null, number | null>;
  amount_currency: string | null;
  updated_at: Timestamp;
  /** `staff:<id>` of the owner who last changed them. */
  updated_by: string;
}

export type ReviewState = 'flagged' | 'awaiting_proof' | 'proof_received' | 'approved' | 'rejected' | 'closed';

export interface ReviewTable {
  order_id: string;
  /** Codes of the rules that fired (rules.ts). */
  rules: string[];
  state: ColumnType<ReviewState, ReviewState | undefined, ReviewState>;
  /** SHA-256 of the upload link's token; cleared once the order is decided. */
  token_hash: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  flagged_at: Timestamp;
  held_at: MaybeTime;
  /** How many kernel items the proof is kept in (null: none received). */
  proof_parts: ColumnType<number | null, number | null | undefined, number | null>;
  proof_received_at: MaybeTime;
  purge_after: MaybeTime;
  purged_at: MaybeTime;
  decided_at: MaybeTime;
  decided_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface FraudTables {
  fraud_rules: RulesTable;
  fraud_reviews: ReviewTable;
}
