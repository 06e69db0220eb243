// Moving a shop from the embedded database to PostgreSQL (decision 0076), as its owner does it: a
// PGlite shop with a customer who bought, one who deleted their account and a staff token is
// stopped; `custodian database move` (a process of its own) copies it into an empty PostgreSQL
// database; the shop then starts there with the same DATA_DIR. Needs PostgreSQL (DATABASE_URL).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { staffTokenHeaders } from '../src/accounts/testing.ts';
import { cliInProcess, cliProcess } from '../src/cli/testing.ts';
import { newClient } from '../src/commerce/cart/testing.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import { openDatabase, pgliteDirFor } from '../src/platform/db/database.ts';
import { createScratchPostgres, migratedPostgresTemplate, pgliteTemplate, testEngines, type TestDatabase } from '../src/platform/testing/databases.ts';
import { anchorPathFor, sealAuditLog } from '../src/privacy/index.ts';
import { testActor } from '../src/privacy/testing.ts';
import { addToCart, address, guest, keyOf } from './checkout-support.ts';
import { ada, bob, customerWithHistory, rightsBed, signUp, waitForRequest } from './rights-support.ts';
import { numberOf, scratchBase, withPassword } from './database-move-support.ts';

// testEngines() here, not in the support file: .ci/run's PostgreSQL pass picks its files by it.
const onPostgres = testEngines().includes('postgres');

