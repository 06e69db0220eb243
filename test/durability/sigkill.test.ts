// A commit the shop acknowledged survives the process being killed (SIGKILL) in the middle of a
// stream of writes. PGlite runs with fsync off, so this is the promise on the embedded database: a
// killed process loses nothing it acknowledged (a power loss may). PostgreSQL is checked the same way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/platform/db/database.ts';
import { createScratchPostgres, testEngines } from '../../src/platform/testing/databases.ts';
import { ensureStopped, listVendorSlugs, staffHeaders, startShopProcess, tempDataDir, type ShopProcess } from './shop-process.ts';

const WRITES = 600;
const CONCURRENCY = 24;
const KILL_AFTER_ACKNOWLEDGED = 150;

interface Outcome {
  acknowledged: string[];
  refused: string[];
  lost: number;
}

/** Creates vendors from several clients at once and kills the shop once enough were acknowledged. */
async function writeUntilKilled(shop: ShopProcess, runId: string): Promise<Outcome> {
  const outcome: Outcome = { acknowledged: [], refused: [], lost: 0 };
  let next = 0;
  let killed = false;
  const client = async () => {
    while (next < WRITES) {
      const slug = `vendor-${runId}-${next++}`;
      try {
        const response = await fetch(`${shop.url}/api/staff/vendors`, {
          method: 'POST',
          headers: { ...staffHeaders, 'content-type': 'application/json' },
          body: JSON.stringify({ slug, name: `Vendor ${slug}` }),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        if (response.status === 201) {
          assert.equal((JSON.parse(text) as { slug: string }).slug, slug);
          outcome.acknowledged.push(slug);
        } else {
          outcome.refused.push(`${slug}: ${response.status} ${text}`);
        }
      } catch {
        // The connection died with the process: this write was never acknowledged.
        outcome.lost++;
        if (killed) return;
      }
      if (!killed && outcome.acknowledged.length >= KILL_AFTER_ACKNOWLEDGED) {
        killed = true;
        shop.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  return outcome;
}

test('the embedded database writes its log at each commit without fsync (what survives a kill, not a power loss)', async () => {
  const database = await openDatabase({ databaseUrl: null, pgliteDir: tempDataDir() });
  try {
    const setting = async (name: string) => Object.values((await sql.raw(`show ${name}`).execute(database.db)).rows[0] as object)[0];
    assert.equal(await setting('fsync'), 'off');
    assert.equal(await setting('synchronous_commit'), 'on');
  } finally {
    await database.close();
  }
});

for (const engine of testEngines()) {
  test(`every write acknowledged before a SIGKILL is there after restart [${engine}]`, { timeout: 480_000 }, async (t) => {
    const dataDir = tempDataDir();
    const scratch = engine === 'postgres' ? await createScratchPostgres() : null;
    const databaseUrl = scratch?.url ?? null;
    let shop: ShopProcess | null = null;
    try {
      shop = await startShopProcess({ dataDir, databaseUrl });
      const outcome = await writeUntilKilled(shop, engine);
      const exit = await shop.exited;
      assert.equal(exit.signal, 'SIGKILL', 'the shop was killed, not stopped');
      assert.deepEqual(outcome.refused, [], 'no write was refused while the shop ran');
      assert.ok(outcome.acknowledged.length >= KILL_AFTER_ACKNOWLEDGED, `${outcome.acknowledged.length} acknowledged`);
      assert.ok(outcome.acknowledged.length < WRITES, 'the kill came in the middle of the stream');

      shop = await startShopProcess({ dataDir, databaseUrl });
      const present = await listVendorSlugs(shop);
      const missing = outcome.acknowledged.filter((slug) => !present.has(slug));
      t.diagnostic(`${outcome.acknowledged.length} acknowledged, ${outcome.lost} cut off by the kill, ${present.size} present after restart`);
      assert.deepEqual(missing, [], `${missing.length} of ${outcome.acknowledged.length} acknowledged writes are gone`);
      // Nothing appears that was never sent, and the restarted shop takes writes again.
      for (const slug of present) assert.match(slug, new RegExp(`^vendor-${engine}-\\d+$`));
      assert.ok(present.size <= WRITES);
      const after = await fetch(`${shop.url}/api/staff/vendors`, {
        method: 'POST',
        headers: { ...staffHeaders, 'content-type': 'application/json' },
        body: JSON.stringify({ slug: 'after-restart', name: 'After restart' }),
      });
      assert.equal(after.status, 201, await after.text());
      shop.child.kill('SIGTERM');
      assert.deepEqual(await shop.exited, { code: 0, signal: null }, shop.output());
    } finally {
      await ensureStopped(shop);
      await scratch?.drop();
    }
  });
}
