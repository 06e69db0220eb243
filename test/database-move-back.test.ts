// The way back (decision 0076): a shop on PostgreSQL, scaling down, is stopped and moved with
// `custodian database move --to embedded` (a process of its own) into a new embedded database under
// its DATA_DIR; it then starts there with DATABASE_URL unset. Needs PostgreSQL (DATABASE_URL).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { staffTokenHeaders } from '../src/accounts/testing.ts';
import { cliInProcess, cliProcess } from '../src/cli/testing.ts';
import { newClient } from '../src/commerce/cart/testing.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import { openDatabase, pgliteDirFor } from '../src/platform/db/database.ts';
import { lockDataDir } from '../src/platform/db/data-dir-lock.ts';
import { incomingDirFor } from '../src/platform/db/move-to-embedded.ts';
import { createScratchPostgres, migratedPostgresTemplate, testEngines, type TestDatabase } from '../src/platform/testing/databases.ts';
import { anchorPathFor, sealAuditLog } from '../src/privacy/index.ts';
import { addToCart, address, guest, keyOf } from './checkout-support.ts';
import { ada, bob, customerWithHistory, rightsBed, signUp } from './rights-support.ts';
import { numberOf, scratchBase, withPassword } from './database-move-support.ts';

// testEngines() here, not in the support file: .ci/run's PostgreSQL pass picks its files by it.
const onPostgres = testEngines().includes('postgres');

