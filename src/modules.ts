// The composition root: every module, in dependency order (the privacy kernel first once it
// exists). Migrations run in this order; routes register in this order.
import { accountsModule } from './accounts/index.ts';
import { catalogueModule } from './commerce/catalogue/index.ts';
import { cartModule } from './commerce/cart/index.ts';
import { commsModule } from './comms/index.ts';
import { contentModule } from './content/index.ts';
import { checkoutModule } from './commerce/checkout/index.ts';
import { storefrontModule } from './commerce/storefront/index.ts';
import { jobsModule } from './platform/jobs/index.ts';
import { ordersModule } from './commerce/orders/index.ts';
import { idempotencyModule } from './platform/idempotency/index.ts';
import { paymentsModule } from './commerce/payments/index.ts';
import { brandModule } from './brand/index.ts';
import { mediaModule } from './media/index.ts';
import type { Module } from './platform/module.ts';
import { privacyModule, holdersOf } from './privacy/index.ts';
import { makeRightsModule } from './rights/index.ts';

export const modules: Module[] = [
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
];
// Rights comes last: it reaches every module's personal data through the holders they declare.
modules.push(makeRightsModule({ holders: () => holdersOf(modules) }));

export const allMigrations = modules.flatMap((m) => m.migrations);
