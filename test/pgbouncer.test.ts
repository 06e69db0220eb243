// The shop behind PgBouncer in transaction mode (issue 18, decision 0067): the web app and the
// worker query through the pooler (DATABASE_URL), LISTEN runs on a direct connection
// (DATABASE_DIRECT_URL). Buyers check out at once, each submitting twice, pay on the processor's
// page and come back; the worker, which only NOTIFY wakes here, sends the mail. Every order exists
// once, every mail goes once, the audit chain verifies, and what needs a session never went through
// the pooler. PostgreSQL only; skipped without DATABASE_URL or without the pgbouncer package.
// The other checkout tests run through the pooler too with TEST_PGBOUNCER=1 (.ci/run).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { makeShop, newClient } from '../src/commerce/cart/testing.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { collectJobs, enqueue } from '../src/platform/jobs/index.ts';
import { jobInState, quietLogger, testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { openTestDatabase } from '../src/platform/testing/databases.ts';
import { noPgBouncer, startPgBouncer } from '../src/platform/testing/pgbouncer.ts';
import { verifyAuditLog } from '../src/privacy/index.ts';
import { modules, wiringOf } from '../src/modules.ts';
import { startShop } from '../src/server.ts';
import { submitPayForm, TEST_CARD } from '../src/sandbox-processor/testing.ts';
import { address, addToCart, keyOf, pathOf } from './checkout-support.ts';

const BUYERS = 5; // the router's whole stock
const CLEANUP_JOB = 'jobs.cleanup'; // the job queue's own housekeeping job, a job every shop runs

type Cleanup = (step: () => unknown) => void;

/** Cleanup steps run last-registered first: the shop stops before the pooler, the pooler before the database is dropped. */
function cleanups(t: { after(fn: () => Promise<void>): void }): Cleanup {
  const steps: (() => unknown)[] = [];
  t.after(async () => {
    for (const step of steps.reverse()) await step();
  });
  return (step) => steps.push(step);
}

test('pooling: behind PgBouncer in transaction mode, concurrent doubled checkouts are paid and mailed once each, NOTIFY wakes the worker over the direct connection, and the audit chain verifies [postgres only]', {
  skip: noPgBouncer,
  timeout: 180_000,
}, async (t) => {
  const cleanup = cleanups(t);
  const direct = await openTestDatabase('postgres');
  cleanup(() => direct.close());
  const bouncer = await startPgBouncer(process.env.DATABASE_URL!);
  cleanup(() => bouncer.stop());
  const directUrl = direct.url!;
  const database = await openDatabase({ databaseUrl: bouncer.pooledUrl(directUrl), directUrl, pgliteDir: null, poolSize: 10 });
  cleanup(() => database.close());
  const sink = await startSmtpSink();
  cleanup(() => sink.stop());
  const bed = await paymentsTestBed(database, { SMTP_URL: sink.url });
  cleanup(() => bed.close());
  // A poll of a minute: within this test only enqueue's NOTIFY (or a finished job) wakes the worker.
  const worker = testWorker(database, collectJobs(modules).handlers, { services: { config: bed.config, privacy: bed.app.privacy, wiring: wiringOf(modules) }, pollMs: 60_000 });
  await worker.start();
  cleanup(() => worker.stop(5000));

  const shop = await makeShop(database.db);
  const emailOf = (i: number) => `buyer${i}@example.com`;
  const numbers = await Promise.all(
    Array.from({ length: BUYERS }, async (_, i) => {
      const buyer = newClient(bed.app);
      await addToCart(buyer, 'router', shop.rtr1);
      const form = await buyer.get('/checkout');
      const post = { idempotency_key: keyOf(form.body), method: 'card', name: `Buyer ${i}`, email: emailOf(i), age: 'adult', ...address };
      // A doubled submit, both at once: one order, one payment, the same processor page.
      const [first, second] = await Promise.all([buyer.post('/checkout', post), buyer.post('/checkout', post)]);
      assert.equal(first.statusCode, 303, first.body);
      assert.equal(second.statusCode, 303, second.body);
      assert.equal(second.headers.location, first.headers.location);
      const paid = await submitPayForm(first.headers.location as string, TEST_CARD);
      assert.equal(paid.status, 303, paid.body);
      const back = await buyer.get(pathOf(paid.location!));
      assert.equal(back.statusCode, 303, back.body);
      const done = await buyer.get(back.headers.location as string);
      assert.equal(done.statusCode, 200);
      return /id="order-number">([^<]+)</.exec(done.body)?.[1] ?? '';
    }),
  );

  const { rows: orders } = await sql<{ number: string; status: string }>`select number, status from orders`.execute(direct.db);
  assert.deepEqual(orders.map((o) => o.number).sort(), [...numbers].sort(), 'each buyer has exactly one order');
  assert.ok(
    orders.every((o) => o.status === 'paid'),
    JSON.stringify(orders),
  );
  const { rows: payments } = await sql<{ n: number }>`select count(*)::int as n from payments_attempts where status = 'succeeded'`.execute(direct.db);
  assert.equal(payments[0]!.n, BUYERS, 'one paid payment per order');
  assert.equal((await sql<{ stock: number }>`select stock from catalogue_variants where sku = 'RTR-1'`.execute(direct.db)).rows[0]!.stock, 0);

  // The worker sends each receipt once; nothing but NOTIFY (over the direct connection) woke it.
  for (const number of numbers) await sink.waitForMail((m) => m.text.includes(number) && /Receipt/.test(m.subject ?? ''), 30_000);
  await waitFor('the outbox to be sent', async () => (await sql<{ n: number }>`select count(*)::int as n from comms_outbox where status = 'queued'`.execute(direct.db)).rows[0]!.n === 0, 30_000);
  for (const number of numbers) assert.equal(sink.received.filter((m) => m.text.includes(number) && /Receipt/.test(m.subject ?? '')).length, 1, `one receipt for ${number}`);
  const { rows: failed } = await sql<{ n: number }>`select count(*)::int as n from jobs where state = 'dead'`.execute(direct.db);
  assert.equal(failed[0]!.n, 0, 'no job died');

  const verified = await verifyAuditLog(direct.db);
  assert.ok(verified.ok, JSON.stringify(verified.firstBroken));

  // The queries went through the pooler; every LISTEN session is a direct one, none a pooled server connection.
  const dbName = new URL(directUrl).pathname.slice(1);
  const stats = (await bouncer.admin('SHOW STATS')).find((r) => r.database === dbName);
  assert.ok(Number(stats?.total_xact_count) > 100, `transactions through PgBouncer: ${stats?.total_xact_count}`);
  const pooledPids = new Set((await bouncer.admin('SHOW SERVERS')).filter((r) => r.database === dbName).map((r) => Number(r.remote_pid)));
  assert.ok(pooledPids.size > 0);
  const { rows: listeners } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = ${dbName} and query ilike 'listen %'`.execute(direct.db);
  assert.ok(listeners.length >= 1, 'the worker and the caches listen');
  for (const { pid } of listeners) assert.ok(!pooledPids.has(pid), `LISTEN session ${pid} is not one of PgBouncer's`);
});

test('pooling: `npm start` with DATABASE_URL on PgBouncer and DATABASE_DIRECT_URL on the server serves the storefront, and a job it enqueues wakes its worker over the direct connection [postgres only]', {
  skip: noPgBouncer,
  timeout: 120_000,
}, async (t) => {
  const cleanup = cleanups(t);
  const direct = await openTestDatabase('postgres');
  cleanup(() => direct.close());
  const bouncer = await startPgBouncer(process.env.DATABASE_URL!);
  cleanup(() => bouncer.stop());
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-pgbouncer-shop-'));
  cleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    DEMO_DATA: 'false',
    LOG_LEVEL: 'silent',
    WORKER_POLL_MS: '60000',
    DATABASE_URL: bouncer.pooledUrl(direct.url!),
    DATABASE_DIRECT_URL: direct.url!,
  });
  const shop = await startShop(config, quietLogger);
  cleanup(() => shop.stop());
  assert.equal((await fetch(`${shop.url}/`)).status, 200);
  const id = (await enqueue(shop.database.db, CLEANUP_JOB))!;
  await waitFor('the shop’s worker, woken by NOTIFY, to run the job', () => jobInState(direct.db, id, 'done'), 20_000);
  const dbName = new URL(direct.url!).pathname.slice(1);
  const pooledPids = new Set((await bouncer.admin('SHOW SERVERS')).filter((r) => r.database === dbName).map((r) => Number(r.remote_pid)));
  const { rows: listeners } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = ${dbName} and query ilike 'listen %'`.execute(direct.db);
  assert.ok(listeners.length >= 3, `the worker, the storefront and the brand cache listen (${listeners.length} sessions)`);
  for (const { pid } of listeners) assert.ok(!pooledPids.has(pid), `LISTEN session ${pid} is not one of PgBouncer's`);
});
