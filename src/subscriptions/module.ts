// The subscriptions module: plans bought at checkout become subscriptions renewed each period by a
// job through the processor port, with invoices per period, cancel and pay-again in the account
// (decision 0055).
import type { Module } from '../platform/module.ts';
import { subscriptionsHolder } from './holder.ts';
import { subscriptionMails } from './mail.ts';
import { subscriptionsMigrations } from './migrations.ts';
import { RENEW_JOB, runRenewals } from './renewals.ts';
import { subscriptionsRoutes } from './routes.ts';
import { endWithOrder, onPaymentSettled } from './subscriptions.ts';

export const subscriptionsModule: Module = {
  name: 'subscriptions',
  migrations: subscriptionsMigrations,
  routes: subscriptionsRoutes,
  jobs: {
    [RENEW_JOB]: async (_payload, ctx) => {
      await runRenewals(ctx);
    },
  },
  schedules: [{ name: RENEW_JOB, job: RENEW_JOB, everySeconds: 900 }],
  listeners: {
    paymentSettled: [(db, settlement, deps) => onPaymentSettled(deps, db, settlement)],
    // A cancelled or wholly refunded order takes its plans with it (a partial refund keeps them).
    orderTransition: [async (db, event, deps) => (event.returned === 'all' ? endWithOrder(deps.listeners, db, event.order.id) : undefined)],
  },
  mailTemplates: subscriptionMails,
  personalData: subscriptionsHolder,
};
