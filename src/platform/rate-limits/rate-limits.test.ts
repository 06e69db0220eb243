// The rate limit kept in the database on PostgreSQL (decision 0066): two apps on one database count
// against one limit; the table holds a keyed digest of the address, never the address; a window
// ends and the sweep job deletes it. On PGlite (one process by design) the count stays in the
// process. The limit across separate processes is test/scale/processes.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Module } from '../module.ts';
import { buildTestApp } from '../testing/app.ts';
import { testEachDatabase } from '../testing/databases.ts';
import { databaseCounter, deleteEndedWindows } from './counter.ts';

testEachDatabase(
  'two apps on one database share one limit, and the table keeps only a keyed digest of the address',
  async (database, t) => {
    const env = { RATE_LIMIT_PER_MINUTE: '4', DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-limits-')) };
    const a = await buildTestApp(database, env);
    const b = await buildTestApp(database, env);
    t.after(async () => {
      await a.app.close();
      await b.app.close();
    });
    const client = '203.0.113.41';
    const statuses: number[] = [];
    for (const app of [a.app, b.app, a.app, b.app, a.app, b.app]) statuses.push((await app.inject({ url: '/healthz', remoteAddress: client })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
    assert.equal((await b.app.inject({ url: '/healthz', remoteAddress: '203.0.113.42' })).statusCode, 200, 'another address has its own allowance');

    const { rows } = await sql<{ key_digest: Buffer; hits: number; text: string }>`select key_digest, hits, encode(key_digest, 'escape') as text from rate_limits order by hits desc`.execute(
      database.db,
    );
    assert.deepEqual(
      rows.map((r) => r.hits),
      [6, 1],
    );
    for (const row of rows) {
      assert.equal(row.key_digest.length, 32);
      assert.ok(!row.text.includes('203.0.113'), 'no address in the table');
    }
  },
  { engines: ['postgres'] },
);

testEachDatabase(
  'on PGlite, one process by design, the limit is counted in the process: no write per request',
  async (database, t) => {
    const { app } = await buildTestApp(database, { RATE_LIMIT_PER_MINUTE: '2' });
    t.after(() => app.close());
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.inject({ url: '/healthz', remoteAddress: '203.0.113.43' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 429]);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from rate_limits`.execute(database.db);
    assert.equal(rows[0]!.n, 0);
  },
  { engines: ['pglite'] },
);

testEachDatabase('a window ends a set time after its first request, and the sweep deletes ended windows', async (database) => {
  let now = Date.parse('2026-03-01T10:00:00Z');
  const counter = databaseCounter({ db: database.db, digestKey: () => Buffer.alloc(32, 7), now: () => now });
  assert.deepEqual(await counter.hit('198.51.100.1', 60_000), { hits: 1, ttlMs: 60_000 });
  now += 59_000;
  assert.deepEqual(await counter.hit('198.51.100.1', 60_000), { hits: 2, ttlMs: 1_000 });
  await counter.hit('198.51.100.2', 60_000);
  now += 1_000;
  assert.deepEqual(await counter.hit('198.51.100.1', 60_000), { hits: 1, ttlMs: 60_000 }, 'the ended window starts again at one');
  assert.equal(await deleteEndedWindows(database.db, new Date(now)), 0);
  assert.equal(await deleteEndedWindows(database.db, new Date(now + 60_000)), 2);
});

testEachDatabase(
  'a count that fails lets the request through, and the failure is logged once a minute, not per request',
  async (database, t) => {
    const failing: Module = { name: 'failing_counter', migrations: [], requestCounter: () => ({ hit: () => Promise.reject(Object.assign(new Error('connection lost'), { code: '57P01' })) }) };
    // On PGlite the shop's counter stands aside (null), so the test's failing one is used.
    const { app, logs } = await buildTestApp(database, { RATE_LIMIT_PER_MINUTE: '1' }, { extraModules: [failing] });
    t.after(() => app.close());
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.inject({ url: '/healthz', remoteAddress: '203.0.113.44' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200]);
    const warnings = logs.filter((l) => l.msg === 'rate limit: a request could not be counted and was let through');
    assert.equal(warnings.length, 1);
    assert.deepEqual(warnings[0]!.error, { type: 'Error', code: '57P01' });
  },
  { engines: ['pglite'] },
);
