// The support module: the public support form, the account inbox, staff's answers by mail or
// phone, inbound mail, masking of card- and SSN-like numbers, and the retention of correspondence
// (decision 0058).
import type { Module } from '../platform/module.ts';
import { jobKernel } from '../privacy/index.ts';
import { supportHolder } from './holder.ts';
import { supportTemplates } from './mail.ts';
import { supportMigrations } from './migrations.ts';
import { supportRoutes } from './routes.ts';
import { SWEEP_JOB, sweepTickets } from './sweep.ts';

export const supportModule: Module = {
  name: 'support',
  migrations: supportMigrations,
  routes: supportRoutes,
  jobs: {
    [SWEEP_JOB]: async (_payload, ctx) => {
      await sweepTickets(jobKernel(ctx), ctx.db, new Date());
    },
  },
  schedules: [{ name: SWEEP_JOB, job: SWEEP_JOB, everySeconds: 86_400 }],
  mailTemplates: [...supportTemplates],
  personalData: supportHolder,
};
