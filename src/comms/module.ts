// The comms module: the outbox table and the job that delivers queued mail.
import type { Module } from '../platform/module.ts';
import { commsMigrations } from './migrations.ts';
import { SEND_JOB } from './outbox.ts';
import { sendQueuedMail } from './send.ts';
import { commsHolder } from './holder.ts';
import { commsRoutes } from './routes.ts';

export const commsModule: Module = {
  name: 'comms',
  migrations: commsMigrations,
  routes: commsRoutes,
  jobs: { [SEND_JOB]: (payload, ctx) => sendQueuedMail(payload, ctx) },
  personalData: commsHolder,
};
