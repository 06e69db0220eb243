// Decorators the web shell gives every module's plugin.
import type { Config } from '../platform/config.ts';
import type { DatabaseHandle, Db } from '../platform/db/database.ts';
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
    /** Every route registered, in order (src/web/route-table.ts). */
    routeTable: readonly RouteEntry[];
  }
}
