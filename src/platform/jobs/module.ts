import type { Module } from '../module.ts';
import { CLEANUP_JOB, cleanupJob, cleanupSchedule } from './cleanup.ts';
import { jobsMigrations } from './migrations.ts';

export const jobsModule: Module = {
  name: 'jobs',
  migrations: jobsMigrations,
  jobs: { [CLEANUP_JOB]: cleanupJob },
  schedules: [cleanupSchedule],
};
