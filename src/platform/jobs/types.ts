// The shape of background work. Jobs live in the `jobs` table; a handler gets the payload and a
// database handle, and either returns (done) or throws (retried with backoff, then dead).
import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';

export type JobPayload = Record<string, unknown>;

export interface JobContext {
  db: Db;
  log: Logger;
  jobId: number;
  attempt: number;
}

export type JobHandler = (payload: JobPayload, ctx: JobContext) => Promise<void>;
export type JobHandlers = Record<string, JobHandler>;

/** A recurring job, stored in the database so it survives restarts and runs once per period. */
export interface Schedule {
  /** Unique name of the schedule; the job it enqueues is named `job`. */
  name: string;
  job: string;
  everySeconds: number;
  payload?: JobPayload;
}

export interface EnqueueOptions {
  runAt?: Date;
  maxAttempts?: number;
  /** At most one queued-or-running job with this key exists at a time. */
  uniqueKey?: string;
}
