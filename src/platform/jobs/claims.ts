// Every state change of a job a worker makes, one statement each. A claim is named by the job id,
// the worker id and the attempt number together, so a worker whose lease expired (and whose job
// another worker reclaimed) cannot mark that job done or failed any more.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { ClaimedJob } from './types.ts';

export const LEASE_EXPIRED_TEXT = 'LEASE_EXPIRED: the worker running this job stopped renewing its lease (it crashed or was killed)';

/**
 * Claims up to `limit` due jobs for `workerId`. SKIP LOCKED makes concurrent claimers take
 * disjoint rows without waiting for each other; a row another claimer has just taken and
 * committed fails the re-check of `state = 'queued'` and is left out.
 */
export async function claimJobs(db: Db, workerId: string, limit: number, leaseSeconds: number): Promise<ClaimedJob[]> {
  const result = await sql<ClaimedJob>`
    update jobs
    set state = 'running',
        attempts = attempts + 1,
        locked_by = ${workerId},
        locked_until = now() + make_interval(secs => ${leaseSeconds})
    where id in (
      select id from jobs
      where state = 'queued' and run_at <= now()
      order by run_at, id
      limit ${limit}
      for update skip locked
    )
    returning id, name, payload, attempts, max_attempts as "maxAttempts"
  `.execute(db);
  return result.rows.sort((a, b) => a.id - b.id);
}

function ownClaim(workerId: string, job: ClaimedJob) {
  return sql`id = ${job.id} and state = 'running' and locked_by = ${workerId} and attempts = ${job.attempts}`;
}

/** Marks the job done; false when this worker no longer holds the claim. */
export async function completeJob(db: Db, workerId: string, job: ClaimedJob): Promise<boolean> {
  const result = await sql`
    update jobs
    set state = 'done', finished_at = now(), locked_by = null, locked_until = null
    where ${ownClaim(workerId, job)}
    returning id
  `.execute(db);
  return result.rows.length === 1;
}

/** Puts a failed job back in the queue to run after `retryInMs`, or, with `null`, makes it dead. */
export async function failJob(db: Db, workerId: string, job: ClaimedJob, errorText: string, retryInMs: number | null): Promise<boolean> {
  const result =
    retryInMs === null
      ? await sql`
          update jobs
          set state = 'dead', finished_at = now(), locked_by = null, locked_until = null, last_error = ${errorText}
          where ${ownClaim(workerId, job)}
          returning id
        `.execute(db)
      : await sql`
          update jobs
          set state = 'queued', locked_by = null, locked_until = null, last_error = ${errorText},
              run_at = now() + make_interval(secs => ${retryInMs / 1000})
          where ${ownClaim(workerId, job)}
          returning id
        `.execute(db);
  return result.rows.length === 1;
}

/**
 * Hands a claimed job back to the queue at once. `uncount` when it never started (claimed while
 * the worker was stopping), so the claim does not use up one of its attempts.
 */
export async function releaseJob(db: Db, workerId: string, job: ClaimedJob, uncount: boolean, reason: string): Promise<boolean> {
  const result = await sql`
    update jobs
    set state = 'queued', locked_by = null, locked_until = null, run_at = now(),
        attempts = attempts - ${uncount ? 1 : 0},
        last_error = ${uncount ? sql`last_error` : sql`${reason}`}
    where ${ownClaim(workerId, job)}
    returning id
  `.execute(db);
  return result.rows.length === 1;
}

/** Extends the lease of every job this worker is running; the worker calls it well before expiry. */
export async function renewLeases(db: Db, workerId: string, leaseSeconds: number): Promise<number> {
  const result = await sql`
    update jobs set locked_until = now() + make_interval(secs => ${leaseSeconds})
    where state = 'running' and locked_by = ${workerId}
    returning id
  `.execute(db);
  return result.rows.length;
}

/**
 * Running jobs whose lease ran out belong to a worker that is gone: they go back to the queue, or
 * to dead when that attempt was their last (a job that kills its worker every time must stop).
 */
export async function recoverExpiredLeases(db: Db): Promise<{ id: number; name: string; state: 'queued' | 'dead' }[]> {
  const result = await sql<{ id: number; name: string; state: 'queued' | 'dead' }>`
    update jobs
    set state = case when attempts >= max_attempts then 'dead' else 'queued' end,
        finished_at = case when attempts >= max_attempts then now() else null end,
        run_at = now(),
        locked_by = null,
        locked_until = null,
        last_error = ${LEASE_EXPIRED_TEXT}
    where id in (
      select id from jobs
      where state = 'running' and locked_until < now()
      order by locked_until
      limit 100
      for update skip locked
    )
    returning id, name, state
  `.execute(db);
  return result.rows;
}
