// Adding a job. `enqueue` takes whatever `db` the caller holds, so inside a transaction the
// business write and its job commit (or roll back) together. It also sends a NOTIFY on the jobs
// channel: delivered on commit, it wakes idle workers in this and every other process at once,
// so they do not wait for their next poll. A rolled-back enqueue wakes nobody.
import { type Compilable, type OperationNodeSource, sql } from 'kysely';
import { compiledOnce } from '../db/compiled-once.ts';
import type { Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import type { EnqueueOptions, JobPayload } from './types.ts';

export const JOBS_WAKE_CHANNEL = 'custodian_jobs';
export const DEFAULT_MAX_ATTEMPTS = 10;

const JOB_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function assertJobName(name: string, what = 'Job name'): void {
  if (name.length > 200 || !JOB_NAME.test(name)) {
    throw new Error(`${what} "${name}" must be 1-200 lowercase letters, digits and . _ - (e.g. "mail.send")`);
  }
}

function checkOptions(options: EnqueueOptions): void {
  const { maxAttempts, uniqueKey, runAt } = options;
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100)) {
    throw new Error(`maxAttempts must be a whole number from 1 to 100 (got ${maxAttempts})`);
  }
  if (uniqueKey !== undefined && (uniqueKey.length === 0 || uniqueKey.length > 200)) {
    throw new Error('uniqueKey must be 1-200 characters');
  }
  if (runAt !== undefined && Number.isNaN(runAt.getTime())) throw new Error('runAt is not a valid date');
}

function checkPayload(payload: JobPayload): void {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new Error('A job payload must be a plain object');
  }
}

/** The statement of `writeWithJob`: `write`, then its job when it returned a row. */
function withJob<R>(write: OperationNodeSource & Compilable<R>, name: string, payloadJson: unknown, job: { runAt: unknown; maxAttempts: unknown; uniqueKey: unknown }) {
  // Every CTE runs whether read or not; reading `added` keeps the NOTIFY in plain sight.
  return sql<R>`${prepared}
    with w as (${write}),
    added as (
      insert into jobs (name, payload, run_at, max_attempts, unique_key)
      select
        ${name},
        ${payloadJson}::jsonb,
        coalesce(${job.runAt}::timestamptz, now()),
        ${job.maxAttempts},
        ${job.uniqueKey}
      where exists (select 1 from w)
      on conflict (unique_key) where state in ('queued', 'running') do nothing
      returning id, pg_notify(${JOBS_WAKE_CHANNEL}, '')
    )
    select w.* from w, (select count(*) from added) as j
  `;
}

/**
 * Runs `write` (the caller's `insert … returning`) and, when it returned a row, adds the job in the
 * same statement: a business row and its job in one round trip. Returns the rows of `write`.
 */
export async function writeWithJob<R>(db: Db, write: OperationNodeSource & Compilable<R>, name: string, payload: JobPayload, options: EnqueueOptions = {}): Promise<R[]> {
  assertJobName(name);
  checkOptions(options);
  checkPayload(payload);
  const job = { runAt: options.runAt ?? null, maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, uniqueKey: options.uniqueKey ?? null };
  return (await withJob(write, name, JSON.stringify(payload), job).execute(db)).rows;
}

/**
 * `writeWithJob` for a write of a fixed shape run again and again, built once (compiled-once.ts):
 * `write(db, p)` names its values through `p`; each call gives them, the job's payload and its
 * unique key (checked on every call, as `writeWithJob` checks them).
 */
export function writeWithJobOnce<P extends Record<string, unknown>, R>(
  names: readonly (keyof P & string)[],
  write: (db: Db, p: P) => OperationNodeSource & Compilable<R>,
  name: string,
  options: { maxAttempts?: number } = {},
): (db: Db, p: P, payload: JobPayload, uniqueKey: string) => Promise<R[]> {
  assertJobName(name);
  checkOptions(options);
  type Q = P & { payloadJson: string; uniqueKey: string };
  const statement = compiledOnce<Q, R>([...names, 'payloadJson', 'uniqueKey'] as (keyof Q & string)[], (db, p) =>
    withJob(write(db, p), name, p.payloadJson, { runAt: null, maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, uniqueKey: p.uniqueKey }),
  );
  return async (db, p, payload, uniqueKey) => {
    checkOptions({ uniqueKey });
    checkPayload(payload);
    return (await db.executeQuery(statement(db, { ...p, payloadJson: JSON.stringify(payload), uniqueKey }))).rows;
  };
}

/**
 * Adds a job; returns its id, or `null` when `uniqueKey` is given and a job with that key is
 * already queued or running (then nothing is added).
 */
export async function enqueue(db: Db, name: string, payload: JobPayload = {}, options: EnqueueOptions = {}): Promise<number | null> {
  assertJobName(name);
  checkOptions(options);
  checkPayload(payload);
  const result = await sql<{ id: number }>`
    with added as (
      insert into jobs (name, payload, run_at, max_attempts, unique_key)
      values (
        ${name},
        ${JSON.stringify(payload)}::jsonb,
        coalesce(${options.runAt ?? null}::timestamptz, now()),
        ${options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS},
        ${options.uniqueKey ?? null}
      )
      on conflict (unique_key) where state in ('queued', 'running') do nothing
      returning id
    )
    select id, pg_notify(${JOBS_WAKE_CHANNEL}, '') from added
  `.execute(db);
  return result.rows[0]?.id ?? null;
}

/** Wakes every listening worker (delivered when the surrounding transaction commits). */
export async function wakeWorkers(db: Db): Promise<void> {
  await sql`select pg_notify(${JOBS_WAKE_CHANNEL}, '')`.execute(db);
}
