// The comms module: the outbox table, the job that delivers queued mail, the daily purge of the
// .eml spool and the bounce webhook.
import type { Module } from '../platform/module.ts';
import { commsMigrations } from './migrations.ts';
import { SEND_JOB } from './outbox.ts';
import { sendQueuedMail } from './send.ts';
import { commsHolder } from './holder.ts';
import { commsRoutes } from './routes.ts';
import { PURGE_SPOOL_JOB, purgeSpool } from './spool-retention.ts';

export const commsModule: Module = {
  name: 'comms',
  migrations: commsMigrations,
  routes: commsRoutes,
  jobs: { [SEND_JOB]: (payload, ctx) => sendQueuedMail(payload, ctx), [PURGE_SPOOL_JOB]: purgeSpool },
  schedules: [{ name: PURGE_SPOOL_JOB, job: PURGE_SPOOL_JOB, everySeconds: 86_400 }],
  personalData: commsHolder,
};
