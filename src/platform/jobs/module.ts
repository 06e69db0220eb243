import type { Module } from '../module.ts';

// Placeholder until the job queue lands: the jobs table migration belongs here.
export const jobsModule: Module = {
  name: 'jobs',
  migrations: [],
};
