// The rights module's pages and API, each group in its own file.
import type { FastifyPluginAsync } from 'fastify';
import type { RightsModuleOptions } from './module.ts';
import { policyRoutes } from './policy/routes.ts';

export function rightsRoutes(_options: RightsModuleOptions): FastifyPluginAsync {
  return async (app) => {
    await app.register(policyRoutes);
  };
}
