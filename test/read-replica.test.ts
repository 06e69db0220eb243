// The storefront on a streaming read replica (issue 18, decision 0068), PostgreSQL only: the test
// copies the local PostgreSQL server with pg_basebackup into a second cluster on another loopback
// port, starts it as a hot standby, and serves the shop with DATABASE_REPLICA_URL pointing at it.
// It needs root (to run the server as the postgres user), the server's own binaries, and a
// `host replication` line in pg_hba.conf (.ci/run adds it); without them it is skipped, saying why.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { staffClient } from '../src/accounts/testing.ts';
import { newClient } from '../src/commerce/cart/testing.ts';
import { createCategory, createProduct, createVendor } from '../src/commerce/catalogue/index.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import { loadConfig } from '../src/platform/config.ts';
import { type DatabaseHandle, openDatabase } from '../src/platform/db/database.ts';
import { openTestDatabase, testEngines } from '../src/platform/testing/databases.ts';
import { openShopDatabase } from '../src/server.ts';
import { addToCart, paidCardOrder } from './checkout-support.ts';
import { freePort } from '../src/platform/testing/free-port.ts';

const accept = { accept: 'text/html,application/xhtml+xml' };

function run(command: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.trim() };
}

/** The binaries of the server's own major version, or null. */
function serverBinaries(major: number): string | null {
  const dir = `/usr/lib/postgresql/${major}/bin`;
  return existsSync(join(dir, 'pg_basebackup')) && existsSync(join(dir, 'pg_ctl')) ? dir : null;
}

async function scalar<T>(url: string, query: string): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Object.values((await client.query(query)).rows[0] as Record<string, T>)[0] as T;
  } finally {
    await client.end();
  }
}

