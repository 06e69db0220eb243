// `npm run worker`: a background worker as its own process, beside web processes started with
// RUN_WORKER=false. It needs PostgreSQL: the embedded database belongs to one process, and there
// `npm start` runs the worker itself.
import { ConfigError, loadConfig } from './platform/config.ts';
import type { DatabaseHandle } from './platform/db/database.ts';
import { migrate } from './platform/db/migrate.ts';
import { DataDirUnsafeError } from './platform/data-dir.ts';
import { collectJobs, Worker } from './platform/jobs/index.ts';
import { createLogger } from './platform/logger.ts';
import type { Module } from './platform/module.ts';
import { kernelSettings, startKernel, type PrivacyKernel, PrivacySetupError } from './privacy/index.ts';
import { allMigrations, modules, wiringOf } from './modules.ts';
import { openShopDatabase } from './server.ts';

/**
 * Runs a worker until SIGTERM or SIGINT, then lets running jobs finish (up to SHUTDOWN_GRACE_MS)
 * and exits. `extraModules` lets a test fixture add its own job handlers to the real process.
 */
export async function runWorkerProcess(extraModules: readonly Module[] = []): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Custodian worker cannot start. ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  if (!config.databaseUrl) {
    console.error('Custodian worker cannot start: `npm run worker` needs DATABASE_URL (PostgreSQL). ' + 'With the embedded database, `npm start` runs the worker inside the shop process.');
    process.exit(1);
  }

  const logger = createLogger(config.logLevel);
  let database: DatabaseHandle;
  try {
    database = await openShopDatabase(config, logger);
  } catch (err) {
    if (err instanceof DataDirUnsafeError) {
      console.error(`Custodian worker cannot start. ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const applied = await migrate(database.db, allMigrations);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  // Jobs that read personal data (sending mail) reach the kernel through services.privacy.
  let privacy: PrivacyKernel;
  try {
    privacy = await startKernel({ db: database.db, ...kernelSettings(config), log: logger, checkAnchor: true });
  } catch (err) {
    if (err instanceof PrivacySetupError) {
      console.error(`Custodian worker cannot start. ${err.message}`);
      process.exit(1);
    }
    throw err;
  }

  const all = [...modules, ...extraModules];
  const { handlers, schedules } = collectJobs(all);
  const worker = new Worker({
    database,
    handlers,
    schedules,
    services: { config, privacy, wiring: wiringOf(all), database },
    logger,
    concurrency: config.workerConcurrency,
    pollMs: config.workerPollMs,
  });
  await worker.start();

  let signalled = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (signalled) return;
      signalled = true;
      logger.info({ signal }, 'shutting down: letting running jobs finish');
      // Past the grace period plus a margin for handing jobs back, exit regardless.
      const force = setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      }, config.shutdownGraceMs + 5000);
      force.unref();
      worker
        .stop(config.shutdownGraceMs)
        .then(() => privacy.close())
        .then(() => database.close())
        .then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
    });
  }
}

if (import.meta.main) await runWorkerProcess();
