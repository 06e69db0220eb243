// Row type of the comms module's one table. The outbox names the recipient only by pseudonymous
// subject id, purpose and address ref; the address and any name are read through the privacy
// kernel when the message is sent (decision 0013), so nothing here is personal data.
import type { ColumnType, Generated } from 'kysely';
import type { MailKind } from './kinds.ts';

/**
 * queued → sending (the transport has it, under a lease) → sent → bounced (a bounce came back);
 * queued → suppressed (the kernel refused the address) | failed (permanent transport error).
 * A `sending` row whose lease ran out was cut off mid-send: it is sent again (decision 0054).
 */
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'bounced' | 'suppressed' | 'failed';

export type TemplateParams = Record<string, string | number | boolean>;

export interface OutboxTable {
  id: string;
  kind: MailKind;
  template: string;
  subject_id: string;
  purpose: string;
  address_ref: string;
  /** Data categories of the subject the template may use (read at send time). */
  personal: string[];
  /** Kernel item ref those categories are read under ('' = the person's current values; `order:<id>` = an order's copies). */
  personal_ref: Generated<string>;
  /** Non-personal template parameters; emptied once the message is final. */
  params: ColumnType<TemplateParams, string, string>;
  /** The template's secret parameters (links with one-time tokens) as JSON sealed by the kernel under the recipient's key; null once final. */
  sealed_params: Buffer | null;
  idempotency_key: string | null;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  /** Why a message was suppressed: the kernel's refusal reason or one of comms' own (see send.ts). */
  suppressed_reason: string | null;
  /** The last transport error, scrubbed of anything that looks like personal data. */
  last_error: string | null;
  /** The Message-ID header the mail was sent with. */
  transport_message_id: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
  finished_at: Date | null;
  /** While `sending`: until when this send holds the message; after it, a rerun may send it again. */
  lease_until: Date | null;
  /** A bounce's code: an enhanced status code such as `5.1.1` (hard when it starts with 5). */
  bounce_code: string | null;
  bounced_at: Date | null;
}

/** An address that bounced hard BOUNCE_LIMIT times: marketing to it is suppressed as `undeliverable`. */
export interface UndeliverableTable {
  subject_id: string;
  address_ref: string;
  hard_bounces: number;
  marked_at: Generated<Date>;
}

export interface CommsTables {
  comms_outbox: OutboxTable;
  comms_undeliverable: UndeliverableTable;
}
