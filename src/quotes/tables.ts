// The quotes module's tables. A case links a requester (a kernel subject: a correspondent, or the
// signed-in customer) to its state, follow-up date and quote; everything the requester typed (name,
// email, phone, organisation, the system to quote for) and every follow-up note's text are kernel
// items under the ref `quote:<case>`. A quote line's description is the shop's words (a catalogue
// product or a staff member's free text), not anyone's personal data.
import type { Generated } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';

export type CaseStatus = 'new' | 'quoted' | 'won' | 'lost';

export interface CaseTable {
  id: string;
  number: Generated<number>;
  subject_id: string;
  /** Filed while signed in (on the customer's own subject) rather than as a new correspondent. */
  by_customer: boolean;
  status: Generated<CaseStatus>;
  /** SHA-256 of the requester's link token (view and remove). */
  token_hash: Buffer;
  /** The same token sealed by the kernel for this case, so a later mail (the quote) can carry the link. */
  token_sealed: Buffer;
  created_at: Date;
  follow_up_on: string | null;
  /** The follow-up date staff were last reminded of (the job reminds once per date). */
  reminded_for: string | null;
  currency: string;
  valid_until: string | null;
  quoted_at: Date | null;
  closed_at: Date | null;
}

export interface LineTable {
  id: string;
  case_id: string;
  position: number;
  product_id: string | null;
  description: string;
  quantity: number;
  unit_minor: number;
}

/** A follow-up note: when and by whom (pseudonymous tag); its text is a kernel item. */
export interface NoteTable {
  id: string;
  case_id: string;
  at: Date;
  by_tag: string;
}

export interface QuotesTables {
  quotes_cases: CaseTable;
  quotes_lines: LineTable;
  quotes_notes: NoteTable;
}

export const quotesDb = (db: Db) => tablesOf<QuotesTables>(db);
