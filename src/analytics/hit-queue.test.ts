// The hit queue: a burst of hits becomes a few multi-row inserts written one after another (rows of
// one insert share a transaction id), a bad row costs only itself, and past MAX_QUEUED waiting
// rows hits are dropped and counted instead of held.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { createLogger } from '../platform/logger.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { BATCH, type Hit, hitQueue, MAX_QUEUED } from './hit-queue.ts';

function capturedLog(): { log: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const log = createLogger('warn', new Writable({ write: (c, _e, done) => done(void chunks.push(String(c))) }));
  return {
    log,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const hit = (n: number, at = new Date()): Hit => ({
  day: at.toISOString().slice(0, 10),
  at,
  hour: at.getUTCHours(),
  kind: 'page_view',
  page: `/products/p-${n}`,
  referrer_host: null,
  browser: 'Firefox',
  platform: 'Linux',
  visit_hash: Buffer.alloc(16, n % 256),
});

const count = async (db: Db, where = sql`true`) =>
  (await sql<{ n: number; inserts: number }>`select count(*)::int as n, count(distinct xmin::text)::int as inserts from analytics_hits where ${where}`.execute(db)).rows[0]!;

testEachDatabase('a burst of hits is written in batches, one insert at a time', async ({ db }) => {
  const { log } = capturedLog();
  const queue = hitQueue(db, log);
  const n = BATCH * 2 + 200;
  for (let i = 0; i < n; i++) queue.add(hit(i));
  await queue.settled();
  const written = await count(db);
  assert.equal(written.n, n);
  // The first add starts the writer with one row; the rest wait and go in batches of BATCH.
  assert.ok(written.inserts <= Math.ceil((n - 1) / BATCH) + 1, `${written.inserts} inserts for ${n} hits`);
  assert.equal((await sql<{ n: number }>`select count(distinct page)::int as n from analytics_hits`.execute(db)).rows[0]!.n, n);
});

testEachDatabase('a row the table refuses costs only itself, logged by its code', async ({ db }) => {
  const { log, lines } = capturedLog();
  const queue = hitQueue(db, log);
  queue.add(hit(0));
  for (let i = 1; i <= 20; i++) queue.add(i === 7 ? { ...hit(i), hour: 25 } : hit(i));
  await queue.settled();
  assert.equal((await count(db)).n, 20);
  assert.equal((await count(db, sql`page = '/products/p-7'`)).n, 0);
  const warned = lines().filter((l) => l.msg === 'could not record site use');
  assert.equal(warned.length, 1);
  assert.equal(warned[0]!.code, '23514', 'the check violation, by code');
  assert.ok(!JSON.stringify(warned).includes('/products/'), 'no row content in the log');
});

testEachDatabase('past MAX_QUEUED waiting hits, new ones are dropped and counted', async ({ db }) => {
  const { log, lines } = capturedLog();
  const queue = hitQueue(db, log);
  // The first add is taken by the writer at once; then MAX_QUEUED wait; the rest are dropped.
  const extra = 5;
  for (let i = 0; i < MAX_QUEUED + 1 + extra; i++) queue.add(hit(i));
  await queue.settled();
  assert.equal((await count(db)).n, MAX_QUEUED + 1);
  assert.deepEqual(
    lines()
      .filter((l) => 'dropped' in l)
      .map((l) => l.dropped),
    [extra],
  );
  // The queue works on after an overflow.
  queue.add(hit(MAX_QUEUED + 100));
  await queue.settled();
  assert.equal((await count(db)).n, MAX_QUEUED + 2);
});
