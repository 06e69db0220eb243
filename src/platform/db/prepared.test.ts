import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../testing/databases.ts';
import { isPrepared, prepared, preparedQuery } from './prepared.ts';

testEachDatabase('a statement marked `prepared` is prepared once per connection and returns what the same unmarked statement returns', async ({ db }) => {
  await sql`create table prep_t (id uuid primary key, n bigint, b bytea, at timestamptz, tags text[], note text)`.execute(db);
  const row = (id: string, n: number) => [id, n, Buffer.from([0, 1, 254, 255]), new Date('2025-03-04T05:06:07.089Z'), ['a', 'b"c', 'd,e'], null] as const;
  const insert = (marked: boolean, r: ReturnType<typeof row>) =>
    sql<{
      id: string;
    }>`${marked ? prepared : sql``}insert into prep_t values (${r[0]}::uuid, ${r[1]}::bigint, ${r[2]}::bytea, ${r[3]}::timestamptz, ${r[4]}::text[], ${r[5]}::text) returning id`.execute(db);
  const select = (marked: boolean, id: string) => sql<Record<string, unknown>>`${marked ? prepared : sql``}select id, n, b, at, tags, note from prep_t where id = ${id}::uuid`.execute(db);

  const ids = ['7f1d3a52-0c6e-4c35-9d0f-2f7b0c2d9a01', '7f1d3a52-0c6e-4c35-9d0f-2f7b0c2d9a02', '7f1d3a52-0c6e-4c35-9d0f-2f7b0c2d9a03'];
  assert.deepEqual((await insert(true, row(ids[0]!, 2 ** 40))).rows, [{ id: ids[0] }]);
  assert.deepEqual((await insert(true, row(ids[1]!, 7))).rows, [{ id: ids[1] }]);
  await insert(false, row(ids[2]!, 7));
  for (const id of ids) {
    const [a, b] = [(await select(true, id)).rows, (await select(false, id)).rows];
    assert.equal(a.length, 1);
    assert.deepEqual({ ...a[0], b: Buffer.from(a[0]!.b as Uint8Array) }, { ...b[0], b: Buffer.from(b[0]!.b as Uint8Array) });
  }
  assert.equal(Number((await select(true, ids[0]!)).rows[0]!.n), 2 ** 40);
  assert.deepEqual((await select(true, ids[0]!)).rows[0]!.tags, ['a', 'b"c', 'd,e']);
  assert.equal((await select(true, '00000000-0000-0000-0000-000000000000')).rows.length, 0);

  // Prepared on the connection that ran it, once (not once per run).
  await db.connection().execute(async (conn) => {
    await sql`${prepared}select ${1}::int as one`.execute(conn);
    await sql`${prepared}select ${2}::int as one`.execute(conn);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like '/* prepared */ select $1::int as one'`.execute(conn);
    assert.equal(rows[0]!.n, 1);
    // A query builder's statement, marked with preparedQuery, is prepared the same way.
    const byId = (id: string) => preparedQuery(conn.selectFrom('prep_t').select(['id', 'n']).where('id', '=', id));
    assert.ok(isPrepared(byId(ids[1]!).sql));
    assert.deepEqual((await conn.executeQuery(byId(ids[1]!))).rows, [{ id: ids[1], n: 7 }]);
    await conn.executeQuery(byId(ids[2]!));
    const built = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like '/* prepared */ select "id", "n" from "prep_t"%'`.execute(conn);
    assert.equal(built.rows[0]!.n, 1);
  });

  // An error keeps its code, and the connection (and an open transaction's rollback) still works.
  await assert.rejects(insert(true, row(ids[0]!, 1)), (err: { code?: string }) => err.code === '23505');
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await sql`${prepared}insert into prep_t (id) values (${'7f1d3a52-0c6e-4c35-9d0f-2f7b0c2d9a09'}::uuid)`.execute(trx);
      await sql`${prepared}insert into prep_t (id) values (${ids[0]}::uuid)`.execute(trx);
    }),
    (err: { code?: string }) => err.code === '23505',
  );
  assert.equal((await select(true, '7f1d3a52-0c6e-4c35-9d0f-2f7b0c2d9a09')).rows.length, 0, 'the transaction rolled back');
  assert.equal((await select(true, ids[1]!)).rows.length, 1);
});

testEachDatabase('a prepared statement whose table a migration changed under it still answers on the same connection', async ({ db }) => {
  await sql`create table prep_m (id int primary key, a text)`.execute(db);
  await sql`insert into prep_m values (1, 'one')`.execute(db);
  await db.connection().execute(async (conn) => {
    const all = () => sql<Record<string, unknown>>`${prepared}select * from prep_m where id = ${1}::int`.execute(conn);
    assert.deepEqual((await all()).rows, [{ id: 1, a: 'one' }]);
    await sql`alter table prep_m add column b int not null default 2`.execute(conn);
    assert.deepEqual((await all()).rows, [{ id: 1, a: 'one', b: 2 }], 'the new column, not an error');
    assert.deepEqual((await all()).rows, [{ id: 1, a: 'one', b: 2 }], 'and again');
    // Inside a transaction the stale statement fails that transaction once; the next one answers.
    const inTransaction = () => sql<Record<string, unknown>>`${prepared}select * from prep_m where id = ${1}::int and a = ${'one'}`.execute(conn);
    assert.deepEqual((await inTransaction()).rows, [{ id: 1, a: 'one', b: 2 }]);
    await sql`alter table prep_m add column c int not null default 3`.execute(conn);
    await sql`begin`.execute(conn);
    await assert.rejects(inTransaction(), (err: { code?: string }) => err.code === '0A000');
    await sql`rollback`.execute(conn);
    await sql`begin`.execute(conn);
    assert.deepEqual((await inTransaction()).rows, [{ id: 1, a: 'one', b: 2, c: 3 }]);
    await sql`commit`.execute(conn);
  });
});
