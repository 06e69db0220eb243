import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { testEachDatabase } from '../testing/databases.ts';
import { checkIdempotencyKey, fingerprint, withIdempotency, type IdempotentResult } from './idempotency.ts';

const KEY = 'k-0123456789abcdef';

async function ordersTable(db: Db) {
  await sql`create table test_orders (id serial primary key, note text not null)`.execute(db);
}
const orderCount = async (db: Db) => (await sql<{ n: number }>`select count(*)::int as n from test_orders`.execute(db)).rows[0]!.n;
const keyCount = async (db: Db) => (await sql<{ n: number }>`select count(*)::int as n from idempotency_keys`.execute(db)).rows[0]!.n;

/** A command that writes one order and answers with its id (like checkout's 303). */
function placeOrder(calls: { n: number }, delayMs = 0) {
  return async (trx: Db): Promise<IdempotentResult> => {
    calls.n++;
    const { rows } = await sql<{ id: number }>`insert into test_orders (note) values ('one') returning id`.execute(trx);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return { status: 303, body: { orderId: rows[0]!.id, location: `/pay/${rows[0]!.id}` } };
  };
}

const request = (body: unknown, key = KEY, owner = 'cart:one') => ({ scope: 'test', key, owner, requestHash: fingerprint(key, body) });

testEachDatabase('idempotency: a repeated request gets the first result and runs nothing', async ({ db }) => {
  await ordersTable(db);
  const calls = { n: 0 };
  const first = await withIdempotency(db, request({ a: 1, b: 'x' }), placeOrder(calls));
  assert.equal(first.replayed, false);
  assert.equal(first.result.status, 303);
  // Same body, keys in another order: the same request.
  const again = await withIdempotency(db, request({ b: 'x', a: 1 }), placeOrder(calls));
  assert.equal(again.replayed, true);
  assert.deepEqual(again.result, first.result);
  assert.equal(calls.n, 1);
  assert.equal(await orderCount(db), 1);
  // Another key is another request; the same key in another scope too.
  await withIdempotency(db, request({ a: 1, b: 'x' }, 'k-another-key-000'), placeOrder(calls));
  await withIdempotency(db, { ...request({ a: 1, b: 'x' }), scope: 'other' }, placeOrder(calls));
  assert.equal(await orderCount(db), 3);
  // The same key and request from another owner (another browser's cart) runs afresh: never a replay of someone else's answer.
  const elsewhere = await withIdempotency(db, request({ a: 1, b: 'x' }, KEY, 'cart:two'), placeOrder(calls));
  assert.equal(elsewhere.replayed, false);
  assert.notDeepEqual(elsewhere.result, first.result);
  assert.equal(await orderCount(db), 4);
});

testEachDatabase('idempotency: the same key with a different request is refused with 422 IDEMPOTENCY_KEY_REUSED', async ({ db }) => {
  await ordersTable(db);
  const calls = { n: 0 };
  await withIdempotency(db, request({ total: 100 }), placeOrder(calls));
  await assert.rejects(withIdempotency(db, request({ total: 101 }), placeOrder(calls)), (err: unknown) => {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(err.status, 422);
    return true;
  });
  assert.equal(calls.n, 1);
});

testEachDatabase('idempotency: a failed attempt stores no result, and a retry runs', async ({ db }) => {
  await ordersTable(db);
  // A thrown error rolls back the command's writes and the key together.
  await assert.rejects(
    withIdempotency(db, request({ a: 1 }), async (trx) => {
      await sql`insert into test_orders (note) values ('half')`.execute(trx);
      throw new Error('processor down');
    }),
    /processor down/,
  );
  assert.equal(await orderCount(db), 0);
  assert.equal(await keyCount(db), 0);
  // A 5xx answer keeps the command's own writes (its compensation) but not the key.
  const failed = await withIdempotency(db, request({ a: 1 }), async (trx) => {
    await sql`insert into test_orders (note) values ('cancelled')`.execute(trx);
    return { status: 503, body: { code: 'PAYMENT_PROCESSOR_UNAVAILABLE' } };
  });
  assert.equal(failed.result.status, 503);
  assert.equal(await keyCount(db), 0);
  const calls = { n: 0 };
  const retry = await withIdempotency(db, request({ a: 1 }), placeOrder(calls));
  assert.equal(retry.replayed, false);
  assert.equal(calls.n, 1);
  assert.equal(await keyCount(db), 1);
});

