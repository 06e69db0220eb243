// The security module: the built-in self-check (P000-17, P002-21; decision 0064). Checks in
// checks/, one file each; the CLI `custodian selfcheck`, the job security.selfcheck and the staff
// page /staff/security.
import type { Module } from '../platform/module.ts';
import { selfcheckCard } from './card.ts';
import { selfcheckJob } from './job.ts';
import { securityTemplates } from './mail.ts';
import { securityMigrations } from './migrations.ts';
import { securityRoutes } from './routes.ts';
import { SELFCHECK_JOB } from './run.ts';

export const securityModule: Module = {
  name: 'security',
  migrations: securityMigrations,
  routes: securityRoutes,
  jobs: { [SELFCHECK_JOB]: selfcheckJob },
  // Hourly; the job itself waits SELFCHECK_INTERVAL_HOURS between scheduled runs.
  schedules: [{ name: SELFCHECK_JOB, job: SELFCHECK_JOB, everySeconds: 3600 }],
  mailTemplates: securityTemplates,
  dashboardCards: [selfcheckCard],
};
