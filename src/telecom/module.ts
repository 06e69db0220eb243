// The telecom module: customers' service lines, usage records from the network kept as CPNI
// through the privacy kernel, monthly statements and their mail (decision 0057).
import type { Module } from '../platform/module.ts';
import { telecomHolder } from './holder.ts';
import { followSubscription } from './lines.ts';
import { statementReadyMail } from './mail.ts';
import { telecomMigrations } from './migrations.ts';
import { mailStatements, previousMonth, STATEMENT_JOB } from './notices.ts';
import { telecomRoutes } from './routes.ts';

export const telecomModule: Module = {
  name: 'telecom',
  migrations: telecomMigrations,
  routes: telecomRoutes,
  jobs: {
    [STATEMENT_JOB]: async (payload, ctx) => {
      const now = new Date();
      const month = typeof payload.month === 'string' && /^[0-9]{4}-(0[1-9]|1[0-2])$/.test(payload.month) ? payload.month : previousMonth(now);
      await mailStatements(ctx.db, month, now);
    },
  },
  schedules: [{ name: STATEMENT_JOB, job: STATEMENT_JOB, everySeconds: 86_400 }],
  mailTemplates: [statementReadyMail],
  // A line runs on its plan's subscription: suspended while unpaid, resumed when paid, closed when it ends.
  listeners: { subscriptionChanged: [followSubscription] },
  personalData: telecomHolder,
};