/** Waits until the replica has replayed everything the primary has written so far. */
async function caughtUp(primaryUrl: string, replicaUrl: string): Promise<void> {
  const target = await scalar<string>(primaryUrl, 'select pg_current_wal_lsn()::text');
  const deadline = Date.now() + 30_000;
  while (!(await scalar<boolean | null>(replicaUrl, `select pg_last_wal_replay_lsn() >= '${target}'::pg_lsn`))) {
    if (Date.now() > deadline) throw new Error(`the replica did not replay up to ${target} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Why this machine cannot run the test, or null when it can. */
function unsupported(): string | null {
  if (!testEngines().includes('postgres')) return 'PostgreSQL only (set DATABASE_URL)';
  const host = new URL(process.env.DATABASE_URL!).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return `DATABASE_URL names ${host}: the replica is made of a server on this machine`;
  if (process.getuid?.() !== 0) return 'needs root, to run the replica server as the postgres user';
  if (!run('runuser', ['--help']).ok && !existsSync('/usr/sbin/runuser')) return 'runuser is missing';
  if (!existsSync('/usr/lib/postgresql') || readdirSync('/usr/lib/postgresql').length === 0) return 'the PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are missing';
  return null;
}

test('read replica: the storefront reads its catalogue from a streaming replica; cached pages, sessions, carts and checkout use the primary', { timeout: 300_000 }, async (t) => {
  const why = unsupported();
  if (why) return t.skip(why);
  const base = process.env.DATABASE_URL!;
  const major = Math.floor(Number(await scalar<string>(base, 'show server_version_num')) / 10_000);
  const bin = serverBinaries(major);
  if (!bin) return t.skip(`pg_basebackup and pg_ctl of PostgreSQL ${major} are missing (/usr/lib/postgresql/${major}/bin)`);

  const database = await openTestDatabase('postgres');
  t.after(() => database.close());
  const primaryUrl = database.url!;

  // The replica: a base backup of the whole server (-R writes standby.signal and primary_conninfo),
  // started on a free loopback port with its own small configuration (Debian keeps the server's in /etc).
  const dir = mkdtempSync(join(tmpdir(), 'custodian-replica-'));
  const data = join(dir, 'data');
  const uid = Number(run('id', ['-u', 'postgres']).output);
  const gid = Number(run('id', ['-g', 'postgres']).output);
  chownSync(dir, uid, gid);
  const primary = new URL(base);
  const asPostgres = (command: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]);
  let started = false;
  t.after(() => {
    if (started) asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  });
  const from = ['-h', primary.hostname, '-p', primary.port || '5432', '-U', decodeURIComponent(primary.username) || 'postgres'];
  // -R: a standby (standby.signal, primary_conninfo); -X stream: the WAL it needs; -N: no fsync of a throwaway copy.
  const backup = asPostgres('pg_basebackup', [...from, '-D', data, ...'-R -X stream -c fast -N'.split(' ')]);
  if (!backup.ok) {
    const hint = `pg_basebackup failed (${backup.output}); the server needs "host replication all 127.0.0.1/32 trust" in pg_hba.conf (.ci/run adds it)`;
    if (process.env.CI) assert.fail(hint);
    return t.skip(hint);
  }
  const port = await freePort();
  // fsync off: a throwaway copy; it also spares the minutes of syncing the copied files at start.
  writeFileSync(join(data, 'postgresql.conf'), `listen_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\nhot_standby = on\nfsync = off\nshared_buffers = 32MB\n`);
  writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
  writeFileSync(join(data, 'pg_ident.conf'), '');
  mkdirSync(join(data, 'pg_stat_tmp'), { recursive: true });
  for (const file of ['postgresql.conf', 'pg_hba.conf', 'pg_ident.conf']) chownSync(join(data, file), uid, gid);
  const start = asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '120', 'start']);
  assert.ok(start.ok, `the replica did not start: ${start.output}`);
  started = true;
  const replicaUrl = Object.assign(new URL(primaryUrl), { port: String(port) }).toString();
  await caughtUp(primaryUrl, replicaUrl);

  // The shop, served as `npm start` would open it: DATABASE_URL and DATABASE_REPLICA_URL.
  const env = { DATABASE_URL: primaryUrl, DATABASE_REPLICA_URL: replicaUrl };
  const shopDir = mkdtempSync(join(tmpdir(), 'custodian-replica-shop-'));
  t.after(() => rmSync(shopDir, { recursive: true, force: true }));
  const shopDatabase: DatabaseHandle = await openShopDatabase(loadConfig({ DATA_DIR: shopDir, ...env }));
  t.after(() => shopDatabase.close());
  const bed = await paymentsTestBed(shopDatabase, env);
  t.after(() => bed.close());
  const { app } = bed;
  const db = shopDatabase.db;

  await t.test('the reader is the replica, the handle the primary', async () => {
    assert.equal(shopDatabase.readerIsReplica, true);
    assert.equal((await sql<{ r: boolean }>`select pg_is_in_recovery() as r`.execute(shopDatabase.reader)).rows[0]!.r, true);
    assert.equal((await sql<{ r: boolean }>`select pg_is_in_recovery() as r`.execute(db)).rows[0]!.r, false);
    // A replica that cannot be reached at start stops start, without repeating the URL.
    const wrong = 'postgres://postgres:hunter2@127.0.0.1:1/nowhere';
    await assert.rejects(
      openDatabase({ databaseUrl: primaryUrl, replicaUrl: wrong, pgliteDir: null, poolSize: 1 }),
      (err: Error) => /Cannot reach the read replica \(DATABASE_REPLICA_URL\)/.test(err.message) && !err.message.includes('hunter2'),
    );
  });

  await t.test('a guest adds to the cart and pays: writes and the checkout go to the primary', async () => {
    const order = await paidCardOrder(bed, db);
    const { rows } = await sql<{ status: string }>`select status from orders where id = ${order.orderId}`.execute(db);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.status, 'paid');
  });

  await t.test('with replay paused, visitors without a session see the replica; a cached page and a session see the primary', async () => {
    await caughtUp(primaryUrl, replicaUrl);
    await scalar(replicaUrl, 'select pg_wal_replay_pause()');
    try {
      const vendor = await createVendor(db, { slug: 'lagging-vendor', name: 'Lagging Vendor' });
      const category = await createCategory(db, { slug: 'lagging', name: 'Lagging' });
      await createProduct(
        db,
        { vendor_id: vendor.id, category_id: category.id, slug: 'replica-probe', name: 'Replica Probe', kind: 'physical', variants: [{ sku: 'PROBE-1', price_minor: 1_000, stock: 9 }] },
        { currency: 'USD' },
      );
      const search = await app.inject({ url: '/search?q=replica+probe', headers: accept });
      assert.equal(search.statusCode, 200);
      assert.doesNotMatch(search.body, /\/products\/replica-probe/, 'an anonymous search reads the replica, which has not replayed the new product');

      // A page that is cached is read from the primary while the replica lags, so it is never kept stale.
      const product = await app.inject({ url: '/products/replica-probe', headers: accept });
      assert.equal(product.statusCode, 200);
      assert.match(product.body, /Replica Probe/);

      // A visitor with a session (a cart) reads what was written, the primary's view.
      const buyer = newClient(app);
      await addToCart(buyer, 'replica-probe', (await sql<{ id: string }>`select id from catalogue_variants where sku = 'PROBE-1'`.execute(db)).rows[0]!.id);
      const own = await buyer.get('/search?q=replica+probe');
      assert.match(own.body, /\/products\/replica-probe/);
    } finally {
      await scalar(replicaUrl, 'select pg_wal_replay_resume()');
    }
    await caughtUp(primaryUrl, replicaUrl);
    const after = await app.inject({ url: '/search?q=replica+probe', headers: accept });
    assert.match(after.body, /\/products\/replica-probe/, 'once replayed, the replica shows it');
  });

  await t.test('the site-use report reads its counts from the replica; the staff sign-in works on the primary', async () => {
    const staff = await staffClient(app, db, { name: 'Mona Leftwich', email: 'mona.leftwich@shop.example', role: 'marketing', password: 'thistle-beacon-42-quiet-orchard' });
    const visits = async () => Number(/id="total-visits">([^<]+)</.exec((await staff.get('/staff/analytics')).body)?.[1]);
    await app.analyticsSettled?.();
    await caughtUp(primaryUrl, replicaUrl);
    const before = await visits();
    assert.ok(Number.isInteger(before));
    await scalar(replicaUrl, 'select pg_wal_replay_pause()');
    try {
      await sql`insert into analytics_daily (day, metric, dimension, value) values (current_date - 1, 'visits', '', 7)`.execute(db);
      assert.equal(await visits(), before, 'the replica has not replayed the new count yet');
    } finally {
      await scalar(replicaUrl, 'select pg_wal_replay_resume()');
    }
    await caughtUp(primaryUrl, replicaUrl);
    assert.equal(await visits(), before + 7);
  });

  await t.test('a replica that goes down sends its reads to the primary: the storefront stays up', async () => {
    assert.ok(asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).ok);
    started = false;
    // The pool drops its connections to the stopped server as their sockets close.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const search = await app.inject({ url: '/search?q=replica+probe', headers: accept });
    assert.equal(search.statusCode, 200);
    assert.match(search.body, /\/products\/replica-probe/);
    assert.equal((await app.inject({ url: '/catalogue?sort=price-desc', headers: accept })).statusCode, 200);
  });
});
