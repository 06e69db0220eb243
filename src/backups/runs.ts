// The scheduled backup (job backups.take): runs in the worker, inside the process that holds the
// database (on PGlite no other process may open it). Every run is recorded in backups_runs and
// logged; a failure is recorded and logged, and the job still ends, so a broken BACKUP_DIR does not
// make a crash loop or a pile of retries: the next scheduled tick tries again after an hour.
// `custodian backup` records its runs here too (origin by_hand). After a good run of either kind,
// BACKUP_COPY_COMMAND copies the file off the machine (copy.ts) and the run records how that went.
// A copy that failed (the remote down, a network outage) is tried again by the schedule, after
// growing pauses, as long as its backup is the newest good one: a later backup's own copy
// supersedes it.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Config } from '../platform/config.ts';
import type { DatabaseHandle, Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { copyOffsite } from './copy.ts';
import { backupsDb, type RunOrigin, type RunTable } from './tables.ts';
import { BackupFailed, pruneBackups, type TakenBackup, takeBackup } from './take.ts';

export const TAKE_JOB = 'backups.take';
/** How often the schedule looks whether a backup is due (the interval itself is BACKUP_INTERVAL_HOURS). */
export const CHECK_EVERY_SECONDS = 900;
const RETRY_AFTER_MS = 3_600_000;
/** A failed copy is tried again after 15 minutes, then 30, 60, 120 and 240: six tries over some eight hours. */
export const COPY_ATTEMPTS = 6;
const FIRST_COPY_PAUSE_MS = 15 * 60_000;

/** When a failed copy that ran `attempts` times, last at `triedAt`, is tried again; null once it ran COPY_ATTEMPTS times. */
export function nextCopyTry(attempts: number, triedAt: Date): Date | null {
  if (attempts >= COPY_ATTEMPTS) return null;
  return new Date(triedAt.getTime() + FIRST_COPY_PAUSE_MS * 2 ** Math.max(0, attempts - 1));
}

export type RunRow = Omit<RunTable, 'id'> & { id: number };

export async function recentRuns(db: Db, limit = 20): Promise<RunRow[]> {
  return (await backupsDb(db).selectFrom('backups_runs').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute()) as RunRow[];
}

export async function lastGoodRun(db: Db): Promise<RunRow | null> {
  return ((await backupsDb(db).selectFrom('backups_runs').selectAll().where('outcome', '=', 'ok').orderBy('started_at', 'desc').limit(1).executeTakeFirst()) as RunRow | undefined) ?? null;
}

/** Due when no good scheduled backup is younger than the interval and no scheduled failure is younger than an hour. */
async function isDue(db: Db, now: Date, intervalHours: number): Promise<boolean> {
  const runs = backupsDb(db).selectFrom('backups_runs').select('started_at').where('origin', '=', 'scheduled').orderBy('started_at', 'desc').limit(1);
  const good = await runs.where('outcome', '=', 'ok').executeTakeFirst();
  if (good && now.getTime() - new Date(good.started_at).getTime() < intervalHours * 3_600_000) return false;
  const failed = await runs.where('outcome', '=', 'failed').executeTakeFirst();
  return !failed || now.getTime() - new Date(failed.started_at).getTime() >= RETRY_AFTER_MS;
}

const codeOf = (err: unknown): string => {
  if (err instanceof BackupFailed) return err.code;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,39}$/.test(code)) return code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `WRITE_${code.slice(1)}`.slice(0, 40);
  return 'BACKUP_FAILED';
};

async function insertRun(db: Db, row: Omit<RunRow, 'id'>): Promise<RunRow> {
  const { id } = await backupsDb(db).insertInto('backups_runs').values(row).returning('id').executeTakeFirstOrThrow();
  return { ...row, id: Number(id) };
}

interface RunInput {
  database: DatabaseHandle;
  db: Db;
  config: Config;
  dir: string;
  now: Date;
  origin: RunOrigin;
}

type Attempt = { run: RunRow; taken: TakenBackup; pruned: string[] } | { run: RunRow; error: unknown };

/**
 * Takes a backup and records the run. A good run is recorded as soon as its file is complete (on
 * PGlite after the dump, so the row is not inside that backup, only in the next one), with its
 * copy pending when BACKUP_COPY_COMMAND is set. Scheduled runs also prune past retention.
 */
