// Retention: the engine's sweep of 1,000,000 expired rows (rows/s vs one plain DELETE) and checkout's p99 while it runs vs without it.
//
// In one run, on one database (PGlite; with --database-url, a scratch database on that PostgreSQL
// server), with every module's migrations as `npm start` has them (decision 0065):
//   seed      N rows past their time (default 1,000,000): half kernel items (encrypted items of
//             1,000 people, past their retain_until), half rows of a module's declared store
//             (accounts' security events, older than the map's 30 days). Not measured; done twice.
//   alone     one run of the engine (`runRetention`, what the `privacy.sweep` job runs: every
//             declared store, then the kernel's items, in batches of RETENTION_BATCH rows, each its
//             own transaction) with nothing else running: rows/s.
//   baseline  as many plain rows of one indexed table, deleted by one plain DELETE (no batches):
//             the rate the engine's batching is compared to (sweep / plain).
//   quiet     C buyers (default 2, each pausing --think ms, default 100, between checkouts) run K
//             checkouts (default 200; half before the loaded sweep, half after): checkout as
//             bench/checkout runs it (the routes' calls minus HTTP: cart, placeOrder under an
//             idempotency key, settlement), each checkout's latency kept.
//   loaded    the N rows seeded again and swept by one engine run while the same buyers check out
//             until it ends: rows/s, and checkout's p50/p99 during the sweep against the quiet
//             rounds: the p99 ratio (during / without).
// Options: --rows N (default 1000000), --quick (10,000 rows, 60 checkouts: a smoke test),
//          --checkouts K, --concurrency C, --think MS, --database-url postgres://…
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { type CheckoutDeps, checkoutSettings, realPorts } from '../src/commerce/checkout/index.ts';
import { makePaymentsModule, processorSet } from '../src/commerce/payments/index.ts';
import { modules, wiringOf } from '../src/modules.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type DatabaseHandle, openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createScratchPostgres } from '../src/platform/testing/databases.ts';
import { expiredItemCount, seedExpiredItems } from '../src/privacy/bench-support.ts';
import { RETENTION_BATCH, runRetention } from '../src/privacy/index.ts';
import { fakeProcessor, makeShop, realCheckout } from './checkout.ts';
import { benchFlags } from './support/flags.ts';
import { median, percentile } from './support/stats.ts';

const usage = 'Usage: npm run bench -- retention [--rows 1000000] [--quick] [--checkouts 200] [--concurrency 2] [--think 100] [--database-url postgres://…]\n';

interface Options {
  rows: number;
  checkouts: number;
  concurrency: number;
  thinkMs: number;
}

/** Module-store rows: security events older than the map's 30 days. */
async function seedSecurityEvents(db: DatabaseHandle['db'], n: number): Promise<void> {
  for (let from = 0; from < n; from += 100_000) {
    const to = Math.min(n, from + 100_000);
    await sql`insert into accounts_security_events (at, kind) select now() - interval '40 days', 'login-failed' from generate_series(${from + 1}::int, ${to}::int)`.execute(db);
  }
}

async function plainBaseline(db: DatabaseHandle['db'], n: number): Promise<number> {
  await sql`create table bench_expired (id uuid primary key, subject_id uuid not null, category text not null, ref text not null, ciphertext bytea not null, retain_until timestamptz not null)`.execute(
    db,
  );
  await sql`create index bench_expired_retention on bench_expired (retain_until)`.execute(db);
  for (let from = 0; from < n; from += 100_000) {
    const to = Math.min(n, from + 100_000);
    await sql`insert into bench_expired select gen_random_uuid(), gen_random_uuid(), 'user.content.private', 'bench:' || g, '\\x00'::bytea, now() - interval '70 days' from generate_series(${from + 1}::int, ${to}::int) g`.execute(
      db,
    );
  }
  const t0 = performance.now();
  const r = await sql`delete from bench_expired where retain_until < now()`.execute(db);
  const ms = performance.now() - t0;
  if (Number(r.numAffectedRows ?? 0) !== n) throw new Error('the plain delete missed rows');
  await sql`drop table bench_expired`.execute(db);
  return ms;
}

