// Backups end to end (P003-19, decision 0063): the restore drill through the CLI on a shop with
// customers and orders, a changed backup refused with nothing written, and the scheduled job with
// its staff page.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { staffClient } from '../src/accounts/testing.ts';
import { readArchive, readHeader, TAKE_JOB } from '../src/backups/index.ts';
import { cliInProcess } from '../src/cli/testing.ts';
import { openDatabase, pgliteDirFor, type DatabaseHandle } from '../src/platform/db/database.ts';
import { enqueue } from '../src/platform/jobs/index.ts';
import { waitFor } from '../src/platform/jobs/testing/support.ts';
import { createScratchPostgres, testEachDatabase } from '../src/platform/testing/databases.ts';
import { anchorPathFor, sealAuditLog, startKernel } from '../src/privacy/index.ts';
import { testActor } from '../src/privacy/testing.ts';
import { ada, bob, customerWithHistory, type Person, rightsBed, waitForRequest } from './rights-support.ts';

const carol: Person = {
  name: 'Carolina Wexford-Pine',
  email: 'carolina.wexford@example.org',
  password: 'meadow-copper-44-lantern',
  phone: '+1 617 555 0123',
  street: '3 Ledger Court',
  city: 'Cambridge',
};
const dpo = { name: 'Dana Privacy', email: 'dana.privacy@shop.example', role: 'dpo', password: 'quiet-harbour-72-ledger-moss' };
const owner = { name: 'Olive Owner', email: 'olive.owner@shop.example', role: 'owner', password: 'granite-heron-58-waits-patiently' };
const support = { name: 'Sam Support', email: 'sam.support@shop.example', role: 'support', password: 'violet-compass-19-drift-oak' };
const DAY = 86_400_000;

/** Every byte a backup holds, decrypted (the database dump decompressed), as latin1 text. */
async function decrypted(file: string, keyringPath: string): Promise<{ text: string; files: string[] }> {
  const entries: { path: string | null; gzip: boolean; bytes: Buffer[] }[] = [];
  await readArchive(file, keyringPath, {
    async entry(head) {
      entries.push(head.kind === 'file' ? { path: head.path, gzip: false, bytes: [] } : { path: null, gzip: true, bytes: [] });
    },
    async data(bytes) {
      entries.at(-1)!.bytes.push(bytes);
    },
  });
  const text = entries.map((e) => (e.gzip ? gunzipSync(Buffer.concat(e.bytes)) : Buffer.concat(e.bytes)).toString('latin1')).join('\n');
  return { text, files: entries.flatMap((e) => (e.path ? [e.path] : [])) };
}

const rows = async <T>(db: DatabaseHandle['db'], query: ReturnType<typeof sql<T>>) => (await query.execute(db)).rows;

