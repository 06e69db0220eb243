// Helpers for the job queue's own tests: a quiet worker on a test database, waiting for a
// condition, and reading a job row as it is stored.
import { sql } from 'kysely';
import type { Db, DatabaseHandle } from '../../db/database.ts';
import { createLogger, type Logger } from '../../logger.ts';
import type { JobHandlers, JobState, Schedule } from '../types.ts';
import { Worker, type WorkerOptions } from '../worker.ts';

export const quietLogger: Logger = createLogger('silent');

export function testWorker(database: DatabaseHandle, handlers: JobHandlers, options: Partial<Omit<WorkerOptions, 'database' | 'handlers'>> & { schedules?: Schedule[] } = {}): Worker {
  return new Worker({ database, handlers, logger: quietLogger, concurrency: 4, pollMs: 50, ...options });
}

/** Polls `check` until it returns a truthy value (which is returned) or `timeoutMs` passes. */
export async function waitFor<T>(what: string, check: () => Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface StoredJob {
  id: number;
  name: string;
  payload: Record<string, unknown>;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
  unique_key: string | null;
  finished_at: Date | null;
}

export async function getJob(db: Db, id: number): Promise<StoredJob> {
  const row = (await sql<StoredJob>`select * from jobs where id = ${id}`.execute(db)).rows[0];
  if (!row) throw new Error(`No job ${id}`);
  return row;
}

export async function jobInState(db: Db, id: number, state: JobState): Promise<StoredJob | null> {
  const job = await getJob(db, id);
  return job.state === state ? job : null;
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
