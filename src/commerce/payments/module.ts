// The payments module: payment attempts and refunds, the processor adapters (sandbox, Stripe),
// the webhook route and the job that asks the processor about payments left open.
import { jobWiring } from '../../platform/jobs/index.ts';
import { jobKernel } from '../../privacy/index.ts';
import type { Module } from '../../platform/module.ts';
import { paymentsMigrations } from './migrations.ts';
import { processorsFromConfig } from './processors.ts';
import { RECONCILE_JOB, reconcileOpenPayments } from './reconcile.ts';
import { paymentsRoutes, type PaymentsPluginOptions } from './routes.ts';
import { paymentsHolder } from './holder.ts';

export function makePaymentsModule(options: PaymentsPluginOptions = {}): Module {
  return {
    name: 'payments',
    migrations: paymentsMigrations,
    routes: paymentsRoutes(options),
    jobs: {
      [RECONCILE_JOB]: async (_payload, ctx) => {
        const config = ctx.services.config;
        if (!config) throw new Error('NO_CONFIG: the payments reconcile job needs the settings (services.config)');
        const deps = { kernel: jobKernel(ctx), processors: processorsFromConfig(config), publicUrl: config.publicUrl, listeners: jobWiring(ctx).listeners };
        await reconcileOpenPayments(deps, ctx.db, { olderThanMinutes: 5, log: ctx.log });
      },
    },
    schedules: [{ name: RECONCILE_JOB, job: RECONCILE_JOB, everySeconds: 60 }],
    personalData: paymentsHolder,
  };
}

export const paymentsModule: Module = makePaymentsModule();
