// Idempotent commands for every module (checkout, payments): one table of keys and their stored
// results, and the job that forgets results whose time is up.
import type { Module } from '../module.ts';
import { deleteExpiredKeys } from './idempotency.ts';
import { idempotencyMigrations } from './migrations.ts';

export const IDEMPOTENCY_SWEEP_JOB = 'idempotency.sweep';

export const idempotencyModule: Module = {
  name: 'idempotency',
  migrations: idempotencyMigrations,
  jobs: {
    [IDEMPOTENCY_SWEEP_JOB]: async (_payload, { db, log }) => {
      const deleted = await deleteExpiredKeys(db);
      if (deleted > 0) log.info({ deleted }, 'expired idempotency keys deleted');
    },
  },
  schedules: [{ name: IDEMPOTENCY_SWEEP_JOB, job: IDEMPOTENCY_SWEEP_JOB, everySeconds: 3600 }],
};
