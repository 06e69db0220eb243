// The composition root: every module, in dependency order (the privacy kernel first). Migrations
// run in this order; routes register in this order. What modules declare for one another
// (listeners, mail templates) is collected here into one `Wiring`, which the processes hand to the
// app and to their workers (decision 0034).
import { accountsModule, dashboardCardsOf } from './accounts/index.ts';
import { catalogueModule } from './commerce/catalogue/index.ts';
import { cartModule } from './commerce/cart/index.ts';
import { commsModule, mailTemplatesOf } from './comms/index.ts';
import { contentModule } from './content/index.ts';
import { checkoutModule } from './commerce/checkout/index.ts';
import { deliveryModule } from './commerce/delivery/index.ts';
import { fraudModule } from './commerce/fraud/index.ts';
import { storefrontModule } from './commerce/storefront/index.ts';
import { jobsModule } from './platform/jobs/index.ts';
import { mailingModule } from './mailing/index.ts';
import { ordersModule } from './commerce/orders/index.ts';
import { idempotencyModule } from './platform/idempotency/index.ts';
import { paymentsModule } from './commerce/payments/index.ts';
import { brandModule } from './brand/index.ts';
import { imageUsesOf, mediaModule } from './media/index.ts';
import { collectListeners, type Module, type Wiring } from './platform/module.ts';
import { privacyModule, holdersOf, retentionStoresOf } from './privacy/index.ts';
import { makeRightsModule } from './rights/index.ts';
import { supportModule } from './support/index.ts';
import { subscriptionsModule } from './subscriptions/index.ts';
import { vendorsModule } from './vendors/index.ts';
import { testimonialsModule } from './testimonials/index.ts';
import { quotesModule } from './quotes/index.ts';
import { surveysModule } from './surveys/index.ts';
import { servicesModule } from './services/index.ts';
import { telecomModule } from './telecom/index.ts';
import { securityModule } from './security/index.ts';
import { analyticsModule } from './analytics/index.ts';
import { backupsModule } from './backups/index.ts';
import { cookiesOf } from './web/cookies.ts';
import { flashCookie } from './web/flash.ts';
import { rateLimitsModule } from './platform/rate-limits/index.ts';

/** The shop's modules; `extra` (a test's own, e.g. one declaring a test mail template) come before rights. */
export function shopModules(extra: readonly Module[] = []): Module[] {
  const all: Module[] = [
    privacyModule,
    jobsModule,
    idempotencyModule,
    mediaModule,
    commsModule,
    accountsModule,
    // After accounts: its pages' forms are guarded by the CSRF hook accounts adds at the root.
    brandModule,
    catalogueModule,
    cartModule,
    storefrontModule,
    contentModule,
    ordersModule,
    paymentsModule,
    checkoutModule,
    // Before vendors and delivery: an order its risk rules hold is on hold when their paid listeners run.
    fraudModule,
    vendorsModule,
    deliveryModule,
    mailingModule,
    testimonialsModule,
    quotesModule,
    surveysModule,
    supportModule,
    servicesModule,
    subscriptionsModule,
    telecomModule,
    securityModule,
    analyticsModule,
    backupsModule,
    rateLimitsModule,
    ...extra,
    // Rights comes last: it reaches every module's personal data through the holders they declare.
    makeRightsModule({ holders: () => holdersOf(all) }),
  ];
  return all;
}

export const modules: readonly Module[] = shopModules();

export const allMigrations = modules.flatMap((m) => m.migrations);

/** What `modules` declare for one another, collected: `app.wiring` and `services.wiring` of their workers. */
export function wiringOf(of: readonly Module[]): Wiring {
  return {
    listeners: collectListeners(of),
    mailTemplates: mailTemplatesOf(of),
    imageUses: imageUsesOf(of),
    cookies: cookiesOf(of, [flashCookie]),
    retention: retentionStoresOf(of),
    dashboardCards: dashboardCardsOf(of),
  };
}
