// Checkout's and orders' events: written inside the caller's transaction in one statement, and a
// row the table refuses never aborts that transaction (the order it belongs to still commits).
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { recordEvent } from './record.ts';
import { countingStatements } from '../platform/testing/statement-count.ts';

const kinds = async (db: Db) => (await sql<{ kind: string; hour: number; day: string }>`select kind, hour, day::text as day from analytics_hits order by at, kind`.execute(db)).rows;

testEachDatabase("an event is one statement in the caller's transaction, and commits or rolls back with it", async ({ db }) => {
  const at = new Date('2026-03-04T05:06:07Z');
  const { counted, statements } = countingStatements(db);
  await counted.transaction().execute(async (trx) => {
    await recordEvent(trx, 'checkout_start', at);
  });
  assert.equal(statements.length, 1);
  await db
    .transaction()
    .execute(async (trx) => {
      await recordEvent(trx, 'purchase', at);
      throw new Error('the order failed');
    })
    .catch(() => undefined);
  assert.deepEqual(await kinds(db), [{ kind: 'checkout_start', hour: 5, day: '2026-03-04' }], 'the rolled-back purchase is not counted');
});

testEachDatabase('a refused event costs only itself: the transaction goes on and commits', async ({ db }) => {
  await sql`create table probe_orders (id int primary key)`.execute(db);
  await db.transaction().execute(async (trx) => {
    await sql`insert into probe_orders values (1)`.execute(trx);
    // A kind the table's check refuses (recordEvent's type allows none, so the function is called directly).
    await sql`select analytics_record_event('refund', current_date, now(), 1::smallint)`.execute(trx);
    await sql`insert into probe_orders values (2)`.execute(trx);
    await recordEvent(trx, 'purchase');
  });
  assert.equal((await sql<{ n: number }>`select count(*)::int as n from probe_orders`.execute(db)).rows[0]!.n, 2);
  assert.deepEqual(
    (await kinds(db)).map((r) => r.kind),
    ['purchase'],
  );
});
