// The composition root: every module, in dependency order (the privacy kernel first once it
// exists). Migrations run in this order; routes register in this order.
import { accountsModule } from './accounts/module.ts';
import { catalogueModule } from './commerce/catalogue/module.ts';
import { cartModule } from './commerce/cart/module.ts';
import { commsModule } from './comms/module.ts';
import { checkoutModule } from './commerce/checkout/module.ts';
import { storefrontModule } from './commerce/storefront/module.ts';
import { jobsModule } from './platform/jobs/module.ts';
import { ordersModule } from './commerce/orders/module.ts';
import { idempotencyModule } from './platform/idempotency/module.ts';
import { paymentsModule } from './commerce/payments/module.ts';
import type { Module } from './platform/module.ts';
import { privacyModule } from './privacy/module.ts';
import { holdersOf } from './privacy/holders.ts';
import { makeRightsModule } from './rights/index.ts';

export const modules: Module[] = [privacyModule, jobsModule, idempotencyModule, commsModule, accountsModule, catalogueModule, cartModule, storefrontModule, ordersModule, paymentsModule, checkoutModule];
// Rights comes last: it reaches every module's personal data through the holders they declare.
modules.push(makeRightsModule({ holders: () => holdersOf(modules) }));

export const allMigrations = modules.flatMap((m) => m.migrations);
