// The backups module: encrypted backups of the database and the files it names, restored through the
// CLI, taken on a schedule by the worker when BACKUP_DIR is set, and shown to the owner at
// /staff/backups (P003-19; decision 0063).
import type { Module } from '../platform/module.ts';
import { backupsMigrations } from './migrations.ts';
import { backupsRoutes } from './routes.ts';
import { CHECK_EVERY_SECONDS, scheduledBackup, TAKE_JOB } from './runs.ts';

export const backupsModule: Module = {
  name: 'backups',
  migrations: backupsMigrations,
  routes: backupsRoutes,
  jobs: {
    [TAKE_JOB]: async (_payload, ctx) => {
      const config = ctx.services.config;
      if (!config) throw new Error('NO_CONFIG: the backups job needs the settings (services.config)');
      if (!config.backups.dir && !config.backups.copyCommand) return;
      const database = ctx.services.database;
      if (!database) throw new Error('NO_DATABASE_HANDLE: the backups job needs the database handle (services.database)');
      await scheduledBackup({ database, db: ctx.db, config, log: ctx.log, now: new Date() });
    },
  },
  schedules: [{ name: TAKE_JOB, job: TAKE_JOB, everySeconds: CHECK_EVERY_SECONDS }],
};
