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

export interface VendorsTables {
  vendors_terms: TermsTable;
  vendors_terms_acceptances: AcceptanceTable;
  vendors_suspensions: SuspensionTable;
}

export type Terms = Selectable<TermsTable>;
export type Acceptance = Selectable<AcceptanceTable>;
export type Suspension = Selectable<SuspensionTable>;
