// The blind-index job (`privacy.blind-index`, hourly) and its part in restoring a backup. Each run:
//  1. deletes index rows of categories the data map no longer indexes (phones, bank accounts);
//  2. re-indexes every row not under the active key (rows under versions the keyring no longer
//     holds first: no lookup can find them) and destroys a retiring key once no row uses it;
//  3. when the active key is older than BLIND_INDEX_ROTATION_DAYS (by the kernel's clock) and no key
//     is retiring, rotates, then does 2 again, so one run takes the old key from active to gone.
// A database backup's digests can therefore be tested for at most that many days, plus one period
// and the re-index time, after it was taken (decision 0023). Safe with several workers: rotation
// is conditional on the active version under the keyring's lock, rows are locked with SKIP LOCKED,
// and a row written under an old version meanwhile, key destroyed or not, is picked up next run.
import type { Db } from '../platform/db/database.ts';
import type { JobContext } from '../platform/jobs/index.ts';
import { systemActor, type Actor } from './actors.ts';
import { appendAudit } from './audit/append.ts';
import type { KernelContext } from './context.ts';
import { jobKernel } from './job-services.ts';
import { anyToReindex, deleteUnindexedRows, reindexBlindIndexes, versionInUse } from './store/reindex.ts';

export const BLIND_INDEX_JOB = 'privacy.blind-index';
export const BLIND_INDEX_PERIOD_SECONDS = 3600;

/** Rows re-indexed synchronously at start after a restore; more are left to the job (decision 0023). */
export const START_REINDEX_LIMIT = 20_000;

const DAY_MS = 86_400_000;

export interface BlindIndexRun {
  /** The version made active by this run, if it rotated. */
  rotatedTo: number | null;
  activeVersion: number;
  /** Rows of categories without a blind index, deleted. */
  unindexedDeleted: number;
  reindexed: number;
  /** Rows deleted instead of re-indexed: erased or punctured subject, item gone or unreadable. */
  dropped: number;
  destroyed: number[];
  /** A version still retiring after the run (rows locked by another worker, or written meanwhile). */
  stillRetiring: number | null;
}

export async function maintainBlindIndexes(ctx: KernelContext, db: Db, options: { rotationDays: number; actor?: Actor; batch?: number }): Promise<BlindIndexRun> {
  const actor = options.actor ?? systemActor(BLIND_INDEX_JOB);
  const run: BlindIndexRun = { rotatedTo: null, activeVersion: 0, unindexedDeleted: 0, reindexed: 0, dropped: 0, destroyed: [], stillRetiring: null };
  run.unindexedDeleted = await deleteUnindexedRows(ctx, db);
  await settle(ctx, db, run, options.batch);
  const active = ctx.keyring.activeBlindIndexVersion();
  const retiring = ctx.keyring.blindIndexKeys().some((k) => k.state === 'retiring');
  if (!retiring && ctx.now().getTime() - active.createdAt.getTime() >= options.rotationDays * DAY_MS) {
    run.rotatedTo = await ctx.keyring.rotateBlindIndexKey(ctx.now(), active.version);
    if (run.rotatedTo !== null) await settle(ctx, db, run, options.batch);
  }
  run.activeVersion = ctx.keyring.activeBlindIndexVersion().version;
  run.stillRetiring = ctx.keyring.blindIndexKeys().find((k) => k.state === 'retiring')?.version ?? null;
  if (run.rotatedTo !== null || run.unindexedDeleted || run.reindexed || run.dropped || run.destroyed.length) await audit(ctx, db, actor, run);
  return run;
}

