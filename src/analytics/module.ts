// The analytics module: site use as aggregate counts with nothing that links to a person
// (P001-05, P002-06, P002-11, P004-09..11; decision 0061). It holds no personal data, so it
// declares no holder: its tables have no person column, and the rollup keeps only counts.
import type { Module } from '../platform/module.ts';
import { analyticsMigrations } from './migrations.ts';
import { recordEvent } from './record.ts';
import { ROLLUP_JOB, rollUpFinishedDays } from './rollup.ts';
import { analyticsRoutes } from './routes.ts';

export const analyticsModule: Module = {
  name: 'analytics',
  migrations: analyticsMigrations,
  routes: analyticsRoutes,
  jobs: {
    [ROLLUP_JOB]: async (_payload, ctx) => {
      const days = await rollUpFinishedDays(ctx.db);
      if (days.length) ctx.log.info({ days: days.length }, 'site use of finished days rolled up: raw rows and day keys deleted');
    },
  },
  schedules: [{ name: ROLLUP_JOB, job: ROLLUP_JOB, everySeconds: 3600 }],
  listeners: {
    orderPlaced: [async (db) => recordEvent(db, 'checkout_start')],
    orderTransition: [
      async (db, event) => {
        if (event.to === 'paid' && event.from === 'pending_payment') await recordEvent(db, 'purchase');
      },
    ],
  },
};
