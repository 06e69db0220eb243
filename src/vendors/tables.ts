// Row types of the vendors module's tables: the versions of the vendors' data-use terms, each
// acceptance by a vendor user, and suspensions. No personal data: a user is an accounts id and a
// kernel subject id; who published or suspended is a pseudonymous actor tag (`staff:<id>`).
import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface TermsTable {
  version: number;
  /** Plain text: paragraphs separated by a blank line, list items starting with "- ". */
  body: string;
  published_at: Timestamp;
  published_by: string;
}

export interface AcceptanceTable {
  id: Generated<string>;
  version: number;
  vendor_id: string;
  /** The vendor user (accounts' id) and their kernel subject; both null once that person was erased. */
  user_id: string | null;
  user_subject: string | null;
  accepted_at: Timestamp;
}

export interface SuspensionTable {
  id: Generated<string>;
  vendor_id: string;
  suspended_at: Timestamp;
  suspended_by: string;
  reinstated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  reinstated_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A vendor's webhook: where order events go. The signing secret is not stored: it is derived from `secret_salt` with a key of the keyring (webhook-secret.ts). */
export interface WebhookTable {
  vendor_id: string;
  url: string;
  secret_salt: Buffer;
  /** When the secret was made or last rotated. */
  secret_at: Timestamp;
  updated_at: Timestamp;
}

export type WebhookEventName = 'order.paid' | 'order.shipped' | 'order.cancelled' | 'order.refunded';

/** One order event for one vendor, sent by the `vendors.webhook` job (retried until delivered or out of attempts). */
export interface WebhookEventTable {
  id: string;
  vendor_id: string;
  order_id: string;
  order_number: string;
  event: WebhookEventName;
  transition_id: string;
  created_at: Timestamp;
  state: ColumnType<'pending' | 'delivered' | 'failed' | 'skipped', 'pending' | undefined, 'pending' | 'delivered' | 'failed' | 'skipped'>;
}

/** One attempt to deliver an event: what happened, never the payload. */
export interface WebhookDeliveryTable {
  id: Generated<string>;
  event_id: string;
  vendor_id: string;
  attempt: number;
  at: Timestamp;
  outcome: 'delivered' | 'failed' | 'skipped';
  status_code: number | null;
  duration_ms: number | null;
  /** A fixed text: `HTTP 500`, `timed out after 10 s`, `vendor suspended`; never a response body. */
  detail: string;
  /** The disclosure-ledger entry of the buyer details this attempt carried, if any. */
  disclosure_id: string | null;
}

export interface VendorsTables {
  vendors_terms: TermsTable;
  vendors_terms_acceptances: AcceptanceTable;
  vendors_suspensions: SuspensionTable;
  vendors_webhooks: WebhookTable;
  vendors_webhook_events: WebhookEventTable;
  vendors_webhook_deliveries: WebhookDeliveryTable;
}

export type Terms = Selectable<TermsTable>;
export type Acceptance = Selectable<AcceptanceTable>;
export type Suspension = Selectable<SuspensionTable>;
export type Webhook = Selectable<WebhookTable>;
export type WebhookEvent = Selectable<WebhookEventTable>;
export type WebhookDelivery = Selectable<WebhookDeliveryTable>;
