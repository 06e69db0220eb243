// Starts the shop: database, migrations, demo data, web server and (by default) a worker.
import type { FastifyInstance } from 'fastify';
import type { Config } from './platform/config.ts';
import { openDatabase, pgliteDirFor, type DatabaseHandle } from './platform/db/database.ts';
import { migrate } from './platform/db/migrate.ts';
import { secureDataDir } from './platform/data-dir.ts';
import { anchorPathFor } from './privacy/index.ts';
import type { Logger } from './platform/logger.ts';
import type { Module } from './platform/module.ts';
import { resolveStaffToken } from './platform/staff-token.ts';
import { collectJobs, Worker } from './platform/jobs/index.ts';
import { buildApp } from './web/app.ts';
import { modules as shopModules, wiringOf } from './modules.ts';
import { seedDemoDownloads, seedDemoLicenceKeys, seedDemoQuotesAndSurveys, seedDemoServiceRegistration, seedDemoShop, seedDemoTestimonials } from './demo/index.ts';
import { mediaStorage } from './media/index.ts';
import { needsBundledSandbox, startBundledSandbox } from './sandbox-processor/index.ts';
import { startHttpRedirect } from './web/tls.ts';
import { type SecureContextTarget, type TlsReloadOutcome, watchCertificate } from './web/tls-reload.ts';

export interface RunningShop {
  app: FastifyInstance;
  database: DatabaseHandle;
  url: string;
  staffApiToken: string;
  /** The sandbox payment processor this shop runs itself (PAYMENT_PROCESSOR=sandbox, no SANDBOX_PROCESSOR_URL), else null. */
  sandboxProcessorUrl: string | null;
  /** The port of the HTTP_REDIRECT_PORT listener (308 to https://), else null. */
  httpRedirectPort: number | null;
  /** With TLS: serve the certificate files as they are now (SIGHUP); null without TLS. */
  reloadTls(): TlsReloadOutcome | null;
  stop(): Promise<void>;
  /** While stopping: the parts not yet closed (for the log when the grace period runs out). */
  stillStopping(): string[];
}

/** Secures DATA_DIR (0700/0600, umask 077; refuses what it cannot fix), then opens the database. */
export async function openShopDatabase(config: Config, logger?: Logger): Promise<DatabaseHandle> {
  const { tightened } = secureDataDir(config.dataDir, { extraFiles: [anchorPathFor(config.keyringPath)], leave: [config.keyringPath] });
  if (tightened.length) logger?.warn({ tightened: tightened.length, dataDir: config.dataDir }, 'data directory: removed group and other access from files and directories');
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: pgliteDirFor(config.dataDir),
    directUrl: config.databaseDirectUrl,
    replicaUrl: config.databaseReplicaUrl,
  });
  // PGlite unpacks a new database from its bundled image with the image's modes (666), whatever
  // the umask; files it makes later follow the umask. So tighten once more right after it opened.
  if (database.engine === 'pglite') secureDataDir(pgliteDirFor(config.dataDir));
  return database;
}

export interface StartOptions {
  /** Default: the shop's modules (src/modules.ts); a test may add its own (a mail template, a job). */
  modules?: readonly Module[];
}

export async function startShop(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningShop> {
  const modules = options.modules ?? shopModules;
  const wiring = wiringOf(modules);
  // Cheap password hashing is for the test harness only (decision 0031); no setting turns it on.
  if (config.testPasswordCosts) throw new Error('refusing to start: test password-hashing costs are set; a shop hashes passwords at production costs');
  const database = await openShopDatabase(config, logger);
  const applied = await migrate(
    database.db,
    modules.flatMap((m) => m.migrations),
  );
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const seeded = config.demoData && (await seedDemoShop(database.db, { media: mediaStorage(config) }));
  if (seeded) logger.info('demo shop loaded');
  const staffApiToken = resolveStaffToken(config);
  // Its own process, port and storage (decision 0017); the shop and its worker are told its address.
  const sandbox = needsBundledSandbox(config) ? await startBundledSandbox(config, logger) : null;
  if (sandbox) config = { ...config, payments: { ...config.payments, sandboxUrl: sandbox.url } };
  // A shop that cannot start (a data map declaring a sale, say) leaves nothing open behind it.
  const app = await buildApp({ config, database, logger, modules, wiring, staffApiToken }).catch(async (err: unknown) => {
    await sandbox?.stop();
    await database.close();
    throw err;
  });
  // The demo's licence keys are sealed with keys from the kernel's keyring, which the app opened.
  if (seeded) logger.info({ keys: await seedDemoLicenceKeys(database.db, app.privacy) }, 'demo licence keys loaded');
  if (seeded) logger.info({ files: await seedDemoDownloads(database.db, app.privacy, { dataDir: config.dataDir, maxBytes: config.downloads.maxBytes }) }, 'demo downloadable files loaded');
  if (seeded) logger.info({ entries: await seedDemoTestimonials(app.privacy, database.db, { media: mediaStorage(config) }) }, 'demo testimonials and customer list loaded');
  if (seeded) logger.info(await seedDemoQuotesAndSurveys(database.db, app.privacy, { publicUrl: config.publicUrl, currency: config.currency }), 'demo quote case and survey loaded');
  if (seeded && (await seedDemoServiceRegistration(app.privacy, database.db, config.publicUrl))) logger.info('demo monitoring registration loaded');
  const address = await app.listen({ host: config.host, port: config.port });
  const port = new URL(address).port;
  const scheme = config.tlsCertPath ? 'https' : 'http';
  const url = config.port === 0 ? `${scheme}://localhost:${port}` : config.publicUrl;
  // Over TLS the certificate names the public host, not 127.0.0.1: the sandbox posts to that.
  sandbox?.setWebhookUrl(`${config.tlsCertPath ? url : address}/payments/webhook/sandbox`);
  const redirect = config.httpRedirectPort !== null ? await startHttpRedirect(config, Number(port)) : null;
  const certificate =
    config.tlsCertPath !== null && config.tlsKeyPath !== null
      ? watchCertificate(app.server as unknown as SecureContextTarget, { certPath: config.tlsCertPath, keyPath: config.tlsKeyPath }, logger, config.tlsReloadCheckSeconds)
      : null;
  const worker = config.runWorker
    ? new Worker({
        database,
        ...collectJobs(modules),
        services: { config, privacy: app.privacy, wiring, database, selfcheck: { inject: (request) => app.inject(request) } },
        logger,
        concurrency: config.workerConcurrency,
        pollMs: config.workerPollMs,
      })
    : null;
  await worker?.start();

  let stopping: Promise<void> | null = null;
  const open = new Set<string>();
  const closing = async (part: string, close: (() => Promise<unknown>) | null) => {
    if (!close) return;
    open.add(part);
    await close();
    open.delete(part);
  };
  return {
    app,
    database,
    url,
    staffApiToken,
    sandboxProcessorUrl: sandbox?.url ?? null,
    httpRedirectPort: redirect?.port ?? null,
    reloadTls: () => certificate?.reload() ?? null,
    stop() {
      stopping ??= (async () => {
        certificate?.stop();
        await Promise.all([
          closing('web server', () => app.close()),
          closing(`worker (jobs running: ${worker?.busy ?? 0})`, worker ? () => worker.stop(config.shutdownGraceMs) : null),
          closing('sandbox processor', sandbox ? () => sandbox.stop() : null),
          closing('HTTP redirect', redirect ? () => redirect.close() : null),
        ]);
        await closing('database', () => database.close());
      })();
      return stopping;
    },
    stillStopping: () => [...open],
  };
}
