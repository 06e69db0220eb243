// The scheduled backup (job backups.take): runs in the worker, inside the process that holds the
// database (on PGlite no other process may open it). Every run is recorded in backups_runs and
// logged; a failure is recorded and logged, and the job still ends, so a broken BACKUP_DIR does not
// make a crash loop or a pile of retries: the next scheduled tick tries again after an hour.
import { basename } from 'node:path';
import type { Config } from '../platform/config.ts';
import type { DatabaseHandle, Db } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import { backupsDb, type RunTable } from './tables.ts';
import { BackupFailed, pruneBackups, takeBackup } from './take.ts';

export const TAKE_JOB = 'backups.take';
/** How often the schedule looks whether a backup is due (the interval itself is BACKUP_INTERVAL_HOURS). */
export const CHECK_EVERY_SECONDS = 900;
const RETRY_AFTER_MS = 3_600_000;

export type RunRow = Omit<RunTable, 'id'> & { id: number };

export async function recentRuns(db: Db, limit = 20): Promise<RunRow[]> {
  return (await backupsDb(db).selectFrom('backups_runs').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute()) as RunRow[];
}

export async function lastGoodRun(db: Db): Promise<RunRow | null> {
  return ((await backupsDb(db).selectFrom('backups_runs').selectAll().where('outcome', '=', 'ok').orderBy('started_at', 'desc').limit(1).executeTakeFirst()) as RunRow | undefined) ?? null;
}

/** Due when no good backup is younger than the interval and no failure is younger than an hour. */
async function isDue(db: Db, now: Date, intervalHours: number): Promise<boolean> {
  const good = await lastGoodRun(db);
  if (good && now.getTime() - new Date(good.started_at).getTime() < intervalHours * 3_600_000) return false;
  const failed = await backupsDb(db).selectFrom('backups_runs').select('started_at').where('outcome', '=', 'failed').orderBy('started_at', 'desc').limit(1).executeTakeFirst();
  return !failed || now.getTime() - new Date(failed.started_at).getTime() >= RETRY_AFTER_MS;
}

const codeOf = (err: unknown): string => {
  if (err instanceof BackupFailed) return err.code;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,39}$/.test(code)) return code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `WRITE_${code.slice(1)}`.slice(0, 40);
  return 'BACKUP_FAILED';
};

export async function scheduledBackup(input: { database: DatabaseHandle; db: Db; config: Config; log: Logger; now: Date }): Promise<RunRow | null> {
  const { config, db, log, now } = input;
  const dir = config.backups.dir;
  if (!dir) return null;
  if (!(await isDue(db, now, config.backups.intervalHours))) return null;
  let row: Omit<RunRow, 'id'>;
  try {
    const taken = await takeBackup({ database: input.database, config, dir, now });
    const pruned = pruneBackups(dir, config.rights.backupRetentionDays, new Date());
    row = { started_at: now, finished_at: new Date(), outcome: 'ok', file_name: basename(taken.file), bytes: taken.bytes, sha256: taken.sha256, error_code: null, pruned: pruned.length };
    log.info({ file: row.file_name, bytes: taken.bytes, files: taken.files, pruned: pruned.length }, 'backups: backup written');
  } catch (err) {
    row = { started_at: now, finished_at: new Date(), outcome: 'failed', file_name: null, bytes: null, sha256: null, error_code: codeOf(err), pruned: 0 };
    log.error({ error_code: row.error_code, err }, 'backups: the scheduled backup failed');
  }
  const { id } = await backupsDb(db).insertInto('backups_runs').values(row).returning('id').executeTakeFirstOrThrow();
  return { ...row, id: Number(id) };
}
