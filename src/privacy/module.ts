// The privacy kernel as a module: its tables first of all, its jobs (the audit sealer, the
// retention engine over erased and expired items and every module's declared stores, the
// blind-index key rotation) and the plugin that hands every other module `app.privacy`.
import type { Module } from '../platform/module.ts';
import { SEAL_JOB, sealJob } from './audit/seal.ts';
import { BLIND_INDEX_JOB, BLIND_INDEX_PERIOD_SECONDS, blindIndexJob } from './blind-index-rotation.ts';
import { jobKernel } from './job-services.ts';
import { RETENTION_JOB, runRetention } from './retention/engine.ts';
import { privacyMigrations } from './migrations.ts';
import { privacyPlugin } from './plugin.ts';
import { kernelHolder } from './holder.ts';

export const privacyModule: Module = {
  name: 'privacy',
  migrations: privacyMigrations,
  routes: privacyPlugin,
  personalData: kernelHolder,
  jobs: {
    [SEAL_JOB]: sealJob,
    // The retention engine: the kernel's items and every module's declared stores (decision 0065).
    [RETENTION_JOB]: async (_payload, ctx) => {
      const run = await runRetention({ db: ctx.db, kernel: jobKernel(ctx), stores: ctx.services.wiring?.retention ?? [], now: new Date() });
      const rows = run.stores.reduce((n, s) => n + s.rows, 0);
      if (rows) ctx.log.info({ run: run.id, rows }, 'retention run purged data past its time');
    },
    [BLIND_INDEX_JOB]: blindIndexJob,
  },
  schedules: [
    { name: SEAL_JOB, job: SEAL_JOB, everySeconds: 5 },
    { name: RETENTION_JOB, job: RETENTION_JOB, everySeconds: 300 },
    { name: BLIND_INDEX_JOB, job: BLIND_INDEX_JOB, everySeconds: BLIND_INDEX_PERIOD_SECONDS },
  ],
};
