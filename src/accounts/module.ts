// The accounts module: who may sign in (customers now; staff and vendor users next), their
// sessions, the CSRF check on every form, lockout and intrusion signals. Personal data stays in
// the privacy kernel; this module holds ids, statuses and digests only.
import type { FastifyPluginAsync } from 'fastify';
import type { Module } from '../platform/module.ts';
import { commsMailerFor } from './comms-mailer.ts';
import { accountsMigrations } from './migrations.ts';
import { accountsPlugin, type AccountsPluginOptions, sessionCookie } from './plugin.ts';
import { customerApi } from './routes/customer-api.ts';
import { customerPages } from './routes/customer-pages.ts';
import { staffConsentRoutes } from './routes/staff-consents.ts';
import { staffDirectoryRoutes } from './routes/staff-directory.ts';
import { staffRoutes } from './routes/staff-routes.ts';
import { vendorRoutes } from './routes/vendor-routes.ts';
import { apiTokenRoutes } from './routes/api-token-routes.ts';
import { SWEEP_JOB, sweepAccounts } from './sweep.ts';
import { lockoutPolicy } from './throttle.ts';
import { jobKernel } from '../privacy/index.ts';
import { accountsHolder } from './holder.ts';
import { accountTemplates } from './mail-templates.ts';
import { networksRetention, securityEventsRetention } from './networks.ts';

/** The routes: the shared machinery at the root (its hook guards every module's forms), the pages and API encapsulated. */
export function accountsRoutes(options: AccountsPluginOptions): FastifyPluginAsync {
  const root: FastifyPluginAsync = async (app) => {
    await app.register(accountsPlugin(options));
    await app.register(async (scoped) => {
      await customerPages(scoped);
      await customerApi(scoped);
      await staffRoutes(scoped);
      await staffDirectoryRoutes(scoped);
      await staffConsentRoutes(scoped);
      await vendorRoutes(scoped);
      await apiTokenRoutes(scoped);
    });
  };
  (root as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return root;
}

export function makeAccountsModule(options: AccountsPluginOptions): Module {
  return {
    name: 'accounts',
    migrations: accountsMigrations,
    routes: accountsRoutes(options),
    jobs: {
      [SWEEP_JOB]: async (_payload, ctx) => {
        const lock = ctx.services.config?.loginLockout;
        await sweepAccounts(ctx.db, new Date(), jobKernel(ctx), lock ? lockoutPolicy(lock) : undefined);
      },
    },
    schedules: [{ name: SWEEP_JOB, job: SWEEP_JOB, everySeconds: 600 }],
    personalData: accountsHolder,
    retention: [networksRetention, securityEventsRetention],
    mailTemplates: accountTemplates,
    cookies: [sessionCookie],
  };
}

export const accountsModule: Module = makeAccountsModule({ mailer: (app) => commsMailerFor(app.privacy) });
