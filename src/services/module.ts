// The services module: registering a monitoring service (P004-04), its contacts who receive
// reports and alerts and can leave by a link in every mail (P004-08), its device's events through
// an authenticated, rate-limited API, and the customer's timeline (decision 0056).
import type { Module } from '../platform/module.ts';
import { jobKernel } from '../privacy/index.ts';
import { servicesHolder } from './holder.ts';
import { alertMail, contactAddedMail, reportMail } from './mail.ts';
import { servicesMigrations } from './migrations.ts';
import { REPORT_JOB, sendReports } from './reports.ts';
import { servicesRoutes } from './routes.ts';

export const servicesModule: Module = {
  name: 'services',
  migrations: servicesMigrations,
  routes: servicesRoutes,
  jobs: {
    [REPORT_JOB]: async (_payload, ctx) => {
      const config = ctx.services.config;
      if (!config) throw new Error('NO_CONFIG: the services report job needs the settings (services.config)');
      await sendReports(jobKernel(ctx), ctx.db, config.publicUrl, new Date());
    },
  },
  schedules: [{ name: REPORT_JOB, job: REPORT_JOB, everySeconds: 86_400 }],
  mailTemplates: [contactAddedMail, alertMail, reportMail],
  personalData: servicesHolder,
};
