// The worker: claims due jobs, runs their handlers, and records the outcome. Everything a job is
// (queued, running and whose, attempts, when to retry, dead) lives in the jobs table; this
// process keeps only the list of handlers it is running right now. Its timers only wake it: to
// poll for due jobs and schedules, and to renew the leases of the jobs it is running.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { DatabaseHandle } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_BACKOFF, retryDelayMs, type Backoff } from './backoff.ts';
import { claimJobs, completeJob, failJob, recoverExpiredLeases, releaseJob, renewLeases } from './claims.ts';
import { JOBS_WAKE_CHANNEL } from './enqueue.ts';
import { jobErrorText } from './error-text.ts';
import { enqueueDueSchedules, syncSchedules } from './schedules.ts';
import type { ClaimedJob, JobHandlers, JobServices, Schedule } from './types.ts';

export interface WorkerOptions {
  database: Pick<DatabaseHandle, 'db' | 'listen'>;
  handlers: JobHandlers;
  schedules?: readonly Schedule[];
  /** Started services handed to every handler (the settings, the privacy kernel). */
  services?: JobServices;
  logger: Logger;
  /** Jobs run at once (config.workerConcurrency). */
  concurrency: number;
  /** How often an idle worker looks for due jobs and schedules (config.workerPollMs). */
  pollMs: number;
  /** How long a claim holds without renewal; a crashed worker's jobs are rerun after this. */
  leaseSeconds?: number;
  backoff?: Backoff;
  /** Names this worker in jobs.locked_by; unique per Worker instance by default. */
  id?: string;
}

const DEFAULT_LEASE_SECONDS = 60;
const STOPPED_TEXT = 'WORKER_STOPPED: the worker shut down before the job finished; it runs again';

type Phase = 'new' | 'running' | 'stopping' | 'stopped';

