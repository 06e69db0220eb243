// The vendors module (issue 14): the vendor portal a vendor's users reach after signing in (accounts
// keeps the sign-in): data-use terms accepted first, their orders with the buyer's details
// disclosed through the kernel, CSV export, stock and sales, signed order webhooks; and the owner's console to suspend a
// vendor and publish new terms.
import type { FastifyPluginAsync } from 'fastify';
import type { Module } from '../platform/module.ts';
import { vendorsHolder } from './holder.ts';
import { vendorsMigrations } from './migrations.ts';
import { alertVendorOutOfKeys, vendorOutOfKeysTemplate } from './out-of-keys.ts';
import { vendorPortalRoutes } from './routes.ts';
import { vendorStaffRoutes } from './staff-routes.ts';
import { sendWebhook, WEBHOOK_JOB, webhookOnTransition } from './webhooks.ts';

const routes: FastifyPluginAsync = async (app) => {
  await vendorPortalRoutes(app);
  await vendorStaffRoutes(app);
};

export const vendorsModule: Module = {
  name: 'vendors',
  migrations: vendorsMigrations,
  routes,
  personalData: vendorsHolder,
  jobs: { [WEBHOOK_JOB]: (payload, ctx) => sendWebhook(payload, ctx) },
  mailTemplates: [vendorOutOfKeysTemplate],
  // An order's transitions make the vendors' webhook events (decision 0045); a product of the
  // vendor that ran out of licence keys mails its users (decision 0048).
  listeners: { orderTransition: [webhookOnTransition], licenceKeysRanOut: [alertVendorOutOfKeys] },
};
