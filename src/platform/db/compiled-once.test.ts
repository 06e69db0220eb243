// A statement compiled once runs the SQL and values a fresh compile would, still passes the
// database's plugins, and refuses what would make its SQL depend on the values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { testEachDatabase } from '../testing/databases.ts';
import { countingStatements } from '../testing/statement-count.ts';
import { compiledOnce } from './compiled-once.ts';

const byName = compiledOnce(
  ['name', 'after'],
  (db, p: { name: string; after: Date | null }) => db.selectFrom('t').select(['id', 'name']).where('name', '=', p.name).where('at', '>', p.after).where('kind', '=', 'x'),
  { prepared: true },
);

testEachDatabase('a statement compiled once runs as a fresh compile would, and passes the plugins', async ({ db }) => {
  await sql`create table t (id int primary key, name text not null, at timestamptz, kind text not null)`.execute(db);
  await sql`insert into t values (1, 'a', '2026-01-02', 'x'), (2, 'b', '2026-01-02', 'x'), (3, 'a', '2026-01-02', 'y')`.execute(db);
  const fresh = db.selectFrom('t').select(['id', 'name']).where('name', '=', 'a').where('at', '>', new Date('2026-01-01')).where('kind', '=', 'x').compile();
  const once = byName(db, { name: 'a', after: new Date('2026-01-01') });
  assert.equal(once.sql, `/* prepared */ ${fresh.sql}`);
  assert.deepEqual(once.parameters, fresh.parameters);
  assert.deepEqual((await db.executeQuery(once)).rows, [{ id: 1, name: 'a' }]);
  // Each call its own values; the second call reuses the SQL.
  assert.deepEqual((await db.executeQuery(byName(db, { name: 'b', after: new Date('2026-01-01') }))).rows, [{ id: 2, name: 'b' }]);
  const { counted, statements } = countingStatements(db);
  await counted.executeQuery(byName(counted, { name: 'a', after: null }));
  assert.deepEqual(statements, ['SelectQueryNode']);
  // A plugin that rewrites the statement gets it compiled from what it returned, with the call's values.
  const limited = db.withPlugin({
    transformQuery: ({ node }) => (node.kind === 'SelectQueryNode' ? { ...node, limit: { kind: 'LimitNode', limit: { kind: 'ValueNode', value: 0 } } } : node) as typeof node,
    transformResult: async ({ result }) => result,
  });
  const rewritten = byName(limited, { name: 'a', after: new Date('2026-01-01') });
  assert.match(rewritten.sql, /limit \$4$/);
  assert.deepEqual((await limited.executeQuery(rewritten)).rows, []);
});

test('compiledOnce refuses an `in` list, whose length would shape the SQL', () => {
  const listed = compiledOnce(['ids'], (db, p: { ids: number[] }) => db.selectFrom('t').selectAll().where('id', 'in', p.ids));
  const db = { getExecutor: () => ({ transformQuery: (n: unknown) => n }) } as never;
  assert.throws(() => listed(db, { ids: [1, 2] }), /"ids" is an `in` list/);
});

test('compiledOnce refuses a name that is not a parameter, and a call without a value', () => {
  const literal = compiledOnce(['name'], (db, _p: { name: string }) => db.selectFrom('t').selectAll().where('name', '=', sql.lit('a')));
  const db = { getExecutor: () => ({ transformQuery: (n: unknown) => n }) } as never;
  assert.throws(() => literal(db, { name: 'a' }), /"name" is not a parameter/);
  assert.throws(() => byName(db, { name: undefined as unknown as string, after: null }), /no value for "name"/);
});