test('[issue 18] a stopped shop on PostgreSQL moves back into a new embedded database with `custodian database move --to embedded` and starts there: sign-in, orders, privacy centre, staff token, the audit chain and the next order number carry over; refused without DATABASE_URL, over an existing embedded database and while the data directory is locked, and a failed move leaves no embedded database [postgres]', {
  skip: !onPostgres && 'needs PostgreSQL (DATABASE_URL, TEST_ENGINES including postgres)',
  timeout: 240_000,
}, async (t) => {
  const dataDir = mkdtempSync(join(scratchBase(), 'custodian-move-back-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const pgliteDir = pgliteDirFor(dataDir);
  const incoming = incomingDirFor(pgliteDir);
  const scratch = await createScratchPostgres(await migratedPostgresTemplate());
  t.after(() => scratch.drop());
  const handle = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: 5 });
  const source: TestDatabase = { ...handle, url: scratch.url, pgliteDir: null };
  const bed = await rightsBed(source, { env: { DATA_DIR: dataDir, DATABASE_URL: scratch.url } });
  let running = true;
  const stop = async () => {
    if (!running) return;
    running = false;
    await bed.stopAll();
    await handle.close();
  };
  t.after(stop);
  const db = bed.app.db;
  const anchorPath = anchorPathFor(bed.config.keyringPath);
  assert.ok(bed.config.keyringPath.startsWith(dataDir), 'the keyring is in DATA_DIR, as by default');

  // The shop's life on PostgreSQL: a customer with orders and a basket, a second customer, a staff token.
  const kept = await customerWithHistory(bed, ada);
  await signUp(bed, newClient(bed.app), bob);
  const staff = await staffTokenHeaders(bed.app, db, 'fulfilment');
  await bed.app.privacy.flush();
  await sealAuditLog(db, { anchorPath });
  const lastNumber = Math.max(...(await sql<{ number: string }>`select number from orders`.execute(db)).rows.map((o) => numberOf(o.number)));
  await stop();

  const secretUrl = withPassword(scratch.url, 'do-not-print-me-7');
  const env = { DATA_DIR: dataDir, DATABASE_URL: secretUrl };
  const nothingEmbedded = () => {
    assert.ok(!existsSync(pgliteDir), 'no embedded database folder is left');
    assert.ok(!existsSync(incoming), 'no half-made database is left beside it');
  };

  await t.test('refused without DATABASE_URL: nothing to move from', async () => {
    const refused = await cliInProcess({ DATA_DIR: dataDir }, 'database', 'move', '--to', 'embedded');
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /DATABASE_URL is not set: there is no PostgreSQL database to move from/);
    nothingEmbedded();
  });

  await t.test('refused while another process holds the data directory: nothing written', async () => {
    mkdirSync(pgliteDir);
    const unlock = lockDataDir(pgliteDir);
    try {
      const refused = await cliInProcess(env, 'database', 'move', '--to', 'embedded');
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /Process \d+ has .*pglite open \(the shop, its worker or another move runs on the embedded database\)\. Stop it first\. Nothing was written\./);
      assert.doesNotMatch(refused.stderr + refused.stdout, /do-not-print-me-7/);
      assert.deepEqual(readdirSync(pgliteDir), ['custodian.lock'], 'only the holder’s lock is there');
      assert.ok(!existsSync(incoming));
    } finally {
      unlock();
      rmSync(pgliteDir, { recursive: true });
    }
  });

  await t.test('refused over an existing embedded database, which is never overwritten', async () => {
    mkdirSync(pgliteDir);
    writeFileSync(join(pgliteDir, 'PG_VERSION'), '17\n');
    writeFileSync(join(pgliteDir, 'old-shop-marker'), 'the stale copy');
    const refused = await cliInProcess(env, 'database', 'move', '--to', 'embedded');
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /pglite already holds an embedded database .* It is never overwritten: move that folder aside \(mv .*pglite .*pglite\.old\) and run the move again\. Nothing was written\./,
    );
    assert.deepEqual(readdirSync(pgliteDir).sort(), ['PG_VERSION', 'old-shop-marker']);
    assert.equal(readFileSync(join(pgliteDir, 'old-shop-marker'), 'utf8'), 'the stale copy');
    assert.ok(!existsSync(incoming));
    // As the owner is told: the stale copy goes aside and stays there.
    renameSync(pgliteDir, `${pgliteDir}.old`);
  });

  await t.test('refused while another session is connected to the database (a shop still running): nothing written', async () => {
    const running = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: 1 });
    try {
      await sql`select 1`.execute(running.db);
      const refused = await cliInProcess(env, 'database', 'move', '--to', 'embedded');
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(
        refused.stderr,
        /1 other session\(s\) are connected to the database at postgres:\/\/postgres@\S+: the shop, its worker, a pooler or a console may still write there.* Nothing was written\./,
      );
      assert.doesNotMatch(refused.stderr + refused.stdout, /do-not-print-me-7/);
      nothingEmbedded();
    } finally {
      await running.close();
    }
  });

  await t.test('a move that fails after the copy began leaves no embedded database, and the source as it was', async () => {
    const withStray = async (statement: ReturnType<typeof sql>) => {
      const direct = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: 1 });
      try {
        await statement.execute(direct.db);
      } finally {
        await direct.close();
      }
    };
    await withStray(sql`create table stray_table (x int)`);
    try {
      const failed = await cliInProcess(env, 'database', 'move', '--to', 'embedded');
      assert.equal(failed.code, 2, failed.stderr);
      assert.match(failed.stderr, /The tables of the database at postgres:\/\/postgres@\S+ differ from those the migrations make \(only in it: stray_table/);
      assert.doesNotMatch(failed.stderr + failed.stdout, /do-not-print-me-7/);
      nothingEmbedded();
    } finally {
      await withStray(sql`drop table if exists stray_table`);
    }
  });

  // The owner's command, as typed.
  const moved = await cliProcess(env, 'database', 'move', '--to', 'embedded');
  assert.equal(moved.code, 0, moved.stderr);
  assert.doesNotMatch(moved.stdout + moved.stderr, /do-not-print-me-7/, 'the password is never printed');
  assert.match(moved.stdout, /Moved \d+ row\(s\) in \d+ tables from postgres:\/\/postgres@\S+ to a new embedded database in .*pglite; every table's row count is the same on both sides/);
  assert.match(moved.stdout, /^ {2}orders +2$/m, 'the per-table summary counts the orders');
  assert.match(moved.stdout, /Unset DATABASE_URL[^\n]*\n\s+2\. custodian audit verify\n\s+3\. Start the shop/);
  assert.ok(existsSync(join(pgliteDir, 'PG_VERSION')), 'the new embedded database is in place');
  assert.ok(!existsSync(incoming), 'the folder it was made in is gone (renamed)');
  assert.equal(readFileSync(join(`${pgliteDir}.old`, 'old-shop-marker'), 'utf8'), 'the stale copy', 'the folder moved aside is untouched');

  // Every table's rows, as PostgreSQL prints them, are the same on both sides.
  const [before, after] = [await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: 1 }), await openDatabase({ databaseUrl: null, pgliteDir })];
  try {
    for (const side of [before.db, after.db]) await sql`set timezone = 'UTC'`.execute(side);
    const tables = (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' order by 1`.execute(after.db)).rows.map((r) => r.name);
    assert.ok(tables.length > 100);
    for (const table of tables) {
      const digest = sql<{ d: string }>`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as d from ${sql.table(table)} x`;
      assert.equal((await digest.execute(after.db)).rows[0]!.d, (await digest.execute(before.db)).rows[0]!.d, `${table} differs after the move`);
    }
    // The one table whose storage is not ordinary is unlogged on both engines (one migration for both).
    const persistence = sql<{ p: string }>`select relpersistence as p from pg_class where relname = 'rate_limits'`;
    assert.equal((await persistence.execute(after.db)).rows[0]!.p, 'u');
    assert.equal((await persistence.execute(before.db)).rows[0]!.p, 'u');
  } finally {
    await before.close();
    await after.close();
  }

  const verified = await cliInProcess({ DATA_DIR: dataDir }, 'audit', 'verify');
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /The audit chain verifies/);

  // The shop on the embedded database, same DATA_DIR (keyring, anchor), DATABASE_URL unset.
  const embedded = await openDatabase({ databaseUrl: null, pgliteDir });
  t.after(() => embedded.close());
  const onPglite: TestDatabase = { ...embedded, url: null, pgliteDir };
  const shop = await paymentsTestBed(onPglite, { DATA_DIR: dataDir });
  t.after(() => shop.close());
  const customer = newClient(shop.app);
  await customer.get('/account/login');
  assert.equal((await customer.post('/account/login', { email: ada.email, password: ada.password })).statusCode, 303, 'the customer signs in with their password');
  const orders = await customer.get('/account/orders');
  assert.equal(orders.statusCode, 200);
  for (const order of [kept.paid, kept.waiting]) assert.ok(orders.body.includes(order.number), `order ${order.number} is on the customer's page`);
  const centre = await customer.get('/account/privacy');
  assert.equal(centre.statusCode, 200);
  assert.ok(centre.body.includes(ada.name) && centre.body.includes(ada.email), 'the privacy centre decrypts what is held');
  const delivery = await shop.app.inject({ method: 'GET', url: `/api/staff/orders/${kept.paid.number}/delivery?purpose=fulfillment`, headers: staff });
  assert.equal(delivery.statusCode, 200, delivery.body);
  assert.ok(delivery.body.includes(ada.street), 'staff read the delivery address with the token made on PostgreSQL');
  const second = newClient(shop.app);
  await second.get('/account/login');
  assert.equal((await second.post('/account/login', { email: bob.email, password: bob.password })).statusCode, 303, 'the second customer signs in too');

  // A new order continues the numbering.
  const rtr1 = (await sql<{ id: string }>`select id from catalogue_variants where sku = 'RTR-1'`.execute(embedded.db)).rows[0]!.id;
  const buyer = newClient(shop.app);
  await addToCart(buyer, 'router', rtr1);
  const form = await buyer.get('/checkout');
  assert.equal((await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'card', ...guest, ...address })).statusCode, 303);
  const newest = (await sql<{ number: string }>`select number from orders order by created_at desc limit 1`.execute(embedded.db)).rows[0]!.number;
  assert.equal(numberOf(newest), lastNumber + 1, 'the order after the move takes the next number');
});
