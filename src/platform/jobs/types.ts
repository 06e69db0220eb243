// The shape of background work. Jobs live in the `jobs` table; a handler gets the payload and a
// database handle, and either returns (done) or throws (retried with backoff, then dead).
// Handlers run at least once: a worker that dies mid-job leaves the job to be run again, so every
// handler must be idempotent (safe to run twice for the same payload).
import type { Config } from '../config.ts';
import type { DatabaseHandle, Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { Wiring } from '../module.ts';

export type JobPayload = Record<string, unknown>;

/**
 * What the process started once and lends to every handler, beside the database: the settings,
 * and what modules add by declaration merging (the privacy kernel adds `privacy`, see
 * src/privacy/job-services.ts). Fields are optional because a worker in a test may run handlers
 * that need none of them; a handler that needs one it was not given fails with a clear error.
 */
export interface JobServices {
  config?: Config;
  /** What the composition root collected from the modules' declarations: listeners, mail templates (src/platform/module.ts). */
  wiring?: Wiring;
  /** The database handle itself (the scheduled backup dumps an embedded database through it). */
  database?: DatabaseHandle;
}

export interface JobContext {
  db: Db;
  log: Logger;
  jobId: number;
  attempt: number;
  services: JobServices;
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

/** queued → running → done; or running → queued (retry) … → dead (attempts used up, or unknown name). */
export type JobState = 'queued' | 'running' | 'done' | 'dead';

/** A job as one worker claimed it: `attempts` counts this attempt, and with `id` names the claim. */
export interface ClaimedJob {
  id: number;
  name: string;
  payload: JobPayload;
  attempts: number;
  maxAttempts: number;
}

/** What staff see of a dead job (the error text was scrubbed of personal data when stored). */
export interface DeadJob {
  id: number;
  name: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}
