// The quotes module: quote requests from the public form, the sales team's cases with follow-ups
// and the quote document, and removal by the requester's link (P004-07, decision 0059).
import type { Module } from '../platform/module.ts';
import { FOLLOW_UP_JOB, remindFollowUps } from './follow-ups.ts';
import { quotesHolder } from './holder.ts';
import { followUpDueMail, quoteSentMail, requestReceivedMail } from './mail.ts';
import { quotesMigrations } from './migrations.ts';
import { quotesRoutes } from './routes.ts';

export const quotesModule: Module = {
  name: 'quotes',
  migrations: quotesMigrations,
  routes: quotesRoutes,
  jobs: {
    [FOLLOW_UP_JOB]: async (_payload, ctx) => {
      const config = ctx.services.config;
      if (!config) throw new Error('NO_CONFIG: quotes.follow-ups needs the settings (services.config)');
      await remindFollowUps(ctx.db, config.publicUrl, new Date());
    },
  },
  schedules: [{ name: FOLLOW_UP_JOB, job: FOLLOW_UP_JOB, everySeconds: 3600 }],
  mailTemplates: [requestReceivedMail, quoteSentMail, followUpDueMail],
  personalData: quotesHolder,
};
