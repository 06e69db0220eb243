// What staff can do about jobs that gave up: list them and send one back to the queue.
// Plain functions taking `db`; the CLI (and later the staff console) wires them up.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { conflict, notFound } from '../errors.ts';
import { wakeWorkers } from './enqueue.ts';
import type { DeadJob, JobState } from './types.ts';

export async function listDeadJobs(db: Db, options: { limit?: number; name?: string } = {}): Promise<DeadJob[]> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000);
  const result = await sql<DeadJob>`
    select id, name, attempts, max_attempts as "maxAttempts", last_error as "lastError",
           created_at as "createdAt", finished_at as "finishedAt"
    from jobs
    where state = 'dead' ${options.name ? sql`and name = ${options.name}` : sql``}
    order by finished_at desc nulls last, id desc
    limit ${limit}
  `.execute(db);
  return result.rows;
}

/**
 * Queues a dead job again with a fresh set of attempts (its last error stays until it runs).
 * Throws NOT_FOUND when there is no dead job with that id, CONFLICT when a job with the same
 * unique key is already queued or running.
 */
export async function retryDeadJob(db: Db, id: number): Promise<void> {
  let updated;
  try {
    updated = await sql`
      update jobs
      set state = 'queued', attempts = 0, run_at = now(), finished_at = null
      where id = ${id} and state = 'dead'
      returning id
    `.execute(db);
  } catch (err) {
    if ((err as { code?: unknown }).code === '23505') {
      throw conflict(`Job ${id} cannot be retried: a job with the same unique key is already queued or running.`);
    }
    throw err;
  }
  if (updated.rows.length === 0) throw notFound(`Dead job ${id}`);
  await wakeWorkers(db);
}

/** How many jobs are in each state (for status output and monitoring). */
export async function countJobsByState(db: Db): Promise<Record<JobState, number>> {
  const result = await sql<{ state: JobState; n: number }>`
    select state, count(*)::int as n from jobs group by state
  `.execute(db);
  const counts: Record<JobState, number> = { queued: 0, running: 0, done: 0, dead: 0 };
  for (const row of result.rows) counts[row.state] = row.n;
  return counts;
}
