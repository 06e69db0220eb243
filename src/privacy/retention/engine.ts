// The retention engine (decision 0065): one job, `privacy.sweep`, purges everything whose time is
// up: the kernel's own items (past their `retain_until`, set from the data map when written, and
// those of erased people) and every store the modules declare (stores.ts), whose period it reads
// from the data map: the one source of truth, so no module keeps a number of days of its own.
// Every batch is its own short transaction of at most `batch` rows (a store's purge locks only
// the rows it changes, never a table), so checkout is never held up behind a purge. Each run is
// a row of privacy_retention_runs (per store: rows purged or anonymised, batches, failure) and one
// `data.purge` audit entry with the counts only.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { systemActor } from '../actors.ts';
import { appendAudit } from '../audit/append.ts';
import type { PrivacyKernel } from '../kernel.ts';
import type { NamedRetentionStore } from './stores.ts';

export const RETENTION_JOB = 'privacy.sweep';
/** Rows per batch (one transaction each). */
export const RETENTION_BATCH = 1000;
const DAY_MS = 86_400_000;

/** A store gets at most this many batches a run (a purge that never runs dry cannot hold the job); the next run goes on. */
export const MAX_BATCHES = 5000;
/** Runs are kept this long (they hold counts, no personal data). */
const RUNS_KEPT_DAYS = 90;

/** The kernel's own store, shown beside the modules' on the staff page. */
export const KERNEL_ITEMS = 'privacy.items';

export interface StoreOutcome {
  store: string;
  action: 'purge' | 'anonymise';
  rows: number;
  batches: number;
  /** The cutoff used (ISO), or null for the kernel's items (each has its own time). */
  cutoff: string | null;
  failed?: boolean;
}

export interface RetentionRun {
  id: number;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: 'running' | 'ok' | 'failed';
  stores: StoreOutcome[];
}

export interface RetentionInput {
  db: Db;
  kernel: PrivacyKernel;
  stores: readonly NamedRetentionStore[];
  /** The clock retention is counted on. */
  now: Date;
  batch?: number;
}

/**
 * Between two batches: lets the process's other work run. On PGlite a query's promise settles
 * without the event loop turning, so a sweep that only awaits queries would hold every HTTP request
 * and timer until it ends; on PostgreSQL it costs nothing.
 */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Deletes, in batches, the items of erased subjects and items past their `retain_until`. */
export async function purgeKernelItems(db: Db, now: Date, batch: number): Promise<{ erased: number; expired: number; batches: number }> {
  let erased = 0;
  let expired = 0;
  let batches = 0;
  for (;;) {
    const r = await sql`delete from privacy_items where id in (
      select i.id from privacy_subjects s join privacy_items i on i.subject_id = s.id where s.status = 'erased' limit ${batch})`.execute(db);
    const n = Number(r.numAffectedRows ?? 0);
    erased += n;
    batches++;
    if (n < batch) break;
    await breathe();
  }
  for (;;) {
    const r = await sql`delete from privacy_items where id in (select id from privacy_items where retain_until < ${now} limit ${batch})`.execute(db);
    const n = Number(r.numAffectedRows ?? 0);
    expired += n;
    batches++;
    if (n < batch) break;
    await breathe();
  }
  return { erased, expired, batches };
}

/** The period of a store from the data map, and the cutoff it gives at `now`. */
export function storePeriod(kernel: Pick<PrivacyKernel, 'retention'>, store: Pick<NamedRetentionStore, 'category' | 'purpose'>, now: Date): { days: number; reason: string; cutoff: Date } {
  const period = kernel.retention(store.category, store.purpose);
  return { ...period, cutoff: new Date(now.getTime() - period.days * DAY_MS) };
}