testEachDatabase(
  '[P003-19] restore drill through the CLI: backup, an erasure and a new order after it, restore into a fresh database: old orders back, the erased customer stays erased, the audit chain verifies after the DPO re-anchors; the file holds no key and no email',
  async (database, t) => {
    const backupDir = mkdtempSync(join(tmpdir(), 'custodian-backups-'));
    // A backup older than BACKUP_RETENTION_DAYS (30), for the scheduled job to delete; and a file that is no backup, to keep.
    const stale = join(backupDir, 'custodian-backup-20200101T000000Z.cbk');
    writeFileSync(stale, 'old');
    utimesSync(stale, new Date(Date.now() - 40 * DAY), new Date(Date.now() - 40 * DAY));
    writeFileSync(join(backupDir, 'notes.txt'), 'not a backup');

    const bed = await rightsBed(database, { env: { BACKUP_DIR: backupDir, ...(database.url ? { DATABASE_URL: database.url } : {}) } });
    let running = true;
    t.after(() => (running ? bed.stopAll() : undefined));
    const db = bed.app.db;
    const { keyringPath, dataDir } = bed.config;
    const anchorPath = anchorPathFor(keyringPath);
    assert.ok(keyringPath.startsWith(dataDir), 'the keyring is inside DATA_DIR, as by default');
    const officer = await staffClient(bed.app, db, dpo);
    const gone = await customerWithHistory(bed, ada);
    const kept = await customerWithHistory(bed, bob);
    // The files the database names: a product picture and a digital product's file.
    mkdirSync(join(dataDir, 'media', 'ab'), { recursive: true });
    writeFileSync(join(dataDir, 'media', 'ab', 'router-640.webp'), 'RIFF-picture-bytes');
    mkdirSync(join(dataDir, 'downloads'), { recursive: true });
    writeFileSync(join(dataDir, 'downloads', 'firmware-2.bin'), 'sealed-download-bytes');
    await bed.app.privacy.flush();
    await sealAuditLog(db, { anchorPath });

    // The backup: on PostgreSQL `custodian backup` beside the running shop; the embedded database is
    // held by the shop's process, so there its worker takes it (the scheduled job).
    const env = { DATA_DIR: dataDir, ...(database.url ? { DATABASE_URL: database.url } : {}) };
    type Run = { id: number; origin: string; outcome: string; file_name: string | null; error_code: string | null; pruned: number };
    const lastRun = async () => (await rows<Run>(db, sql`select * from backups_runs order by id desc limit 1`))[0];
    const jobRun = async () => {
      const before = (await lastRun())?.id ?? 0;
      await enqueue(db, TAKE_JOB);
      return waitFor(
        'a backup run',
        async () => {
          const run = await lastRun();
          return run && run.id > before ? run : null;
        },
        120_000,
      );
    };
    let file: string;
    if (database.engine === 'postgres') {
      const taken = await cliInProcess(env, 'backup', '--to', backupDir);
      assert.equal(taken.code, 0, taken.stderr);
      assert.match(taken.stdout, /does not contain: a restore needs that keyring/);
      file = /Wrote (\S+\.cbk)/.exec(taken.stdout)![1]!;
    } else {
      const run = await jobRun();
      assert.equal(run.outcome, 'ok', `the scheduled backup failed: ${run.error_code}`);
      file = join(backupDir, run.file_name!);
    }
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the backup file is private');

    // After the backup: a customer deletes their account, another customer orders.
    await gone.client.get('/account/privacy/delete');
    assert.equal((await gone.client.post('/account/privacy/delete', { password: ada.password })).statusCode, 200);
    await waitForRequest(db, 'completed');
    const late = await customerWithHistory(bed, carol);
    await bed.app.privacy.flush();
    await sealAuditLog(db, { anchorPath });

    await t.test('the scheduled job writes a backup into BACKUP_DIR, records the run, deletes backups past retention; the owner sees it at /staff/backups', async () => {
      const run = database.engine === 'postgres' ? await jobRun() : (await lastRun())!;
      assert.equal(run.outcome, 'ok', `the scheduled backup failed: ${run.error_code}`);
      assert.equal(run.pruned, 1);
      assert.ok(existsSync(join(backupDir, run.file_name!)), 'the file is in BACKUP_DIR');
      assert.ok(!existsSync(stale), 'the backup past retention is deleted');
      assert.ok(existsSync(join(backupDir, 'notes.txt')), 'a file that is no backup is left alone');
      const ownerClient = await staffClient(bed.app, db, owner);
      const page = await ownerClient.get('/staff/backups');
      assert.equal(page.statusCode, 200, page.body.slice(0, 300));
      assert.match(page.body, /Last good backup/);
      assert.ok(page.body.includes(run.file_name!), 'the page names the last good backup');
      assert.doesNotMatch(page.body, /The last backup failed/);
      // A later failure is shown above the last good backup, by its code.
      await sql`insert into backups_runs (started_at, finished_at, outcome, error_code) values (now(), now(), 'failed', 'PG_DUMP_MISSING')`.execute(db);
      const failing = await ownerClient.get('/staff/backups');
      assert.match(failing.body, /The last backup failed<\/strong> at [^(]+\(PG_DUMP_MISSING\)/);
      assert.ok(failing.body.includes(run.file_name!), 'the last good backup is still named');
      const other = await staffClient(bed.app, db, support, '127.0.0.3');
      assert.equal((await other.get('/staff/backups')).statusCode, 403, 'only the owner sees backups');
    });

    const orders = await rows<{ id: string }>(db, sql`select id from orders`);
    assert.ok(
      orders.some((o) => o.id === late.paid.id),
      'the new order is in the live shop',
    );
    running = false;
    await bed.stopAll();

    // The restore, into a fresh DATA_DIR (and, on PostgreSQL, an empty database), with the shop's keyring.
    const freshDir = mkdtempSync(join(tmpdir(), 'custodian-restored-'));
    const fresh = database.engine === 'postgres' ? await createScratchPostgres() : null;
    t.after(() => fresh?.drop());
    const env2 = { DATA_DIR: freshDir, KEYRING_PATH: keyringPath, ...(fresh ? { DATABASE_URL: fresh.url } : {}) };

    await t.test('a changed, cut or foreign backup is refused with a clear message and nothing is restored', async () => {
      const changed = join(backupDir, 'changed.cbk');
      copyFileSync(file, changed);
      const bytes = readFileSync(changed);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
      writeFileSync(changed, bytes);
      const refused = await cliInProcess(env2, 'restore', '--from', changed);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /The backup cannot be used: it was changed .*Nothing was restored/);
      const cut = join(backupDir, 'cut.cbk');
      copyFileSync(file, cut);
      truncateSync(cut, statSync(cut).size - 100);
      assert.match((await cliInProcess(env2, 'restore', '--from', cut)).stderr, /cannot be used: it was (cut short|changed)/);
      // Another shop's keyring: the same shape, its own keys.
      const otherKeyring = join(mkdtempSync(join(tmpdir(), 'custodian-other-')), 'keyring.json');
      const other = JSON.parse(readFileSync(keyringPath, 'utf8')) as Record<string, unknown>;
      other.keyed_digest_key = randomBytes(32).toString('base64');
      writeFileSync(otherKeyring, JSON.stringify(other), { mode: 0o600 });
      const foreign = await cliInProcess({ ...env2, KEYRING_PATH: otherKeyring }, 'restore', '--from', file);
      assert.match(foreign.stderr, /not made with this keyring/);
      assert.deepEqual(readdirSync(freshDir), [], 'nothing was written into DATA_DIR');
      if (fresh) {
        const check = await openDatabase({ databaseUrl: fresh.url, pgliteDir: null, poolSize: 1 });
        const tables = await rows<{ n: number }>(check.db, sql`select count(*)::int as n from pg_tables where schemaname = 'public'`);
        await check.close();
        assert.equal(tables[0]!.n, 0, 'nothing was written into the database');
      }
    });

    if (database.engine === 'postgres') {
      await t.test('without pg_dump on PATH, `custodian backup` says so and leaves no file behind', async () => {
        const path = process.env.PATH;
        process.env.PATH = '/nonexistent';
        try {
          const failed = await cliInProcess(env, 'backup', '--to', backupDir);
          assert.equal(failed.code, 1);
          assert.match(failed.stderr, /pg_dump is not on PATH: install the PostgreSQL client tools/);
        } finally {
          process.env.PATH = path;
        }
        const [recorded] = await rows<Run>(database.db, sql`select * from backups_runs order by id desc limit 1`);
        assert.deepEqual([recorded?.outcome, recorded?.error_code, recorded?.origin], ['failed', 'PG_DUMP_MISSING', 'by_hand'], 'the failed run by hand is recorded');
        assert.deepEqual(
          readdirSync(backupDir).filter((name) => name.endsWith('.partial')),
          [],
        );
      });
    }

    const restored = await cliInProcess(env2, 'restore', '--from', file);
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /--reason restore/);
    assert.ok(existsSync(join(freshDir, 'media', 'ab', 'router-640.webp')) && existsSync(join(freshDir, 'downloads', 'firmware-2.bin')), 'the picture and the download file are back');
    assert.ok(!existsSync(join(freshDir, 'keyring.json')) && !existsSync(join(freshDir, 'audit-head.json')), 'no keyring or anchor came from the backup');
    assert.equal((await cliInProcess(env2, 'restore', '--from', file)).code, 2, 'a second restore over it is refused without --replace');

    // The restored chain is behind the anchor: verify fails until the privacy officer accepts it.
    const before = await cliInProcess(env2, 'audit', 'verify');
    assert.equal(before.code, 1, before.stdout);
    const reanchor = await cliInProcess(env2, 'audit', 'verify', '--re-anchor', '--dpo', dpo.email, '--code', officer.recoveryCodes[0]!, '--reason', 'restore');
    assert.equal(reanchor.code, 0, reanchor.stderr);
    const verified = await cliInProcess(env2, 'audit', 'verify');
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, /The audit chain verifies/);

    // The shop's kernel starts on it (anchor checked) and finishes the erasure made after the backup.
    const handle = await openDatabase(fresh ? { databaseUrl: fresh.url, pgliteDir: null, poolSize: 2 } : { databaseUrl: null, pgliteDir: pgliteDirFor(freshDir) });
    let open = true;
    t.after(() => (open ? handle.close() : undefined));
    const kernel = await startKernel({ db: handle.db, keyringPath, region: null, anchorPath, checkAnchor: true });
    const actor = testActor('test.restore-drill');
    await assert.rejects(kernel.read(handle.db, { subject: gone.subject, actor, purpose: 'account', categories: ['user.name'] }), { code: 'SUBJECT_ERASED' });
    assert.deepEqual(await kernel.findSubjects(handle.db, { category: 'user.contact.email', value: ada.email, actor, purpose: 'account' }), []);
    assert.equal((await kernel.read(handle.db, { subject: kept.subject, actor, purpose: 'account', categories: ['user.name'] })).values['user.name'], bob.name);
    const back = new Set((await rows<{ id: string }>(handle.db, sql`select id from orders`)).map((o) => o.id));
    for (const order of [gone.paid, kept.paid, kept.waiting]) assert.ok(back.has(order.id), `order ${order.number} from before the backup is back`);
    assert.ok(!back.has(late.paid.id), 'the order placed after the backup is not');
    await kernel.flush();

    if (database.engine === 'pglite') {
      await t.test('on the embedded database `custodian backup` needs the shop stopped, and then backs up the restored shop', async () => {
        const again = mkdtempSync(join(tmpdir(), 'custodian-backups-again-'));
        const held = await cliInProcess(env2, 'backup', '--to', again);
        assert.equal(held.code, 1);
        assert.match(held.stderr, /already open in another process/);
        await kernel.close();
        await handle.close();
        open = false;
        const taken = await cliInProcess(env2, 'backup', '--to', again);
        assert.equal(taken.code, 0, taken.stderr);
        const [name] = readdirSync(again);
        assert.equal((await readHeader(join(again, name!))).engine, 'pglite');
      });
    }

    // What the file holds: no keyring material, no email address in clear.
    const { text, files } = await decrypted(file, keyringPath);
    assert.deepEqual(files.sort(), ['downloads/firmware-2.bin', 'media/ab/router-640.webp']);
    const keyringText = readFileSync(keyringPath, 'utf8');
    const secrets = [...keyringText.matchAll(/"([A-Za-z0-9+/]{40,}={0,2})"/g)].map((m) => m[1]!);
    assert.ok(secrets.length >= 3, 'the keyring has keys to look for');
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), 'a keyring key (base64) is in the backup');
      assert.ok(!text.includes(Buffer.from(secret, 'base64').toString('latin1')), 'a keyring key (bytes) is in the backup');
    }
    assert.ok(!text.includes('custodian-keyring/'), 'the keyring file is in the backup');
    const raw = readFileSync(file).toString('latin1');
    for (const person of [ada, bob]) {
      assert.ok(!text.includes(person.email) && !raw.includes(person.email), `${person.email} is in the backup in clear`);
    }
    assert.equal(basename(file).endsWith('.cbk'), true);
  },
  { timeout: 400_000 },
);
