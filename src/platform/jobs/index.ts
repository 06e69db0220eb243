// The public entry of the job queue: enqueue, the handler and schedule types, the worker, the
// dead-letter console's queries. Any other file here is internal (decision 0032).
export { countJobsByState, listDeadJobs, retryDeadJob } from './dead-letters.ts';
export { enqueue, writeWithJob, writeWithJobOnce } from './enqueue.ts';
export { jobErrorText } from './error-text.ts';
export { jobsModule } from './module.ts';
export { collectJobs } from './registry.ts';
export type { JobContext, JobHandlers, JobPayload, Schedule } from './types.ts';
export { Worker } from './worker.ts';
export { jobWiring } from './wiring.ts';
export { type ScheduleRun, scheduleRuns } from './overdue.ts';
