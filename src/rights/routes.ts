// The rights module's pages and API, each group in its own file.
import type { FastifyPluginAsync } from 'fastify';
import type { RightsModuleOptions } from './module.ts';

export function rightsRoutes(_options: RightsModuleOptions): FastifyPluginAsync {
  return async (_app) => {};
}
