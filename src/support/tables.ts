// The support module's tables: tickets and the messages of each thread, as ids, states, times,
// channels and whether something was masked. Who wrote and what they wrote are kernel items of the
// requester (refs.ts): no name, address, phone number or message text is a column here.
import type { Generated } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';

export type TicketStatus = 'open' | 'answered' | 'closed';
/** Who opened it: a signed-in customer (on their own subject) or someone without an account (a correspondent). */
export type TicketOpener = 'customer' | 'correspondent';
/** How a message came: the support form, the account inbox, the visitor's mailed link, inbound mail, a staff mail, a phone call staff noted. */
export type MessageChannel = 'form' | 'account' | 'link' | 'mail-in' | 'mail-out' | 'phone';

export interface TicketTable {
  id: string;
  /** S-000101: what the person quotes, in the mail subject and the reply address. */
  reference: string;
  subject_id: string;
  opened_by: TicketOpener;
  status: TicketStatus;
  opened_at: Date;
  /** When the newest message was written: retention counts from here (sweep.ts). */
  last_message_at: Date;
  closed_at: Date | null;
  messages: number;
  order_given: boolean;
  /** SHA-256 of the visitor's thread link token (the latest mailed); null for a customer's ticket. */
  link_hash: Buffer | null;
}

export interface MessageTable {
  ticket_id: string;
  n: number;
  /** requester or staff. */
  author: 'requester' | 'staff';
  channel: MessageChannel;
  /** Pseudonymous tag of who wrote it (actorTag). */
  actor_ref: string;
  at: Date;
  /** A card- or SSN-like number was masked before it was stored (P002-16). */
  masked: Generated<boolean>;
}

export interface SupportTables {
  support_tickets: TicketTable;
  support_messages: MessageTable;
}

export const supportDb = (db: Db) => tablesOf<SupportTables>(db);
