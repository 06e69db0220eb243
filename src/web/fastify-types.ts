// Decorators the web shell gives every module's plugin.
import type { Config } from '../platform/config.ts';
import type { DatabaseHandle, Db } from '../platform/db/database.ts';
import type { LayoutBrand, ShopHeader, SiteNotice } from './layout.ts';
import type { Wiring } from '../platform/module.ts';
import type { RouteEntry } from './route-table.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    database: DatabaseHandle;
    /** What the composition root collected from the modules' declarations (src/platform/module.ts). */
    wiring: Wiring;
    /** Rejects the request unless it carries the staff API bearer token. */
    requireStaff: (request: FastifyRequest) => Promise<void>;
    /** The shop's look for the layout, when the brand module is loaded (src/brand). */
    brandLook?: () => LayoutBrand | undefined;
    /** The notices every page shows now (a recent privacy-policy change, a planned sale of the shop: src/rights/site-notices.ts). */
    siteNotices?: () => readonly SiteNotice[];
    /** Every route registered, in order (src/web/route-table.ts). */
    routeTable: readonly RouteEntry[];
    /** Flash codes and their fixed messages, registered by modules (src/web/flash.ts). */
    flashMessages: Map<string, string>;
  }
  interface FastifyContextConfig {
    /** An RFC 8058 one-click unsubscribe route: posted by mail clients without cookie or form token, so the CSRF check skips it (src/accounts/plugin.ts). */
    oneClickUnsubscribe?: boolean;
  }
  interface FastifyRequest {
    /** What the page header shows of this visitor (cart count, staff role); modules fill it. */
    shopHeader: ShopHeader | null;
  }
}