async function takeAndRecord(input: RunInput): Promise<Attempt> {
  const { config, db, now, origin } = input;
  const folder = resolve(input.dir);
  const base = { started_at: now, origin, folder: folder.length <= 1000 ? folder : null, copied_at: null, copy_error_code: null, copy_attempts: 0, copy_tried_at: null };
  let taken: TakenBackup;
  let pruned: string[];
  try {
    taken = await takeBackup({ database: input.database, config, dir: folder, now });
    pruned = origin === 'scheduled' ? pruneBackups(folder, config.rights.backupRetentionDays, new Date()) : [];
  } catch (error) {
    // A folder refused before anything was written (custodian backup --to inside DATA_DIR) is no run.
    if (origin === 'by_hand' && error instanceof AppError) throw error;
    const run = await insertRun(db, { ...base, finished_at: new Date(), outcome: 'failed', file_name: null, bytes: null, sha256: null, error_code: codeOf(error), pruned: 0, copy_outcome: null });
    return { run, error };
  }
  const run = await insertRun(db, {
    ...base,
    finished_at: new Date(),
    outcome: 'ok',
    file_name: basename(taken.file),
    bytes: taken.bytes,
    sha256: taken.sha256,
    error_code: null,
    pruned: pruned.length,
    copy_outcome: config.backups.copyCommand ? 'pending' : null,
  });
  return { run, taken, pruned };
}

/** Runs BACKUP_COPY_COMMAND for a good run's file and records how it ended; a failed copy deletes nothing. */
async function copyAndRecord(db: Db, config: Config, run: RunRow, file: string, log: Logger | null): Promise<RunRow> {
  const command = config.backups.copyCommand;
  if (!command) return run;
  const triedAt = new Date();
  const result = await copyOffsite({ command, file, timeoutMs: config.backups.copyTimeoutMinutes * 60_000 });
  const outcome = result.ok ? { copy_outcome: 'copied' as const, copied_at: new Date(), copy_error_code: null } : { copy_outcome: 'failed' as const, copied_at: null, copy_error_code: result.code };
  const copy = { ...outcome, copy_attempts: run.copy_attempts + 1, copy_tried_at: triedAt };
  await backupsDb(db).updateTable('backups_runs').set(copy).where('id', '=', run.id).execute();
  if (result.ok) log?.info({ file: run.file_name }, 'backups: copied off the machine (BACKUP_COPY_COMMAND)');
  else log?.error({ file: run.file_name, copy_error_code: result.code }, 'backups: BACKUP_COPY_COMMAND failed; the backup stays in its folder');
  return { ...run, ...copy };
}

/** Copies the newest good backup again when its copy failed and its next try is due; the run as it ends, or null when nothing was tried. */
export async function retryFailedCopy(input: { db: Db; config: Config; log: Logger; now: Date }): Promise<RunRow | null> {
  const { config, db, log, now } = input;
  if (!config.backups.copyCommand) return null;
  const newest = await lastGoodRun(db);
  if (newest?.copy_outcome !== 'failed' || !newest.file_name || !newest.folder) return null;
  const due = nextCopyTry(newest.copy_attempts, new Date(newest.copy_tried_at ?? newest.finished_at));
  if (!due || due > now) return null;
  const file = join(newest.folder, newest.file_name);
  if (!existsSync(file)) return null;
  log.info({ file: newest.file_name, attempt: newest.copy_attempts + 1 }, 'backups: trying the failed copy off the machine again');
  return copyAndRecord(db, config, newest, file, log);
}

export async function scheduledBackup(input: { database: DatabaseHandle; db: Db; config: Config; log: Logger; now: Date }): Promise<RunRow | null> {
  const { config, db, log, now } = input;
  await retryFailedCopy(input);
  const dir = config.backups.dir;
  if (!dir) return null;
  if (!(await isDue(db, now, config.backups.intervalHours))) return null;
  const attempt = await takeAndRecord({ ...input, dir, origin: 'scheduled' });
  if ('error' in attempt) {
    log.error({ error_code: attempt.run.error_code, err: attempt.error }, 'backups: the scheduled backup failed');
    return attempt.run;
  }
  const { taken, pruned } = attempt;
  log.info({ file: attempt.run.file_name, bytes: taken.bytes, files: taken.files, pruned: pruned.length }, 'backups: backup written');
  return copyAndRecord(db, config, attempt.run, taken.file, log);
}

/**
 * `custodian backup`: the same backup, recorded as by hand (the CLI holds the database: on PGlite
 * the shop is stopped), then copied like a scheduled one. A failure is recorded, then thrown.
 */
export async function backupByHand(input: Omit<RunInput, 'origin'>): Promise<{ taken: TakenBackup; run: RunRow }> {
  const attempt = await takeAndRecord({ ...input, origin: 'by_hand' });
  if ('error' in attempt) throw attempt.error;
  return { taken: attempt.taken, run: await copyAndRecord(input.db, input.config, attempt.run, attempt.taken.file, null) };
}