/** One run of the engine over the kernel's items and every declared store; recorded and audited. */
export async function runRetention(input: RetentionInput): Promise<RetentionRun> {
  const { db, kernel, stores, now } = input;
  const batch = input.batch ?? RETENTION_BATCH;
  const startedAt = new Date();
  // A run that never finished (its process died) is marked as failed; old runs are dropped.
  await sql`update privacy_retention_runs set outcome = 'failed' where outcome = 'running' and started_at < ${new Date(startedAt.getTime() - 3_600_000)}`.execute(db);
  await sql`delete from privacy_retention_runs where started_at < ${new Date(startedAt.getTime() - RUNS_KEPT_DAYS * DAY_MS)}`.execute(db);
  const { rows } = await sql<{ id: string }>`insert into privacy_retention_runs (started_at) values (${startedAt}) returning id::text`.execute(db);
  const id = Number(rows[0]!.id);
  const outcomes: StoreOutcome[] = [];
  let failure: unknown = null;

  for (const store of stores) {
    const outcome: StoreOutcome = { store: store.name, action: store.action, rows: 0, batches: 0, cutoff: null };
    outcomes.push(outcome);
    try {
      const { cutoff } = storePeriod(kernel, store, now);
      outcome.cutoff = cutoff.toISOString();
      for (;;) {
        const n = await db.transaction().execute((trx) => store.purge({ db: trx, kernel, now }, cutoff, batch));
        outcome.rows += n;
        outcome.batches++;
        if (n < batch || outcome.batches >= MAX_BATCHES) break;
        await breathe();
      }
    } catch (err) {
      // One store failing does not keep the others' data past its time; the run says so, and the
      // job fails after recording it, so the runner retries and staff see it.
      failure ??= err;
      outcome.failed = true;
    }
  }

  // The kernel's items last: what the stores' erasures left (an erased correspondent's messages)
  // goes in the same run.
  let itemCounts = { erased: 0, expired: 0 };
  try {
    const items = await purgeKernelItems(db, now, batch);
    itemCounts = items;
    outcomes.push({ store: KERNEL_ITEMS, action: 'purge', rows: items.erased + items.expired, batches: items.batches, cutoff: null });
  } catch (err) {
    failure ??= err;
    outcomes.push({ store: KERNEL_ITEMS, action: 'purge', rows: 0, batches: 0, cutoff: null, failed: true });
  }

  const outcome = failure ? 'failed' : 'ok';
  await sql`update privacy_retention_runs set finished_at = ${new Date()}, outcome = ${outcome}, stores = ${JSON.stringify(outcomes)}::jsonb where id = ${id}`.execute(db);
  const counts: Record<string, number> = { run: id };
  for (const o of outcomes) if (o.rows) counts[o.store] = o.rows;
  if (Object.keys(counts).length > 1 || failure) {
    // The kernel's items split as the promise report's evidence counts them (src/privacy/evidence.ts).
    counts.erased_items = itemCounts.erased;
    counts.expired_items = itemCounts.expired;
    await appendAudit(db, [{ actor: systemActor(RETENTION_JOB), action: 'data.purge', outcome: 'ok', detail: { ...counts, failed: outcomes.filter((o) => o.failed).map((o) => o.store) } }], now);
  }
  if (failure) throw failure;
  return { id, startedAt, finishedAt: new Date(), outcome, stores: outcomes };
}

/** The latest runs, newest first. */
export async function retentionRuns(db: Db, limit = 20): Promise<RetentionRun[]> {
  const { rows } = await sql<{ id: string; started_at: Date; finished_at: Date | null; outcome: RetentionRun['outcome']; stores: StoreOutcome[] | string }>`
    select id::text, started_at, finished_at, outcome, stores from privacy_retention_runs order by id desc limit ${limit}`.execute(db);
  return rows.map((r) => ({
    id: Number(r.id),
    startedAt: new Date(r.started_at),
    finishedAt: r.finished_at ? new Date(r.finished_at) : null,
    outcome: r.outcome,
    stores: typeof r.stores === 'string' ? (JSON.parse(r.stores) as StoreOutcome[]) : r.stores,
  }));
}
