// The privacy kernel as a module: its tables first of all, its jobs (audit sealer, erased-data
// sweep, retention) and the plugin that hands every other module `app.privacy`.
import type { Module } from '../platform/module.ts';
import { privacyMigrations } from './migrations.ts';

export const privacyModule: Module = {
  name: 'privacy',
  migrations: privacyMigrations,
};