test('[issue 18] a stopped PGlite shop moves into an empty PostgreSQL database with `custodian database move` and starts there: sign-in, orders, privacy centre, staff token, the next order number, the audit chain and an erasure all carry over; refused while the shop runs and into a database that is not empty [postgres]', {
  skip: !onPostgres && 'needs PostgreSQL (DATABASE_URL, TEST_ENGINES including postgres)',
  timeout: 180_000,
}, async (t) => {
  const dataDir = mkdtempSync(join(scratchBase(), 'custodian-move-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const pgliteDir = pgliteDirFor(dataDir);
  const handle = await openDatabase({ databaseUrl: null, pgliteDir, pgliteRestore: await pgliteTemplate() });
  const source: TestDatabase = { ...handle, url: null, pgliteDir };
  const bed = await rightsBed(source, { env: { DATA_DIR: dataDir } });
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

  // The shop's life on PGlite: a customer with orders, one who deletes their account, a staff token.
  const kept = await customerWithHistory(bed, ada);
  const leaving = newClient(bed.app);
  await signUp(bed, leaving, bob);
  const gone = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer' order by created_at desc limit 1`.execute(db)).rows[0]!.subject_id;
  await leaving.get('/account/privacy/delete');
  assert.equal((await leaving.post('/account/privacy/delete', { password: bob.password })).statusCode, 200);
  await waitForRequest(db, 'completed');
  const staff = await staffTokenHeaders(bed.app, db, 'fulfilment');
  await bed.app.privacy.flush();
  await sealAuditLog(db, { anchorPath });
  const lastNumber = Math.max(...(await sql<{ number: string }>`select number from orders`.execute(db)).rows.map((o) => numberOf(o.number)));

  const target = await createScratchPostgres();
  t.after(() => target.drop());
  const env = { DATA_DIR: dataDir };
  const secretUrl = withPassword(target.url, 'do-not-print-me-7');

  await t.test('refused while the shop runs: the embedded database is held, nothing is written', async () => {
    const refused = await cliInProcess(env, 'database', 'move', '--to', target.url);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /The shop is running: process \d+ has the embedded database in .* open\. Stop the shop/);
  });
  await stop();

  await t.test('refused into a database that is not empty, naming --to, never printing the password', async () => {
    const full = await createScratchPostgres(await migratedPostgresTemplate());
    try {
      const refused = await cliInProcess(env, 'database', 'move', '--to', withPassword(full.url, 'do-not-print-me-7'));
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /--to: names a database that is not empty \(postgres:\/\/postgres@[^ ]+ holds \d+ table/);
      assert.doesNotMatch(refused.stderr + refused.stdout, /do-not-print-me-7/);
    } finally {
      await full.drop();
    }
    const withUrl = await cliInProcess({ ...env, DATABASE_URL: target.url }, 'database', 'move', '--to', target.url);
    assert.equal(withUrl.code, 2);
    assert.match(withUrl.stderr, /DATABASE_URL is set: the move reads the embedded database under DATA_DIR/);
  });

  // The owner's command, as typed.
  const moved = await cliProcess(env, 'database', 'move', '--to', secretUrl);
  assert.equal(moved.code, 0, moved.stderr);
  assert.doesNotMatch(moved.stdout + moved.stderr, /do-not-print-me-7/, 'the password is never printed');
  assert.match(moved.stdout, /Moved \d+ row\(s\) in \d+ tables from .* every table's row count is the same on both sides/);
  assert.match(moved.stdout, /^ {2}orders +2$/m, 'the per-table summary counts the orders');
  assert.match(moved.stdout, /^ {2}schema_migrations +\d+$/m, 'the record of migrations moves too');
  assert.ok(existsSync(join(pgliteDir, 'PG_VERSION')), 'the embedded database is left where it was');

  // Every table's rows, as PostgreSQL prints them, are the same on both sides; the audit log kept its numbers.
  const [before, after] = [await openDatabase({ databaseUrl: null, pgliteDir }), await openDatabase({ databaseUrl: target.url, pgliteDir: null, poolSize: 1 })];
  try {
    for (const side of [before.db, after.db]) await sql`set timezone = 'UTC'`.execute(side);
    const tables = (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' order by 1`.execute(after.db)).rows.map((r) => r.name);
    assert.ok(tables.length > 100);
    for (const table of tables) {
      const digest = sql<{ d: string }>`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as d from ${sql.table(table)} x`;
      assert.equal((await digest.execute(after.db)).rows[0]!.d, (await digest.execute(before.db)).rows[0]!.d, `${table} differs after the move`);
    }
  } finally {
    await before.close();
    await after.close();
  }

  const verified = await cliInProcess({ ...env, DATABASE_URL: target.url }, 'audit', 'verify');
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /The audit chain verifies/);

  // The shop on PostgreSQL, same DATA_DIR (keyring, anchor), checked at start.
  const moved_ = await openDatabase({ databaseUrl: target.url, pgliteDir: null, poolSize: 5 });
  t.after(() => moved_.close());
  const onServer: TestDatabase = { ...moved_, url: target.url, pgliteDir: null };
  const shop = await paymentsTestBed(onServer, { DATA_DIR: dataDir, DATABASE_URL: target.url });
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
  assert.ok(delivery.body.includes(ada.street), 'staff read the delivery address with the token made on PGlite');

  // A new order continues the numbering; the erased customer stays erased.
  const rtr1 = (await sql<{ id: string }>`select id from catalogue_variants where sku = 'RTR-1'`.execute(moved_.db)).rows[0]!.id;
  const buyer = newClient(shop.app);
  await addToCart(buyer, 'router', rtr1);
  const form = await buyer.get('/checkout');
  assert.equal((await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'card', ...guest, ...address })).statusCode, 303);
  const newest = (await sql<{ number: string }>`select number from orders order by created_at desc limit 1`.execute(moved_.db)).rows[0]!.number;
  assert.equal(numberOf(newest), lastNumber + 1, 'the order after the move takes the next number');
  await assert.rejects(shop.app.privacy.read(moved_.db, { subject: gone, actor: testActor('test.move'), purpose: 'account', categories: ['user.name'] }), { code: 'SUBJECT_ERASED' });
  const erased = newClient(shop.app);
  await erased.get('/account/login');
  assert.notEqual((await erased.post('/account/login', { email: bob.email, password: bob.password })).statusCode, 303, 'the erased customer cannot sign in');
});
