// The delivery module: licence keys of digital products, kept sealed, handed out one per paid unit
// in the order's transition to paid, revoked by a refund or cancellation; orders that find no key
// wait on hold until the release job fills them after an upload (decision 0043). Downloadable
// files, granted per paid unit and fetched through signed, expiring links (decision 0048).
import { jobKernel } from '../../privacy/index.ts';
import { jobWiring } from '../../platform/jobs/index.ts';
import type { Module } from '../../platform/module.ts';
import type { OrdersDeps } from '../orders/index.ts';
import { deliverOnTransition, releaseWaiting } from './deliver.ts';
import { RELEASE_JOB } from './keys.ts';
import { downloadsSection } from './downloads-section.ts';
import { FILES_SWEEP_GRACE_MS, FILES_SWEEP_JOB, sweepStrayFiles } from './files.ts';
import { downloadsTemplate, keysTemplate, outOfKeysTemplate } from './mail.ts';
import { deliveryMigrations } from './migrations.ts';
import { deliveryRoutes } from './routes.ts';
import { keysSection } from './section.ts';

export const deliveryModule: Module = {
  name: 'delivery',
  migrations: deliveryMigrations,
  routes: deliveryRoutes,
  jobs: {
    [RELEASE_JOB]: async (_payload, ctx) => {
      const config = ctx.services.config;
      if (!config) throw new Error('NO_CONFIG: the delivery release job needs the settings (services.config)');
      const deps: OrdersDeps = { kernel: jobKernel(ctx), publicUrl: config.publicUrl, now: () => new Date(), config, listeners: jobWiring(ctx).listeners };
      await releaseWaiting(deps, ctx.db, ctx.log);
    },
    [FILES_SWEEP_JOB]: async (_payload, ctx) => {
      const config = ctx.services.config;
      if (!config) throw new Error('NO_CONFIG: the delivery file sweep needs the settings (services.config) to find DATA_DIR');
      const swept = await sweepStrayFiles(ctx.db, config.dataDir, new Date(Date.now() - FILES_SWEEP_GRACE_MS));
      if (swept > 0) ctx.log.info({ swept }, 'downloadable files no row names deleted');
    },
  },
  // Also every quarter hour: keys added outside an upload's transaction, or a release that failed.
  schedules: [
    { name: RELEASE_JOB, job: RELEASE_JOB, everySeconds: 900 },
    { name: FILES_SWEEP_JOB, job: FILES_SWEEP_JOB, everySeconds: 6 * 3600 },
  ],
  mailTemplates: [keysTemplate, outOfKeysTemplate, downloadsTemplate],
  listeners: { orderTransition: [deliverOnTransition], orderPage: [keysSection, downloadsSection] },
};
