// The mailing module's tables. A member row links a mailing-list subject (the name and address are
// kernel items) to its confirmation token's digest; a campaign is staff's text and its progress.
// A campaign's subject line and text are the shop's words to everyone, not anyone's personal data.
import type { Generated } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';

export interface MemberTable {
  subject_id: string;
  /** SHA-256 of the confirmation link's token; null once confirmed. */
  token_hash: Buffer | null;
  created_at: Date;
  expires_at: Date;
  confirmed_at: Date | null;
}

export type CampaignPurpose = 'newsletters' | 'offers';
export type CampaignStatus = 'draft' | 'sending' | 'sent';

export interface CampaignTable {
  id: string;
  purpose: CampaignPurpose;
  subject_line: string;
  body: string;
  status: Generated<CampaignStatus>;
  /** Pseudonymous tag of the staff member who wrote it / sent it (actorTag). */
  created_by: string;
  created_at: Date;
  sent_by: string | null;
  sent_at: Date | null;
  /** The last recipient (subject id) queued: the fan-out resumes after it. */
  cursor: string | null;
  queued: Generated<number>;
  finished_at: Date | null;
}

/** A material policy version being (or done being) mailed; the version is the data map's, nothing personal. */
export interface PolicyAnnouncementTable {
  version: string;
  started_at: Date;
  /** The last recipient (subject id) queued: the next page starts after it. */
  cursor: string | null;
  queued: Generated<number>;
  finished_at: Date | null;
}

/** When a person who receives offers was last reminded that they can opt out (P002-09). */
export interface OfferReminderTable {
  subject_id: string;
  reminded_at: Date;
}

export interface MailingTables {
  mailing_members: MemberTable;
  mailing_campaigns: CampaignTable;
  mailing_policy_announcements: PolicyAnnouncementTable;
  mailing_offer_reminders: OfferReminderTable;
}

export const mailingDb = (db: Db) => tablesOf<MailingTables>(db);
