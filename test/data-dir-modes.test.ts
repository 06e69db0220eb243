// Finding 1 of issue 11: the embedded database's files (the WAL included) were 666 in a 755
// DATA_DIR. A shop started under any umask leaves nothing in its data directory that group or
// others can reach, and a data directory loosened while it was stopped is tightened at the next
// start (decision 0025).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { testActor } from '../src/privacy/testing.ts';
import { queueMail } from '../src/comms/index.ts';
import { WELCOME, welcomeModule } from '../src/comms/testing/welcome-template.ts';
import { modules } from '../src/modules.ts';
import { startShop } from '../src/server.ts';

function walk(dir: string): { path: string; mode: number; dir: boolean }[] {
  const out = [{ path: dir, mode: lstatSync(dir).mode & 0o777, dir: true }];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) out.push(...walk(path));
    else out.push({ path, mode: lstatSync(path).mode & 0o777, dir: false });
  }
  return out;
}

const reachable = (dir: string) =>
  walk(dir)
    .filter((e) => (e.mode & 0o077) !== 0)
    .map((e) => `${e.path} ${e.mode.toString(8)}`);

async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

testEachDatabase(
  'a shop started under umask 000 leaves no file or folder in its data directory that group or others can reach, and tightens a loosened one at its next start',
  async (database) => {
    const umask = process.umask(0);
    try {
      const dataDir = mkdtempSync(join(tmpdir(), 'custodian-modes-'));
      chmodSync(dataDir, 0o755);
      const config = loadConfig({
        DATA_DIR: dataDir,
        PORT: '0',
        DEMO_DATA: 'false',
        WORKER_POLL_MS: '100',
        ...(database.url ? { DATABASE_URL: database.url } : {}),
      });
      const run = async (work: (shop: Awaited<ReturnType<typeof startShop>>) => Promise<void>) => {
        const shop = await startShop(config, createLogger('silent'), { modules: [...modules, welcomeModule] });
        try {
          await work(shop);
        } finally {
          await shop.stop();
        }
      };

      await run(async (shop) => {
        // Something of everything the shop writes: the database, the keyring, a spooled mail, the audit anchor.
        const kernel = shop.app.privacy;
        const actor = testActor('test.modes');
        const subject = await kernel.createSubject(shop.database.db, { kind: 'customer', actor, purpose: 'account' });
        await kernel.write(shop.database.db, { subject, actor, purpose: 'account', values: { 'user.name': 'Mode Person', 'user.contact.email': 'mode.person@example.com' } });
        await shop.database.db.transaction().execute((trx) => queueMail(trx, { subject, purpose: 'account', template: WELCOME, params: { link: 'https://shop.example/c/1' } }));
        await until('the spooled mail', () => existsSync(join(dataDir, 'mail')) && readdirSync(join(dataDir, 'mail')).some((f) => f.endsWith('.eml')));
        await until('the audit anchor', () => existsSync(join(dataDir, 'audit-head.json')));
      });
      const tree = walk(dataDir);
      assert.ok(tree.some((e) => e.path.endsWith('.eml')) && tree.some((e) => e.path.endsWith('keyring.json')));
      if (!database.url) assert.ok(tree.filter((e) => e.path.includes(`${join(dataDir, 'pglite')}`)).length > 100, 'the embedded database is in the walk');
      assert.deepEqual(reachable(dataDir), []);

      // Loosened while stopped (copied with the wrong umask, say), except the keyring, whose own check refuses.
      for (const e of tree) if (!e.path.endsWith('keyring.json')) chmodSync(e.path, e.dir ? 0o755 : 0o666);
      assert.ok(reachable(dataDir).length > 2);
      await run(async () => {});
      assert.deepEqual(reachable(dataDir), []);
    } finally {
      process.umask(umask);
    }
  },
  { timeout: 240_000 },
);