async function benchOn(database: DatabaseHandle, o: Options): Promise<void> {
  await migrate(
    database.db,
    modules.flatMap((m) => m.migrations),
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-bench-retention-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', RUN_WORKER: 'false', DEMO_DATA: 'false', RATE_LIMIT_PER_MINUTE: '0', PUBLIC_URL: 'http://shop.bench' });
  const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
  const processor = fakeProcessor();
  const benchModules = modules.map((m) => (m.name === 'payments' ? makePaymentsModule({ processors: () => processorSet(processor) }) : m));
  const wiring = wiringOf(benchModules);
  const { buildApp } = await import('../src/web/app.ts');
  const app = await buildApp({ config, database, logger, modules: benchModules, wiring, staffApiToken: 'bench-staff-token-0123456789abcdef0123456789' });
  await app.ready();
  try {
    const deps: CheckoutDeps = { ports: realPorts(app), kernel: app.privacy, settings: checkoutSettings(config) };
    const shop = await makeShop(database.db);
    let next = 0;
    const checkout = () => realCheckout(app, deps, shop, next++);

    const seed = async () => {
      const seedStart = performance.now();
      const items = Math.ceil(o.rows / 2);
      await seedExpiredItems(database.db, items);
      await seedSecurityEvents(database.db, o.rows - items);
      const seeded = await expiredItemCount(database.db);
      process.stdout.write(`seeded ${o.rows.toLocaleString('en-US')} expired rows (${seeded.toLocaleString('en-US')} kernel items) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);
    };
    const sweep = async () => {
      const t0 = performance.now();
      const run = await runRetention({ db: database.db, kernel: app.privacy, stores: wiring.retention ?? [], now: new Date() });
      const ms = performance.now() - t0;
      const rows = run.stores.reduce((n, s) => n + s.rows, 0);
      if (rows < o.rows) throw new Error(`the sweep purged ${rows} of ${o.rows} rows`);
      return { ms, rows, batches: run.stores.reduce((n, s) => n + s.batches, 0), stores: run.stores.length };
    };
    const pause = () => new Promise((resolve) => setTimeout(resolve, o.thinkMs));

    // Warm-up: plans, prepared statements, key cache.
    for (let i = 0; i < 10; i++) await checkout();

    // The sweep alone, and its baseline.
    await seed();
    const alone = await sweep();
    const plainMs = await plainBaseline(database.db, o.rows);

    // Checkouts alone (half before the loaded sweep, half after), then during a sweep of as many rows.
    const quiet: number[] = [];
    const quietRound = async (n: number) => {
      let left = n;
      await Promise.all(
        Array.from({ length: o.concurrency }, async () => {
          while (left-- > 0) {
            const t0 = performance.now();
            await checkout();
            quiet.push(performance.now() - t0);
            await pause();
          }
        }),
      );
    };
    await seed();
    await quietRound(Math.ceil(o.checkouts / 2));
    const during: number[] = [];
    let sweeping = true;
    const buyers = Array.from({ length: o.concurrency }, async () => {
      while (sweeping) {
        const t0 = performance.now();
        await checkout();
        during.push(performance.now() - t0);
        await pause();
      }
    });
    const loaded = await sweep();
    sweeping = false;
    await Promise.all(buyers);
    await quietRound(Math.floor(o.checkouts / 2));

    const rate = (rows: number, ms: number) => (rows / ms) * 1000;
    const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
    const lat = (xs: number[]) => `p50 ${median(xs).toFixed(1).padStart(7)} ms   p99 ${percentile(xs, 99).toFixed(1).padStart(7)} ms   (${xs.length} checkouts)`;
    process.stdout.write(
      `\nRetention benchmark on ${database.engine} (${availableParallelism()} CPUs, Node ${process.versions.node}); ${o.rows.toLocaleString('en-US')} expired rows (half kernel items, half a module store), batches of ${RETENTION_BATCH}; ${o.concurrency} buyers, ${o.thinkMs} ms between a buyer's checkouts\n`,
    );
    process.stdout.write(`  engine sweep, alone (${alone.batches} batches, ${alone.stores} stores)   ${fmt(rate(alone.rows, alone.ms)).padStart(9)} rows/s   ${(alone.ms / 1000).toFixed(1)} s\n`);
    process.stdout.write(`  plain DELETE of as many rows, one statement     ${fmt(rate(o.rows, plainMs)).padStart(9)} rows/s   ${(plainMs / 1000).toFixed(1)} s\n`);
    process.stdout.write(`  sweep / plain: ${(rate(alone.rows, alone.ms) / rate(o.rows, plainMs)).toFixed(2)}\n`);
    process.stdout.write(`  engine sweep, while buyers check out            ${fmt(rate(loaded.rows, loaded.ms)).padStart(9)} rows/s   ${(loaded.ms / 1000).toFixed(1)} s\n`);
    process.stdout.write(`  checkout, no sweep (before and after)  ${lat(quiet)}\n`);
    process.stdout.write(`  checkout, during the sweep             ${lat(during)}\n`);
    process.stdout.write(`  checkout p99 during / without: ${(percentile(during, 99) / percentile(quiet, 99)).toFixed(2)}   (aim: at most 2)\n`);
  } finally {
    await app.close();
  }
}

export async function main(args: string[]): Promise<number> {
  const flags = benchFlags(args, { rows: { type: 'string' }, quick: { type: 'boolean' }, checkouts: { type: 'string' }, concurrency: { type: 'string' }, think: { type: 'string' } }, usage);
  if (typeof flags === 'number') return flags;
  const quick = flags.quick === true;
  const o: Options = {
    rows: Number(flags.rows ?? (quick ? 10_000 : 1_000_000)),
    checkouts: Number(flags.checkouts ?? (quick ? 60 : 200)),
    concurrency: Number(flags.concurrency ?? 2),
    thinkMs: Number(flags.think ?? 100),
  };
  if (
    !Number.isInteger(o.rows) ||
    o.rows < 2 ||
    !Number.isInteger(o.checkouts) ||
    o.checkouts < 2 ||
    !Number.isInteger(o.concurrency) ||
    o.concurrency < 1 ||
    o.concurrency > 64 ||
    !(o.thinkMs >= 0)
  ) {
    process.stderr.write(`--rows and --checkouts must be whole numbers of at least 2; --concurrency 1 to 64; --think 0 or more\n${usage}`);
    return 2;
  }
  const url = flags['database-url'];
  if (url) {
    process.env.DATABASE_URL = url;
    const scratch = await createScratchPostgres();
    const database = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: o.concurrency + 3 });
    try {
      await benchOn(database, o);
    } finally {
      await database.close();
      await scratch.drop();
    }
  } else {
    const database = await openDatabase({ databaseUrl: null, pgliteDir: null });
    try {
      await benchOn(database, o);
    } finally {
      await database.close();
    }
  }
  return 0;
}
