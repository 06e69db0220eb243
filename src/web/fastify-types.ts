// Decorators the web shell gives every module's plugin.
import type { Config } from '../platform/config.ts';
import type { DatabaseHandle, Db } from '../platform/db/database.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    database: DatabaseHandle;
    /** Rejects the request unless it carries the staff API bearer token. */
    requireStaff: (request: FastifyRequest) => Promise<void>;
  }
}

export {};
