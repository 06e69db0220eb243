// The media module: the image store's routes, and the sweep of images nobody uses any more.
import { AppError } from '../platform/errors.ts';
import { jobWiring } from '../platform/jobs/index.ts';
import type { Module } from '../platform/module.ts';
import { mediaStorage } from './images.ts';
import { mediaMigrations } from './migrations.ts';
import { mediaRoutes } from './routes.ts';
import { MEDIA_SWEEP_JOB, SWEEP_GRACE_MS, sweepImages } from './sweep.ts';

export const mediaModule: Module = {
  name: 'media',
  migrations: mediaMigrations,
  routes: mediaRoutes,
  jobs: {
    [MEDIA_SWEEP_JOB]: async (_payload, ctx) => {
      const config = ctx.services.config;
      if (!config) throw new AppError('INTERNAL', 'media.sweep needs the settings (services.config) to find the image store');
      const swept = await sweepImages(ctx.db, mediaStorage(config), jobWiring(ctx).imageUses, new Date(Date.now() - SWEEP_GRACE_MS));
      if (swept.unused + swept.strays > 0) ctx.log.info(swept, 'unused images deleted');
    },
  },
  schedules: [{ name: MEDIA_SWEEP_JOB, job: MEDIA_SWEEP_JOB, everySeconds: 6 * 3600 }],
};
