// `custodian jobs status|dead|retry`: what the background worker has queued, and the jobs that
// gave up after their last attempt, which staff can send back to the queue once the cause is fixed.
import { validationError } from '../../platform/errors.ts';
import { countJobsByState, listDeadJobs, retryDeadJob } from '../../platform/jobs/index.ts';
import type { CliCommand } from '../command.ts';
import { int, text } from '../flags.ts';
import { details, table } from '../output.ts';

export const jobsCommands: CliCommand[] = [
  {
    path: ['jobs', 'status'],
    summary: 'Count background jobs by state',
    async run(ctx) {
      const counts = await countJobsByState(ctx.db);
      return { data: counts, text: details(Object.entries(counts)) };
    },
  },
  {
    path: ['jobs', 'dead'],
    summary: 'List jobs that failed their last attempt',
    flags: {
      name: { type: 'string', value: '<job>', description: 'Only jobs of this name, e.g. comms.send' },
      limit: { type: 'string', value: '<n>', description: 'At most this many (1-1000, default 50)' },
    },
    fieldNames: { limit: '--limit', name: '--name' },
    async run(ctx, args) {
      const limit = int(args, 'limit');
      if (limit !== undefined && (limit < 1 || limit > 1000)) throw validationError('limit', 'must be between 1 and 1000');
      const name = text(args, 'name');
      const jobs = await listDeadJobs(ctx.db, { ...(limit !== undefined ? { limit } : {}), ...(name ? { name } : {}) });
      const out = table(jobs, [
        { label: 'ID', value: (j) => j.id },
        { label: 'JOB', value: (j) => j.name },
        { label: 'ATTEMPTS', value: (j) => `${j.attempts}/${j.maxAttempts}` },
        { label: 'GAVE UP', value: (j) => j.finishedAt?.toISOString() ?? null },
        { label: 'LAST ERROR', value: (j) => j.lastError },
      ]);
      return { data: jobs, text: out };
    },
  },
  {
    path: ['jobs', 'retry'],
    summary: 'Queue a dead job again with fresh attempts',
    positionals: ['<id>'],
    fieldNames: { id: '<id>' },
    async run(ctx, args) {
      const raw = args.positionals[0] ?? '';
      if (!/^\d{1,15}$/.test(raw)) throw validationError('id', 'must be a job id (a whole number)');
      await retryDeadJob(ctx.db, Number(raw));
      return { data: { id: Number(raw), state: 'queued' }, text: `Job ${raw} is queued again.` };
    },
  },
];
