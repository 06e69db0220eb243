// The backups module's one table: a row per backup run, scheduled or by hand (when, how it ended,
// the folder and the file's name, size and digest, or the failure's code; the copy off the
// machine). Nothing personal: the file name is a timestamp, the folder is the operator's setting or
// --to, and a failure is a code, never a message or a command's output.
import type { Generated } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';

export type RunOutcome = 'ok' | 'failed';
/** Who started the run: the worker's schedule, or `custodian backup`. */
export type RunOrigin = 'scheduled' | 'by_hand';
/** The copy off the machine (BACKUP_COPY_COMMAND); null: no command was set. */
export type CopyOutcome = 'pending' | 'copied' | 'failed';

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
  origin: RunOrigin;
  /** The folder the backup was written to (absolute), null when longer than 1000 characters. */
  folder: string | null;
  copy_outcome: CopyOutcome | null;
  copied_at: Date | null;
  /** COPY_EXIT_3, COPY_TIMEOUT, …: how the copy command failed. */
  copy_error_code: string | null;
  /** How many times BACKUP_COPY_COMMAND ran for this file (a failed copy is tried again), and when it last did. */
  copy_attempts: number;
  copy_tried_at: Date | null;
}

export interface BackupsTables {
  backups_runs: RunTable;
}

export const backupsDb = (db: Db) => tablesOf<BackupsTables>(db);
