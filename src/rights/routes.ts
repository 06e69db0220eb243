// The rights module's pages and API, each group in its own file, sharing one set of deps.
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from '../platform/logger.ts';
import { centreRoutes } from './centre/routes.ts';
import { exportFormatRoutes } from './export-format.ts';
import { deskRoutes } from './desk/routes.ts';
import { noticeRoutes } from './notices/routes.ts';
import { complaintRoutes } from './complaints/routes.ts';
import type { RightsDeps } from './deps.ts';
import type { RightsModuleOptions } from './module.ts';
import { policyRoutes } from './policy/routes.ts';
import { officerPageRoutes } from './report/routes.ts';
import { legalDisclosureRoutes } from './disclosures/routes.ts';

export function rightsRoutes(options: RightsModuleOptions): FastifyPluginAsync {
  return async (app) => {
    const deps: RightsDeps = { kernel: app.privacy, config: app.config, holders: options.holders, now: () => new Date(), log: app.log as unknown as Logger, wiring: app.wiring };
    await app.register(policyRoutes);
    await centreRoutes(app, deps);
    await exportFormatRoutes(app);
    await deskRoutes(app, deps);
    await noticeRoutes(app, deps);
    await complaintRoutes(app, deps);
    await officerPageRoutes(app, deps);
    await legalDisclosureRoutes(app, deps);
  };
}
