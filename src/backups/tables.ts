// The backups module's one table: a row per scheduled backup run (when, how it ended, the file's
// name, size and digest, or the failure's code). Nothing personal: the file name is a timestamp.
import type { Generated } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';

export type RunOutcome = 'ok' | 'failed';

export interface RunTable {
  id: Generated<number>;
  started_at: Date;
  finished_at: Date;
  outcome: RunOutcome;
  file_name: string | null;
  bytes: number | null;
  sha256: string | null;
  /** Stable code of a failure (PG_DUMP_MISSING, WRITE_FAILED, …), never its text. */
  error_code: string | null;
  /** Old backup files this run deleted (older than BACKUP_RETENTION_DAYS). */
  pruned: number;
}

export interface BackupsTables {
  backups_runs: RunTable;
}

export const backupsDb = (db: Db) => tablesOf<BackupsTables>(db);
