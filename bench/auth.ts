// Accounts: Argon2id hash cost in ms, and customer sign-ins per second over real HTTP.
//
// First the cost of one hash and one verification with the parameters the shop uses
// (src/accounts/passwords.ts), one at a time. Then a whole shop in this process signs one
// confirmed customer in N times over HTTP (POST /api/account/login: throttle check, blind-index
// lookup, kernel read of the hash, Argon2id verification, new session), C requests at a time.
// Options: --logins N (default 60), --concurrency C (default 4: libuv's thread pool, where the
// hashing runs), --hashes N (default 10), --database-url postgres://… (a scratch database is
// created there and dropped; default: in-memory PGlite).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createScratchPostgres } from '../src/platform/testing/databases.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { buildApp } from '../src/web/app.ts';
import { allMigrations, modules, wiringOf } from '../src/modules.ts';
import { benchFlags } from './support/flags.ts';
import { currentParams, hashPassword, verifyPassword, prepareSignUp, signUp } from '../src/accounts/index.ts';

const usage = 'Usage: npm run bench -- auth [--logins 60] [--concurrency 4] [--hashes 10] [--database-url postgres://…]\n';
const who = { name: 'Bench Customer', email: 'bench.customer@example.test', password: 'bench-lantern-58-orchid', age: 'adult' as const };

async function hashCost(count: number): Promise<{ hashMs: number; verifyMs: number }> {
  await hashPassword('warm-up-password-1');
  let start = performance.now();
  let hash = '';
  for (let i = 0; i < count; i++) hash = await hashPassword(who.password);
  const hashMs = (performance.now() - start) / count;
  start = performance.now();
  for (let i = 0; i < count; i++) if (!(await verifyPassword(hash, who.password))) throw new Error('verification failed');
  return { hashMs, verifyMs: (performance.now() - start) / count };
}

async function logins(database: DatabaseHandle, total: number, concurrency: number): Promise<{ perSecond: number; p50: number; p95: number }> {
  const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-bench-')), LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', DEMO_DATA: 'false', RUN_WORKER: 'false' });
  const app = await buildApp({ config, database, logger: createLogger('silent'), modules, wiring: wiringOf(modules), staffApiToken: 'bench-token-0123456789abcdef0123456789abcdef' });
  try {
    const prepared = await prepareSignUp(who);
    await database.db.transaction().execute((trx) => signUp(app.accounts.deps, trx, prepared.input, prepared.hash));
    await sql`update accounts_users set status = 'active', activated_at = now()`.execute(database.db);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/account/login`;
    const login = async () => {
      const started = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: who.email, password: who.password }) });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`login answered ${res.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < Math.min(concurrency, 4); i++) await login();
    const times: number[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          next++;
          times.push(await login());
        }
      }),
    );
    const elapsed = performance.now() - start;
    times.sort((a, b) => a - b);
    return { perSecond: (times.length / elapsed) * 1000, p50: times[Math.floor(times.length * 0.5)]!, p95: times[Math.floor(times.length * 0.95)]! };
  } finally {
    await app.close();
  }
}

export async function main(args: string[]): Promise<number> {
  const options = benchFlags(args, { logins: { type: 'string' }, concurrency: { type: 'string' }, hashes: { type: 'string' } }, usage);
  if (typeof options === 'number') return options;
  const total = Number(options.logins ?? 60);
  const concurrency = Number(options.concurrency ?? 4);
  const hashes = Number(options.hashes ?? 10);
  if (![total, concurrency, hashes].every((n) => Number.isInteger(n) && n >= 1 && n <= 100_000)) {
    process.stderr.write(`--logins, --concurrency and --hashes must be whole numbers from 1 to 100000\n${usage}`);
    return 2;
  }
  let database: DatabaseHandle;
  let drop = async () => {};
  const base = options['database-url'];
  if (base) {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = base;
    const scratch = await createScratchPostgres();
    process.env.DATABASE_URL = previous;
    drop = scratch.drop;
    database = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: 10 });
  } else {
    database = await openDatabase({ databaseUrl: null, pgliteDir: null });
  }
  try {
    await migrate(database.db, allMigrations);
    const p = currentParams;
    process.stdout.write(`Accounts benchmark on ${database.engine}; Argon2id m=${p.memory} KiB, t=${p.passes}, p=${p.parallelism}\n`);
    const cost = await hashCost(hashes);
    process.stdout.write(`hash cost    hash ${cost.hashMs.toFixed(1)} ms   verify ${cost.verifyMs.toFixed(1)} ms   (one at a time, mean of ${hashes})\n`);
    const result = await logins(database, total, concurrency);
    process.stdout.write(
      `sign-ins/s   ${result.perSecond.toFixed(1)}   (${total} over HTTP, ${concurrency} at a time; p50 ${result.p50.toFixed(0)} ms, p95 ${result.p95.toFixed(0)} ms)\n` +
        `note: a sign-in costs about one verification of CPU; on N cores expect at most N × 1000 / verify-ms per second.\n`,
    );
    return 0;
  } finally {
    await database.close();
    await drop();
  }
}
