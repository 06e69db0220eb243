// The checkout module: the checkout pages and API, the settlement listener that moves a paid
// order on, and the job that cancels orders whose payment never came.
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../platform/config.ts';
import type { Module } from '../../platform/module.ts';
import type { CheckoutSettings } from './fields.ts';
import { isCountry } from './countries.ts';
import { expireWaitingPayments, onSettled, type CheckoutDeps } from './flow.ts';
import { checkoutMigrations } from './migrations.ts';
import type { CheckoutPorts } from './ports.ts';
import { checkoutRoutes } from './routes.ts';
import { jobPorts, settlementPorts } from './jobs.ts';
import { refundOnTransition } from './refunds.ts';
import { getOrderByNumber } from '../orders/index.ts';
import { creditRoutes } from './credit-routes.ts';
import { realPorts } from './wiring.ts';
import { checkoutHolder } from './holder.ts';
import type { FastifyInstance } from 'fastify';

export const EXPIRE_JOB = 'checkout.expire-payments';
/** An order whose payment has not completed after this long is cancelled and its stock released. */
export const PAYMENT_WAIT_MINUTES = 60;

export function checkoutSettings(config: Config): CheckoutSettings {
  return { requirePhones: config.checkoutRequirePhones, invoiceRecipient: config.checkoutInvoiceRecipient, countries: config.checkoutCountries };
}

// Declared, not registered (decision 0034): the composition root collects them, and each call gets
// the deps of the shop that settles or moves the order, so a payment settled by the worker's
// reconcile job moves its order too (decision 0021).
const listeners: Module['listeners'] = {
  paymentSettled: [(db, settlement, deps) => onSettled(settlementPorts(deps), db, settlement)],
  orderTransition: [refundOnTransition],
};

export function makeCheckoutModule(portsOf: (app: FastifyInstance) => CheckoutPorts = (app) => realPorts(app)): Module {
  const routes: FastifyPluginAsync = async (app) => {
    const ports = portsOf(app);
    const settings = checkoutSettings(app.config);
    if (settings.invoiceRecipient !== null) {
      const recipient = app.privacy.map.recipients.get(settings.invoiceRecipient);
      if (!recipient) throw new Error(`CHECKOUT_INVOICE_RECIPIENT names ${settings.invoiceRecipient}, which is not a recipient of the data map`);
    }
    const unknown = (settings.countries ?? []).filter((c) => !isCountry(c));
    if (unknown.length) throw new Error(`CHECKOUT_COUNTRIES names ${unknown.join(', ')}, which are not ISO 3166-1 country codes`);
    const deps: CheckoutDeps = { ports, kernel: app.privacy, settings, shopName: app.config.shopName };
    await checkoutRoutes(app, deps);
    creditRoutes(app, { ...ports, getOrderByNumber: (number) => getOrderByNumber(app.db, number) });
  };
  return {
    name: 'checkout',
    migrations: checkoutMigrations,
    routes,
    jobs: {
      [EXPIRE_JOB]: async (_payload, ctx) => {
        const { db, log } = ctx;
        const cancelled = await expireWaitingPayments(jobPorts(ctx), db, PAYMENT_WAIT_MINUTES);
        if (cancelled > 0) log.info({ cancelled }, 'orders cancelled: payment not completed in time');
      },
    },
    schedules: [{ name: EXPIRE_JOB, job: EXPIRE_JOB, everySeconds: 300 }],
    personalData: checkoutHolder,
    listeners,
  };
}

export const checkoutModule: Module = makeCheckoutModule();
