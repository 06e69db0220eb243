// The test harness's databases (decision 0031): TEST_ENGINES narrows the engines; on PostgreSQL
// every test database is a copy of one migrated template rather than migrated on its own.
import assert from 'node:assert/strict';
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