testEachDatabase('idempotency: two truly concurrent identical requests make one order, and both get its answer', async (database) => {
  const { db } = database;
  await ordersTable(db);
  const calls = { n: 0 };
  const [a, b] = await Promise.all([withIdempotency(db, request({ sku: 'X' }), placeOrder(calls, 300)), withIdempotency(db, request({ sku: 'X' }), placeOrder(calls, 300))]);
  assert.equal(calls.n, 1);
  assert.equal(await orderCount(db), 1);
  assert.deepEqual(a.result, b.result);
  assert.deepEqual([a.replayed, b.replayed].sort(), [false, true]);
});

testEachDatabase('idempotency: a duplicate that waits longer than allowed gets 409 IDEMPOTENCY_IN_PROGRESS', async (database) => {
  const { db } = database;
  await ordersTable(db);
  const calls = { n: 0 };
  const first = withIdempotency(db, request({ sku: 'X' }), placeOrder(calls, 1_500));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const second = withIdempotency(db, request({ sku: 'X' }), placeOrder(calls), { waitMs: 300 });
  if (database.engine === 'postgres') {
    await assert.rejects(second, (err: unknown) => err instanceof AppError && err.code === 'IDEMPOTENCY_IN_PROGRESS' && err.status === 409);
  } else {
    // The embedded database runs one transaction at a time: the duplicate can only queue behind the first.
    assert.equal((await second).replayed, true);
  }
  assert.equal((await first).replayed, false);
  assert.equal(calls.n, 1);
});

testEachDatabase('idempotency: an expired result no longer answers, the request runs again', async ({ db }) => {
  await ordersTable(db);
  const calls = { n: 0 };
  await withIdempotency(db, request({ a: 1 }), placeOrder(calls));
  await sql`update idempotency_keys set expires_at = now() - interval '1 second'`.execute(db);
  const again = await withIdempotency(db, request({ a: 1 }), placeOrder(calls));
  assert.equal(again.replayed, false);
  assert.equal(calls.n, 2);
});

testEachDatabase('idempotency: the table keeps neither the key nor anything readable of the request', async ({ db }) => {
  await ordersTable(db);
  await withIdempotency(db, request({ email: 'ada@example.com' }), placeOrder({ n: 0 }));
  const { rows } = await sql<Record<string, unknown>>`select * from idempotency_keys`.execute(db);
  const text = JSON.stringify(rows, (_k, v) => (v && typeof v === 'object' && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
  assert.ok(!text.includes(KEY));
  assert.ok(!text.includes('ada@example.com'));
});

test('idempotency: keys must be 8-255 visible characters, named in the error', () => {
  assert.equal(checkIdempotencyKey(KEY, 'idempotency_key'), KEY);
  for (const bad of ['', 'short', 'has space in it', 'x'.repeat(256), 42]) {
    assert.throws(
      () => checkIdempotencyKey(bad, 'idempotency_key'),
      (err: unknown) => err instanceof AppError && err.fields[0]!.field === 'idempotency_key',
    );
  }
});

testEachDatabase('idempotency: the command runs under the lock timeout it had before the claim, first time and after a duplicate waited', async ({ db }) => {
  await ordersTable(db);
  const seen: string[] = [];
  const command = async (trx: Db): Promise<IdempotentResult> => {
    seen.push((await sql<{ v: string }>`select current_setting('lock_timeout') as v`.execute(trx)).rows[0]!.v);
    return { status: 200, body: {} };
  };
  const outside = (await sql<{ v: string }>`select current_setting('lock_timeout') as v`.execute(db)).rows[0]!.v;
  await withIdempotency(db, request({ a: 1 }), command, { waitMs: 1234 });
  // An expired key is claimed twice in one transaction: the conflict path, then the claim again.
  await sql`update idempotency_keys set expires_at = now() - interval '1 second'`.execute(db);
  await withIdempotency(db, request({ a: 1 }), command, { waitMs: 1234 });
  assert.deepEqual(seen, [outside, outside]);
  assert.notEqual(outside, '1234ms');
});