/** Re-indexes every row off the active key, then destroys the retiring key if no row uses it any more. */
async function settle(ctx: KernelContext, db: Db, run: BlindIndexRun, batch?: number): Promise<void> {
  for (const scope of ['not-held', 'not-active'] as const) {
    const done = await reindexBlindIndexes(ctx, db, { scope, ...(batch ? { batch } : {}) });
    run.reindexed += done.reindexed;
    run.dropped += done.dropped;
  }
  for (const key of ctx.keyring.blindIndexKeys().filter((k) => k.state === 'retiring')) {
    if (await versionInUse(db, key.version)) continue;
    if (await ctx.keyring.destroyBlindIndexKey(key.version)) run.destroyed.push(key.version);
  }
}

async function audit(ctx: KernelContext, db: Db, actor: Actor, run: BlindIndexRun): Promise<void> {
  // Counts and versions only: which people were re-indexed is not recorded, as no person's data was used for them.
  const detail = {
    key: 'blind-index',
    active_version: run.activeVersion,
    rotated: run.rotatedTo !== null,
    reindexed: run.reindexed,
    dropped: run.dropped,
    unindexed_deleted: run.unindexedDeleted,
    destroyed_versions: run.destroyed.map(String),
  };
  await appendAudit(db, [{ actor, action: 'key.rotate', outcome: 'ok', detail }], ctx.now());
}

/**
 * After a backup was restored (run by the kernel at start, after the erasures the backup predates
 * are finished): rows under versions the keyring has destroyed match no lookup, so the restored
 * shop's customers could not sign in. Up to START_REINDEX_LIMIT of them are re-indexed now; the
 * job takes any rest first thing on its next run. A start with nothing to do costs one probe.
 */
export async function reindexRestoredRows(ctx: KernelContext, db: Db, actor: Actor, limit = START_REINDEX_LIMIT): Promise<{ reindexed: number; dropped: number; complete: boolean }> {
  if (!(await anyToReindex(ctx, db, 'not-held'))) return { reindexed: 0, dropped: 0, complete: true };
  const done = await reindexBlindIndexes(ctx, db, { scope: 'not-held', limit });
  const run: BlindIndexRun = {
    rotatedTo: null,
    activeVersion: ctx.keyring.activeBlindIndexVersion().version,
    unindexedDeleted: 0,
    reindexed: done.reindexed,
    dropped: done.dropped,
    destroyed: [],
    stillRetiring: null,
  };
  if (done.reindexed || done.dropped) await audit(ctx, db, actor, run);
  const counts = { reindexed: done.reindexed, dropped: done.dropped };
  if (done.complete) ctx.log?.info(counts, 'privacy: re-indexed blind-index rows made under keys the keyring has destroyed (the database predates them)');
  else ctx.log?.warn(counts, `privacy: more blind-index rows under destroyed keys than start re-indexes; the ${BLIND_INDEX_JOB} job does the rest, until then those people cannot be found by email`);
  return done;
}

/** The job handler: settings from the process, the kernel's clock and keyring. */
export async function blindIndexJob(_payload: unknown, ctx: Pick<JobContext, 'db' | 'log' | 'services'>): Promise<void> {
  const config = ctx.services.config;
  if (!config) throw new Error(`NO_CONFIG: the ${BLIND_INDEX_JOB} job needs the settings (services.config) for BLIND_INDEX_ROTATION_DAYS`);
  const run = await jobKernel(ctx).maintainBlindIndexes(ctx.db, { actor: systemActor(BLIND_INDEX_JOB), rotationDays: config.rights.blindIndexRotationDays });
  const { stillRetiring, ...counts } = run;
  if (run.rotatedTo !== null || run.destroyed.length) ctx.log.info(counts, 'privacy: blind-index key rotated or destroyed');
  else if (run.reindexed || run.dropped || run.unindexedDeleted) ctx.log.info(counts, 'privacy: blind-index rows re-indexed or deleted');
  // A retiring key that outlives its run stretches the window a backup can be tested in; the next run retries.
  if (stillRetiring !== null) ctx.log.warn({ ...counts, stillRetiring }, 'privacy: a retiring blind-index key is still in use after the run; it is destroyed once no row uses it');
}
