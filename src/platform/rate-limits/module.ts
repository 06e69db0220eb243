// Rate limits shared by every web process on the database: the counter the web app's rate limit
// keeps its counts in (src/web/app.ts), and the job that deletes the counts of ended windows.
import type { Module } from '../module.ts';
import { databaseCounter, deleteEndedWindows, KEY_DOMAIN } from './counter.ts';
import { rateLimitsMigrations } from './migrations.ts';

export const RATE_LIMITS_SWEEP_JOB = 'rate_limits.sweep';

export const rateLimitsModule: Module = {
  name: 'rate_limits',
  migrations: rateLimitsMigrations,
  jobs: {
    [RATE_LIMITS_SWEEP_JOB]: async (_payload, { db, log }) => {
      const deleted = await deleteEndedWindows(db);
      if (deleted > 0) log.info({ deleted }, 'ended rate-limit windows deleted');
    },
  },
  schedules: [{ name: RATE_LIMITS_SWEEP_JOB, job: RATE_LIMITS_SWEEP_JOB, everySeconds: 300 }],
  // On PostgreSQL only: the embedded PGlite belongs to one process, whose own count is already the
  // whole count, and a write per request would only slow its pages down (decision 0066).
  // The key comes from the keyring (every process of the shop opens the same one), read on the
  // first request, when the kernel has started; it is never in the database.
  requestCounter: (app) => (app.database.engine === 'postgres' ? databaseCounter({ db: app.db, digestKey: () => app.privacy.keyedDigest(KEY_DOMAIN, 'client-key/v1') }) : null),
};
