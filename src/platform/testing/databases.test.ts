// The test harness's databases (decision 0031): TEST_ENGINES narrows the engines; on PostgreSQL
// every test database is a copy of one migrated template rather than migrated on its own.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import pg from 'pg';
import { sql } from 'kysely';
import { allMigrations } from '../../modules.ts';
import { openTestDatabase, testEngines } from './databases.ts';

test('TEST_ENGINES picks among the engines there are, and names a wrong one', () => {
  const url = 'postgres://postgres@127.0.0.1:5432/postgres';
  assert.deepEqual(testEngines({}), ['pglite']);
  assert.deepEqual(testEngines({ DATABASE_URL: url }), ['pglite', 'postgres']);
  assert.deepEqual(testEngines({ DATABASE_URL: url, TEST_ENGINES: 'postgres' }), ['postgres']);
  assert.deepEqual(testEngines({ DATABASE_URL: url, TEST_ENGINES: 'pglite' }), ['pglite']);
  assert.deepEqual(testEngines({ DATABASE_URL: url, TEST_ENGINES: ' postgres , pglite ' }), ['pglite', 'postgres']);
  assert.throws(() => testEngines({ TEST_ENGINES: 'postgres' }), /TEST_ENGINES names postgres, which needs DATABASE_URL/);
  assert.throws(() => testEngines({ DATABASE_URL: url, TEST_ENGINES: 'mysql' }), /TEST_ENGINES: unknown engine "mysql"/);
});

test('on PostgreSQL, test databases are copies of one migrated template, made once [postgres only; skipped without DATABASE_URL]', {
  skip: process.env.DATABASE_URL ? false : 'DATABASE_URL is not set',
  timeout: 180_000,
}, async () => {
  const databases = await Promise.all([openTestDatabase('postgres'), openTestDatabase('postgres')]);
  try {
    const applied = await Promise.all(databases.map(async (d) => (await sql<{ id: string; at: string }>`select id, applied_at::text as at from schema_migrations order by id`.execute(d.db)).rows));
    assert.equal(applied[0]!.length, allMigrations.length, 'every migration is applied');
    // Migrated each on its own, the two would have been stamped at different moments.
    assert.deepEqual(applied[1], applied[0], 'both copies carry the same migration stamps');
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string; datistemplate: boolean; datallowconn: boolean }>(
        `select datname, datistemplate, datallowconn from pg_database where datname like 'custodian\\_tpl\\_%'`,
      );
      assert.ok(
        rows.some((r) => r.datistemplate && !r.datallowconn),
        `a template that no one connects to: ${JSON.stringify(rows)}`,
      );
      assert.ok(
        rows.every((r) => !/_b\d+$/.test(r.datname)),
        'no half-built template is left behind',
      );
    } finally {
      await admin.end();
    }
  } finally {
    await Promise.all(databases.map((d) => d.close()));
  }
});

test('on PGlite, each test database is its own migrated copy on files, gone when it closes', { timeout: 120_000 }, async () => {
  const [one, two] = [await openTestDatabase('pglite'), await openTestDatabase('pglite')];
  try {
    assert.ok(one.pgliteDir && two.pgliteDir && one.pgliteDir !== two.pgliteDir, 'two directories');
    const applied = async (db: typeof one.db) => (await sql<{ n: number }>`select count(*)::int as n from schema_migrations`.execute(db)).rows[0]!.n;
    assert.equal(await applied(one.db), allMigrations.length, 'migrated');
    await sql`create table harness_probe (id int)`.execute(one.db);
    const seen = await sql<{ n: number }>`select count(*)::int as n from pg_tables where tablename = 'harness_probe'`.execute(two.db);
    assert.equal(seen.rows[0]!.n, 0, 'a change in one copy is not in the other');
  } finally {
    await one.close();
    await two.close();
  }
  assert.equal(existsSync(one.pgliteDir!), false, 'the copy is removed on close');
});
