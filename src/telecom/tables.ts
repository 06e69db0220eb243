// The telecom module's tables. They keep ids, states, months, counts and times only: the line's
// number is a kernel item of its customer (user.contact.phone_number, not CPNI) and every usage
// record is inside a kernel item of category user.telecom.cpni (encrypted under the customer's
// key, each write and read audited, shredded with the person).
import type { Generated } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';

export type LineStatus = 'active' | 'suspended' | 'closed';
export const lineStatuses: readonly LineStatus[] = ['active', 'suspended', 'closed'];

/** A customer's telecom service line: the service variant it runs on and its state. */
export interface LineTable {
  id: string;
  subject_id: string;
  variant_id: string;
  status: Generated<LineStatus>;
  /** Suspended by its plan's subscription going unpaid (so paying resumes it), not by staff. */
  suspended_for_payment: Generated<boolean>;
  created_at: Date;
  /** Pseudonymous tag of the staff member who opened it (actorTag). */
  created_by: string;
}

/** A network-side key that may post usage records (SHA-256 of the key; shown once). */
export interface NetworkKeyTable {
  id: string;
  key_hash: Buffer;
  label: string;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
}

/** One request of the usage API: its key's batch reference (a retry of the same one stores nothing). */
export interface IngestTable {
  id: string;
  network_key_id: string;
  batch: string | null;
  records: number;
  received_at: Date;
}

/** One ingest's records for one line and one month: kernel items `usage:<month>:<id>:<n>`, n < parts. */
export interface UsageBatchTable {
  id: string;
  ingest_id: string;
  line_id: string;
  subject_id: string;
  /** yyyy-mm (UTC). */
  month: string;
  records: number;
  parts: number;
  received_at: Date;
}

/** The "your statement is ready" mail queued for a line's month (once). */
export interface StatementNoticeTable {
  line_id: string;
  subject_id: string;
  month: string;
  queued_at: Date;
}

export interface TelecomTables {
  telecom_lines: LineTable;
  telecom_network_keys: NetworkKeyTable;
  telecom_ingests: IngestTable;
  telecom_usage_batches: UsageBatchTable;
  telecom_statement_notices: StatementNoticeTable;
}

export const telecomDb = (db: Db) => tablesOf<TelecomTables>(db);
