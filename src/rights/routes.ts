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
import { machineReadableRoutes } from './policy/machine-readable.ts';
import { signalHook } from './signals/hook.ts';
import { forgetSaleNotice, type SaleNoticeCache, saleNoticeCache, siteNotices } from './site-notices.ts';
import { transferRoutes } from './transfer/routes.ts';

/** The opt-out signal hook at the root (every module's requests), the pages and API encapsulated. */
export function rightsRoutes(options: RightsModuleOptions): FastifyPluginAsync {
  const root: FastifyPluginAsync = async (app) => {
    await app.register(signalHook);
    const sale = saleNoticeCache();
    await app.register(siteNotices(app.db, sale));
    await app.register(rightsPages(options, sale));
  };
  (root as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return root;
}

function rightsPages(options: RightsModuleOptions, sale: SaleNoticeCache): FastifyPluginAsync {
  return async (app) => {
    const deps: RightsDeps = { kernel: app.privacy, config: app.config, holders: options.holders, now: () => new Date(), log: app.log as unknown as Logger, wiring: app.wiring };
    await app.register(policyRoutes);
    await app.register(machineReadableRoutes);
    await centreRoutes(app, deps);
    await exportFormatRoutes(app);
    await deskRoutes(app, deps);
    await noticeRoutes(app, deps);
    await complaintRoutes(app, deps);
    await officerPageRoutes(app, deps);
    await legalDisclosureRoutes(app, deps);
    await transferRoutes(app, deps, () => forgetSaleNotice(sale));
  };
}