export class Worker {
  readonly id: string;
  readonly #options: WorkerOptions;
  readonly #log: Logger;
  readonly #leaseSeconds: number;
  /** The claims this process is executing now (a claim is one attempt of one job). */
  readonly #running = new Map<ClaimedJob, Promise<void>>();
  #phase: Phase = 'new';
  #pollTimer: NodeJS.Timeout | null = null;
  #leaseTimer: NodeJS.Timeout | null = null;
  #unlisten: (() => Promise<void>) | null = null;
  #tick: Promise<void> | null = null;
  #tickAgain = false;
  #lastHousekeeping = 0;
  #stopped: Promise<void> | null = null;

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.id = options.id ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
    this.#log = options.logger.child({ component: 'worker', worker: this.id });
    this.#leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new Error('concurrency must be at least 1');
  }

  /** Jobs this worker is running now. */
  get busy(): number {
    return this.#running.size;
  }

  async start(): Promise<void> {
    if (this.#phase !== 'new') throw new Error('A worker starts once');
    const { database, schedules = [] } = this.#options;
    await syncSchedules(database.db, schedules);
    this.#unlisten = await database.listen(JOBS_WAKE_CHANNEL, () => this.wake());
    this.#phase = 'running';
    this.#leaseTimer = setInterval(() => void this.#renewLeases(), (this.#leaseSeconds * 1000) / 3);
    this.#leaseTimer.unref();
    this.#log.info({ concurrency: this.#options.concurrency, handlers: Object.keys(this.#options.handlers).length }, 'worker started');
    this.wake();
  }

  /** Looks for due jobs now (enqueue's NOTIFY calls this; so does every finished job). */
  wake(): void {
    if (this.#phase !== 'running') return;
    if (this.#tick) {
      this.#tickAgain = true;
      return;
    }
    this.#tick = this.#claimLoop().finally(() => {
      this.#tick = null;
      this.#armPoll();
    });
  }

  async #claimLoop(): Promise<void> {
    const { database, concurrency, pollMs } = this.#options;
    do {
      this.#tickAgain = false;
      try {
        if (Date.now() - this.#lastHousekeeping >= pollMs) {
          this.#lastHousekeeping = Date.now();
          await this.#housekeeping();
        }
        const free = concurrency - this.#running.size;
        if (free <= 0) return;
        const claimed = await claimJobs(database.db, this.id, free, this.#leaseSeconds);
        if (this.#phase !== 'running') {
          // stop() began while we claimed: hand these back without counting an attempt.
          for (const job of claimed) await releaseJob(database.db, this.id, job, true, STOPPED_TEXT);
          return;
        }
        for (const job of claimed) this.#begin(job);
      } catch (err) {
        this.#log.error({ err }, 'worker could not claim jobs; trying again at the next poll');
        return;
      }
    } while (this.#tickAgain && this.#phase === 'running');
  }

  async #housekeeping(): Promise<void> {
    const { database, handlers, schedules = [] } = this.#options;
    for (const job of await recoverExpiredLeases(database.db)) {
      this.#log.warn({ jobId: job.id, job: job.name, state: job.state }, 'job lease expired; its worker is gone');
    }
    const ours = schedules.filter((s) => Object.hasOwn(handlers, s.job)).map((s) => s.name);
    for (const run of await enqueueDueSchedules(database.db, ours)) {
      this.#log.debug({ schedule: run.schedule, jobId: run.jobId }, run.jobId ? 'scheduled job enqueued' : 'previous run still pending');
    }
  }

  #armPoll(): void {
    if (this.#pollTimer) clearTimeout(this.#pollTimer);
    this.#pollTimer = this.#phase === 'running' ? setTimeout(() => this.wake(), this.#options.pollMs) : null;
  }

  #begin(job: ClaimedJob): void {
    const done = this.#execute(job).finally(() => {
      this.#running.delete(job);
      this.wake();
    });
    this.#running.set(job, done);
  }

  async #execute(job: ClaimedJob): Promise<void> {
    const { db } = this.#options.database;
    const log = this.#log.child({ jobId: job.id, job: job.name, attempt: job.attempts });
    try {
      const handler = Object.hasOwn(this.#options.handlers, job.name) ? this.#options.handlers[job.name] : undefined;
      if (!handler) {
        const text = `UNKNOWN_JOB: no handler named "${job.name}" is registered in this worker`;
        await failJob(db, this.id, job, text, null);
        log.error('job has no handler; it is dead');
        return;
      }
      let failure: unknown = null;
      let failed = false;
      try {
        await handler(job.payload, { db, log, jobId: job.id, attempt: job.attempts, services: this.#options.services ?? {} });
      } catch (err) {
        failed = true;
        failure = err;
      }
      if (!failed) {
        if (!(await completeJob(db, this.id, job))) log.warn('job finished after its claim was lost; it may run again');
        return;
      }
      const text = jobErrorText(failure);
      const last = job.attempts >= job.maxAttempts;
      const retryIn = last ? null : retryDelayMs(job.attempts, this.#options.backoff ?? DEFAULT_BACKOFF);
      await failJob(db, this.id, job, text, retryIn);
      if (last) log.error({ error: text }, 'job failed on its last attempt; it is dead');
      else log.warn({ error: text, retryInMs: retryIn }, 'job failed; it will be retried');
    } catch (err) {
      // The database is unreachable: the claim stays, its lease runs out, and the job reruns.
      log.error({ err }, 'could not record the outcome of a job');
    }
  }

  async #renewLeases(): Promise<void> {
    if (this.#running.size === 0) return;
    try {
      await renewLeases(this.#options.database.db, this.id, this.#leaseSeconds);
    } catch (err) {
      this.#log.error({ err }, 'could not renew job leases');
    }
  }

  /**
   * Stops claiming, waits up to `graceMs` for running jobs, then hands the unfinished ones back to
   * the queue (they run again, here or in another worker). Call before closing the database.
   */
  stop(graceMs: number): Promise<void> {
    this.#stopped ??= this.#stop(graceMs);
    return this.#stopped;
  }

  async #stop(graceMs: number): Promise<void> {
    const wasRunning = this.#phase === 'running';
    this.#phase = 'stopping';
    if (this.#pollTimer) clearTimeout(this.#pollTimer);
    if (this.#leaseTimer) clearInterval(this.#leaseTimer);
    if (!wasRunning) {
      this.#phase = 'stopped';
      return;
    }
    await this.#unlisten?.().catch(() => {});
    await this.#tick;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const allDone = Promise.allSettled(this.#running.values()).then(() => 'done' as const);
    const outcome = await Promise.race([allDone, graceOver]);
    clearTimeout(timer);
    if (outcome === 'timeout') await this.#abandonRunning();
    this.#phase = 'stopped';
    this.#log.info('worker stopped');
  }

  async #abandonRunning(): Promise<void> {
    const unfinished = [...this.#running.keys()];
    this.#log.warn({ jobIds: unfinished.map((j) => j.id) }, 'grace period over; handing unfinished jobs back to the queue');
    for (const job of unfinished) {
      await releaseJob(this.#options.database.db, this.id, job, false, STOPPED_TEXT).catch((err: unknown) =>
        this.#log.error({ err, jobId: job.id }, 'could not hand a job back; it reruns when its lease expires'),
      );
    }
  }
}
