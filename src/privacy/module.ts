// The privacy kernel as a module: its tables first of all, its jobs (the audit sealer, the sweep
// of erased and expired items, the blind-index key rotation) and the plugin that hands every other
// module `app.privacy`.
import type { Module } from '../platform/module.ts';
import { SEAL_JOB, sealJob } from './audit/seal.ts';
import { BLIND_INDEX_JOB, BLIND_INDEX_PERIOD_SECONDS, blindIndexJob } from './blind-index-rotation.ts';
import { SWEEP_JOB, sweepItems } from './erasure.ts';
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
    [SWEEP_JOB]: async (_payload, ctx) => {
      await sweepItems(ctx.db);
    },
    [BLIND_INDEX_JOB]: blindIndexJob,
  },
  schedules: [
    { name: SEAL_JOB, job: SEAL_JOB, everySeconds: 5 },
    { name: SWEEP_JOB, job: SWEEP_JOB, everySeconds: 300 },
    { name: BLIND_INDEX_JOB, job: BLIND_INDEX_JOB, everySeconds: BLIND_INDEX_PERIOD_SECONDS },
  ],
};
