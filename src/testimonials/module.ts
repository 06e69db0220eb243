// The testimonials module: customers' words quoted with consent (first name or initial only) and
// companies on the customer list, each removable at once on request with a 24-hour deadline for
// the copies elsewhere (P001-06, P001-07; decision 0060).
import type { Module } from '../platform/module.ts';
import { testimonialsHolder } from './holder.ts';
import { testimonialsTemplates } from './mail.ts';
import { testimonialsMigrations } from './migrations.ts';
import { testimonialsRoutes } from './routes.ts';
import { alertOverdue, OVERDUE_JOB, takeDownWithdrawn, WITHDRAWN_JOB } from './takedown.ts';
import { jobKernel } from '../privacy/index.ts';
import { testimonialsDb } from './tables.ts';

export const testimonialsModule: Module = {
  name: 'testimonials',
  migrations: testimonialsMigrations,
  routes: testimonialsRoutes,
  jobs: {
    [OVERDUE_JOB]: async (_payload, ctx) => {
      const config = ctx.services.config;
      if (!config) throw new Error('NO_CONFIG: the testimonials jobs need the settings (services.config)');
      const alerted = await alertOverdue(ctx.db, config.publicUrl, new Date());
      if (alerted) ctx.log.info({ alerted }, 'takedown cases past their deadline: staff alerted');
    },
    [WITHDRAWN_JOB]: async (_payload, ctx) => {
      const config = ctx.services.config;
      if (!config) throw new Error('NO_CONFIG: the testimonials jobs need the settings (services.config)');
      const taken = await takeDownWithdrawn(jobKernel(ctx), ctx.db, config.publicUrl);
      if (taken) ctx.log.info({ people: taken }, 'testimonials of people who turned them off taken down: cases opened');
    },
  },
  schedules: [
    { name: OVERDUE_JOB, job: OVERDUE_JOB, everySeconds: 3600 },
    { name: WITHDRAWN_JOB, job: WITHDRAWN_JOB, everySeconds: 300 },
  ],
  mailTemplates: testimonialsTemplates,
  personalData: testimonialsHolder,
  // A listed company's logo keeps its image from the media sweep while the entry stands.
  imageUses: async (db, ids) =>
    ids.length
      ? (await testimonialsDb(db).selectFrom('testimonials_entries').select('logo_image_id').where('logo_image_id', 'in', ids).execute()).flatMap((r) => (r.logo_image_id ? [r.logo_image_id] : []))
      : [],
};
