// The testimonials module's tables. An entry links a person (kernel subject) to what they agreed to
// let us show: a quote (their words and first name or initial are kernel items under the entry's
// ref) or their company on the customer list (the company name is a kernel item; the logo is a
// media image, the company's, not the person's). A takedown case tracks the 24-hour deadline to
// remove the copies elsewhere; its places are staff's words ("spring brochure"), nothing personal.
import type { Generated } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';

export type EntryKind = 'quote' | 'company';
export type EntryState = 'pending' | 'published' | 'removed';
export type ShownAs = 'first-name' | 'initial';
export type EntryChannel = 'web' | 'email' | 'phone' | 'paper' | 'in-person';

export interface EntryTable {
  id: string;
  subject_id: string;
  kind: EntryKind;
  state: Generated<EntryState>;
  /** A quote's choice of how the person is named; null for a company. */
  shown_as: ShownAs | null;
  logo_image_id: string | null;
  /** How the consent came: the person on the web, or staff recording what they said. */
  channel: EntryChannel;
  /** Pseudonymous tag of who recorded it (actorTag). */
  recorded_by: string;
  created_at: Date;
  approved_at: Date | null;
  approved_by: string | null;
  removed_at: Date | null;
  /** Off the site while the person's account is deactivated or its deletion runs (the holder's deactivate/suspend). */
  held: Generated<boolean>;
}

export type TakedownVia = 'account' | 'mailed-link' | 'staff' | 'erasure' | 'privacy-centre';

export interface CaseTable {
  id: string;
  /** The entry taken down (kept as a plain id: the entry row goes with the person's erasure). */
  entry_id: string;
  /** The person who asked; null once they were erased (the case stays until the copies are gone). */
  subject_id: string | null;
  kind: EntryKind;
  via: TakedownVia;
  opened_at: Date;
  deadline_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  overdue_alerted_at: Date | null;
}

export interface PlaceTable {
  id: string;
  case_id: string;
  place: string;
  added_at: Date;
  done_at: Date | null;
}

export interface TakedownLinkTable {
  /** SHA-256 of the mailed link's token. */
  token_hash: Buffer;
  entry_id: string;
  subject_id: string;
  created_at: Date;
  expires_at: Date;
}

export interface TestimonialsTables {
  testimonials_entries: EntryTable;
  testimonials_cases: CaseTable;
  testimonials_case_places: PlaceTable;
  testimonials_takedown_links: TakedownLinkTable;
}

export const testimonialsDb = (db: Db) => tablesOf<TestimonialsTables>(db);
