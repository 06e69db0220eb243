import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { quietLogger } from '../platform/jobs/testing/support.ts';
import { testEachDatabase, testEngines } from '../platform/testing/databases.ts';
import { personalData } from '../platform/testing/personal-data.ts';
import type { Logger } from '../platform/logger.ts';
import { allMigrations } from '../modules.ts';
import { staffActor, testActor } from './actors.ts';
import { BLIND_INDEX_JOB, maintainBlindIndexes, reindexRestoredRows } from './blind-index-rotation.ts';
import { BlindIndexer } from './crypto/blind-index.ts';
import { FileKeyring } from './crypto/keyring.ts';
import { downgradeToFormat1 } from './crypto/testing.ts';
import { kernelOf, type PrivacyKernel } from './kernel.ts';
import { privacyModule } from './module.ts';
import { SubjectErased } from './refusals.ts';
import { testKernel } from './testing.ts';
import { storeFor } from './testing-backups.ts';
import { kernelInternals } from './internals.ts';

const system = testActor('test');
const support = staffActor('s1', 'support');
const EMAIL = 'user.contact.email';
const DAY_MS = 86_400_000;

const find = (kernel: PrivacyKernel, db: Db, email: string) => kernel.findSubjects(db, { category: EMAIL, value: email, actor: support, purpose: 'support' });

async function person(kernel: PrivacyKernel, db: Db, values: Record<string, string>): Promise<string> {
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values });
  return subject;
}

async function indexRows(db: Db): Promise<{ subject_id: string; category: string; key_version: number; digest: Buffer }[]> {
  const { rows } = await sql<{ subject_id: string; category: string; key_version: number; digest: Buffer }>`
    select subject_id, category, key_version, digest from privacy_blind_indexes order by subject_id, category`.execute(db);
  return rows.map((r) => ({ ...r, digest: Buffer.from(r.digest) }));
}

/** Runs the job the way a worker does: the registered handler, the settings, the process's kernel. */
async function runJob(db: Db, kernel: PrivacyKernel, rotationDays = 7, log: Logger = quietLogger): Promise<void> {
  const config = { rights: { blindIndexRotationDays: rotationDays } } as Config;
  await privacyModule.jobs![BLIND_INDEX_JOB]!({}, { db, log, jobId: 1, attempt: 1, services: { config, privacy: kernel } });
}

function recordingLogger(): { log: Logger; lines: { level: string; obj: Record<string, unknown> }[] } {
  const lines: { level: string; obj: Record<string, unknown> }[] = [];
  const log = Object.fromEntries(['info', 'debug', 'warn', 'error'].map((level) => [level, (obj: Record<string, unknown>) => lines.push({ level, obj })])) as unknown as Logger;
  return { log, lines };
}

test('the privacy module schedules the blind-index job hourly', () => {
  assert.deepEqual(
    privacyModule.schedules!.find((s) => s.job === BLIND_INDEX_JOB),
    { name: BLIND_INDEX_JOB, job: BLIND_INDEX_JOB, everySeconds: 3600 },
  );
});

test('the shipped data map has a blind index only on the email, the one category code looks people up by', async () => {
  const { loadDataMap } = await import('./datamap/load.ts');
  const map = loadDataMap(new URL('../../datamap/', import.meta.url).pathname);
  assert.deepEqual(
    [...map.categories.values()].filter((c) => c.blindIndex).map((c) => c.key),
    [EMAIL],
    "a blind index lets the keyring holder test a backup's digests until its key is destroyed (decision 0023): add one only with a lookup that needs it",
  );
});

testEachDatabase(
  'blind-index rotation keeps lookups working: rows under the retiring key are found before and after re-indexing, and the retiring key is destroyed only when no row uses it',
  async ({ db, url }) => {
    const { kernel, setNow } = await testKernel(db);
    const ctx = kernelInternals(kernel);
    const start = new Date();
    setNow(start);
    const people = [];
    for (let i = 0; i < 5; i++) people.push(await person(kernel, db, { 'user.name': `Rota Person ${i}`, [EMAIL]: `rota.${i}@example.test` }));
    // Within the period nothing happens, however often the job runs.
    await maintainBlindIndexes(ctx, db, { rotationDays: 7 });
    assert.deepEqual(new Set((await indexRows(db)).map((r) => r.key_version)), new Set([1]));

    // Rotated but not yet re-indexed: the rows under the retiring key are found, so is a new person under the active key.
    assert.equal(await ctx.keyring.rotateBlindIndexKey(ctx.now(), 1), 2);
    for (const [i, s] of people.entries()) assert.deepEqual(await find(kernel, db, `rota.${i}@example.test`), [s]);
    const newcomer = await person(kernel, db, { [EMAIL]: 'newcomer@example.test' });
    assert.equal((await indexRows(db)).find((r) => r.subject_id === newcomer)!.key_version, 2);
    assert.deepEqual(await find(kernel, db, 'newcomer@example.test'), [newcomer]);

    if (url) {
      // Another worker holds one row under the retiring key: this run skips it and keeps the key.
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        await other.query('begin');
        await other.query('select 1 from privacy_blind_indexes where subject_id = $1 for update', [people[0]]);
        const run = await maintainBlindIndexes(ctx, db, { rotationDays: 7, batch: 2 });
        assert.deepEqual([run.reindexed, run.destroyed, run.stillRetiring], [4, [], 1]);
        assert.deepEqual(await find(kernel, db, 'rota.0@example.test'), [people[0]], 'the skipped row is still found under the retiring key');
        await other.query('commit');
      } finally {
        await other.end();
      }
    }
    const run = await maintainBlindIndexes(ctx, db, { rotationDays: 7, batch: 2 });
    assert.deepEqual([run.rotatedTo, run.reindexed, run.destroyed, run.stillRetiring], [null, url ? 1 : 5, [1], null]);
    assert.deepEqual(new Set((await indexRows(db)).map((r) => r.key_version)), new Set([2]));
    assert.deepEqual(
      ctx.keyring.blindIndexKeys().map((k) => k.version),
      [2],
    );
    for (const [i, s] of people.entries()) assert.deepEqual(await find(kernel, db, `rota.${i}@example.test`), [s]);

    // Past the period, one run rotates, re-indexes everything and destroys the key it replaced.
    setNow(new Date(start.getTime() + 8 * DAY_MS));
    const later = await maintainBlindIndexes(ctx, db, { rotationDays: 7 });
    assert.deepEqual([later.rotatedTo, later.reindexed, later.destroyed, later.activeVersion], [3, 6, [2], 3]);
    for (const [i, s] of people.entries()) assert.deepEqual(await find(kernel, db, `rota.${i}@example.test`), [s]);
    assert.equal((await maintainBlindIndexes(ctx, db, { rotationDays: 7 })).rotatedTo, null, 'the new key is not due yet');

    // Audited as key events with counts, no person named.
    const { rows: audit } = await sql<{ action: string; subject_id: string | null; detail: Record<string, unknown> }>`
    select action, subject_id, detail from privacy_audit_log where actor_id = ${BLIND_INDEX_JOB} order by id`.execute(db);
    assert.ok(audit.length >= 2);
    assert.ok(audit.every((a) => a.action === 'key.rotate' && a.subject_id === null && a.detail.key === 'blind-index'));
    assert.deepEqual(audit.at(-1)!.detail, { key: 'blind-index', active_version: 3, rotated: true, reindexed: 6, dropped: 0, unindexed_deleted: 0, destroyed_versions: ['2'] });
    assert.ok(!JSON.stringify(audit).includes('example.test'));
  },
);

testEachDatabase('a write that made its digest under the old key while the job destroyed it is re-indexed by a later run', async ({ db }) => {
  const { kernel, setNow } = await testKernel(db);
  const ctx = kernelInternals(kernel);
  setNow(new Date());
  // A second process that took the keyring's keys just before the rotation and writes after the old key is gone.
  const before = ctx.keyring.blindIndexKeys().map((k) => ({ ...k, key: Buffer.from(k.key) }));
  const late = kernelOf({ ...ctx, blind: new BlindIndexer({ blindIndexKeys: () => before }) }, kernel.region);
  setNow(new Date(Date.now() + 8 * DAY_MS));
  const run = await maintainBlindIndexes(ctx, db, { rotationDays: 7 });
  assert.deepEqual([run.rotatedTo, run.destroyed], [2, [1]]);

  const subject = await late.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await late.write(db, { subject, actor: system, purpose: 'fulfillment', values: { [EMAIL]: 'late.writer@example.test' } });
  assert.equal((await indexRows(db))[0]!.key_version, 1, 'written under a version the keyring no longer holds');
  assert.deepEqual(await find(kernel, db, 'late.writer@example.test'), [], 'no key left can match it');

  const next = await maintainBlindIndexes(ctx, db, { rotationDays: 7 });
  assert.deepEqual([next.rotatedTo, next.reindexed, next.destroyed], [null, 1, []]);
  assert.equal((await indexRows(db))[0]!.key_version, 2);
  assert.deepEqual(await find(kernel, db, 'late.writer@example.test'), [subject]);
});

testEachDatabase("the job never carries an erased person over to the new key: in a restored database not yet reconciled, a punctured subject's row is deleted, not re-indexed", async ({ db }) => {
  const { kernel, setNow } = await testKernel(db);
  const ctx = kernelInternals(kernel);
  const kept = await person(kernel, db, { [EMAIL]: 'kept@example.test' });
  const gone = await person(kernel, db, { [EMAIL]: 'gone@example.test' });
  // The keyring erased `gone` after the backup this database came from: the leaf is punctured, the rows are back.
  const { rows } = await sql<{ leaf: number }>`select leaf from privacy_subject_keys where subject_id = ${gone}::uuid`.execute(db);
  await ctx.keyring.puncture(Number(rows[0]!.leaf));
  setNow(new Date(Date.now() + 8 * DAY_MS));
  const run = await maintainBlindIndexes(ctx, db, { rotationDays: 7 });
  assert.deepEqual([run.rotatedTo, run.reindexed, run.dropped, run.destroyed], [2, 1, 1, [1]]);
  assert.deepEqual(
    (await indexRows(db)).map((r) => [r.subject_id, r.key_version]),
    [[kept, 2]],
  );
  assert.deepEqual(await find(kernel, db, 'gone@example.test'), []);
  assert.deepEqual(await find(kernel, db, 'kept@example.test'), [kept]);
});

testEachDatabase('phone and bank-account items produce no blind-index rows, and the job deletes such rows an older data map left', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const values = { [EMAIL]: personalData.email, 'user.contact.phone_number': personalData.phone };
  const subject = await person(kernel, db, values);
  await kernel.write(db, { subject, actor: system, purpose: 'billing', values: { 'user.financial.bank_account': personalData.iban } });
  assert.deepEqual(
    (await indexRows(db)).map((r) => r.category),
    [EMAIL],
  );
  await assert.rejects(kernel.findSubjects(db, { category: 'user.contact.phone_number', value: personalData.phone, actor: support, purpose: 'support' }), { code: 'VALIDATION_FAILED' });

  // The data map before this change indexed phones and bank accounts: a kernel on it wrote such rows.
  const categories = new Map(kernel.map.categories);
  categories.set('user.contact.phone_number', { ...categories.get('user.contact.phone_number')!, blindIndex: 'phone' });
  categories.set('user.financial.bank_account', { ...categories.get('user.financial.bank_account')!, blindIndex: 'bank_account' });
  const old = kernelOf({ ...kernelInternals(kernel), map: { ...kernel.map, categories } }, kernel.region);
  const other = await person(old, db, values);
  await old.write(db, { subject: other, actor: system, purpose: 'billing', values: { 'user.financial.bank_account': personalData.iban } });
  assert.equal((await indexRows(db)).length, 4);

  await runJob(db, kernel);
  assert.deepEqual(
    (await indexRows(db)).map((r) => r.category),
    [EMAIL, EMAIL],
  );
  assert.equal(kernelInternals(kernel).keyring.activeBlindIndexVersion().version, 1, 'deleting rows is no rotation');
  const { rows } = await sql<{ detail: Record<string, unknown> }>`select detail from privacy_audit_log where actor_id = ${BLIND_INDEX_JOB}`.execute(db);
  assert.equal(rows[0]!.detail.unindexed_deleted, 2);
});

testEachDatabase(
  'a shop upgraded from a format-1 keyring keeps finding people by the digests it already holds, until the first rotation re-indexes them',
  async ({ db }) => {
    await migrate(
      db,
      allMigrations.filter((m) => m.id !== 'privacy/0002_blind_index_key_version'),
    );
    // Started before the new migration, as the shop ran before the upgrade (nothing to reconcile).
    const first = await testKernel(db, { reconcileErasures: false });
    const keyringPath = first.keyringPath;
    const subject = await first.kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
    // As the kernel before versioned keys wrote it: no key_version, the digest under the single key.
    const digest = kernelInternals(first.kernel).blind.digest(EMAIL, 'email', 'upgrade@example.test');
    await sql`insert into privacy_blind_indexes (subject_id, category, ref, digest) values (${subject}::uuid, ${EMAIL}, '', ${digest})`.execute(db);
    downgradeToFormat1(keyringPath);

    await migrate(db, allMigrations);
    const upgraded = await testKernel(db, { keyringPath });
    assert.deepEqual(await find(upgraded.kernel, db, 'upgrade@example.test'), [subject]);
    assert.equal((await indexRows(db))[0]!.key_version, 1);

    // The format-1 key is as old as the keyring, so once the period is past, the job rotates it out.
    await upgraded.kernel.write(db, { subject, actor: system, purpose: 'account', values: { [EMAIL]: 'upgrade@example.test' } });
    upgraded.setNow(new Date(Date.now() + 8 * DAY_MS));
    await runJob(db, upgraded.kernel);
    assert.equal(JSON.parse(readFileSync(keyringPath, 'utf8')).format, 'custodian-keyring/2');
    assert.deepEqual(
      kernelInternals(upgraded.kernel)
        .keyring.blindIndexKeys()
        .map((k) => k.version),
      [2],
    );
    assert.deepEqual(await find(upgraded.kernel, db, 'upgrade@example.test'), [subject]);
  },
  { migrate: false },
);

testEachDatabase('rows under keys the keyring destroyed are re-indexed at start up to a bound, and the job does the rest', async ({ db }) => {
  const { kernel, keyringPath } = await testKernel(db);
  const ctx = kernelInternals(kernel);
  const people = [];
  for (let i = 0; i < 4; i++) people.push(await person(kernel, db, { [EMAIL]: `restored.${i}@example.test` }));
  // As after restoring a backup older than the last rotation: the keyring no longer holds the rows' key.
  await ctx.keyring.rotateBlindIndexKey(ctx.now(), 1);
  await ctx.keyring.destroyBlindIndexKey(1);
  assert.deepEqual(await find(kernel, db, 'restored.0@example.test'), []);

  const { log, lines } = recordingLogger();
  const started = await testKernel(db, { keyringPath, log });
  assert.equal(lines.find((l) => l.level === 'info' && l.obj.reindexed === 4)?.level, 'info', JSON.stringify(lines));
  for (const [i, s] of people.entries()) assert.deepEqual(await find(started.kernel, db, `restored.${i}@example.test`), [s]);

  // More rows than start takes on: start does its share and says so, the job the rest.
  await ctx.keyring.rotateBlindIndexKey(ctx.now(), 2);
  await ctx.keyring.destroyBlindIndexKey(2);
  const bounded = recordingLogger();
  const partial = await reindexRestoredRows({ ...ctx, log: bounded.log }, db, testActor('test'), 3);
  assert.deepEqual(partial, { reindexed: 3, dropped: 0, complete: false });
  assert.ok(
    bounded.lines.some((l) => l.level === 'warn' && l.obj.reindexed === 3),
    JSON.stringify(bounded.lines),
  );
  await runJob(db, kernel);
  for (const [i, s] of people.entries()) assert.deepEqual(await find(kernel, db, `restored.${i}@example.test`), [s]);
  assert.deepEqual(new Set((await indexRows(db)).map((r) => r.key_version)), new Set([3]));
});

for (const engine of testEngines()) {
  test(`a backup taken before an erasure confirms the erased email only inside the rotation window; after it, no key the keyring holds matches any of its digests, and the people kept are found again [${engine}]`, {
    timeout: 180_000,
  }, async () => {
    const store = await storeFor(engine);
    try {
      let database = await store.open();
      await migrate(database.db, allMigrations);
      const first = await testKernel(database.db);
      const { keyringPath } = first;
      const erased = await person(first.kernel, database.db, { 'user.name': personalData.name, [EMAIL]: personalData.email, 'user.contact.phone_number': personalData.phone });
      const kept = await person(first.kernel, database.db, { 'user.name': 'Kept Customer', [EMAIL]: 'kept.customer@example.test' });
      await database.close();
      const restore = await store.backup();

      database = await store.open();
      const live = await testKernel(database.db, { keyringPath });
      await live.kernel.erase(database.db, { subject: erased, actor: system });
      await database.close();

      // What someone holding today's keyring and the backup can do with it.
      const attacker = () => new BlindIndexer(FileKeyring.open(keyringPath));
      const matches = (rows: { digest: Buffer }[]) => {
        const guesses = attacker().digestsUnderEveryKey(EMAIL, 'email', personalData.email);
        return rows.filter((r) => guesses.some((g) => g.digest.equals(r.digest))).length;
      };

      // Inside the window: nothing of the erased person decrypts, but their email's digest still
      // matches under a key the keyring holds. This is the documented limit (decision 0023).
      let restored = await restore();
      try {
        const rows = await indexRows(restored.db);
        assert.equal(rows.length, 2, 'the backup has the email rows only (phones carry no blind index)');
        assert.equal(matches(rows), 1, 'inside the window the backup confirms the erased email');
        const unreconciled = await testKernel(restored.db, { keyringPath, reconcileErasures: false });
        await assert.rejects(unreconciled.kernel.read(restored.db, { subject: erased, actor: system, purpose: 'fulfillment', categories: [EMAIL] }), SubjectErased);
      } finally {
        await restored.close();
      }

      // The rotation period passes and the job runs on the live database.
      database = await store.open();
      const later = await testKernel(database.db, { keyringPath });
      later.setNow(new Date(Date.now() + 8 * DAY_MS));
      await runJob(database.db, later.kernel);
      assert.deepEqual(
        kernelInternals(later.kernel)
          .keyring.blindIndexKeys()
          .map((k) => [k.version, k.state]),
        [[2, 'active']],
      );
      assert.deepEqual(await find(later.kernel, database.db, 'kept.customer@example.test'), [kept]);
      await database.close();

      restored = await restore();
      try {
        const rows = await indexRows(restored.db);
        assert.equal(matches(rows), 0, 'no digest of the erased email under any key the keyring holds matches the backup');
        assert.ok(rows.every((r) => r.key_version === 1));
        const started = await testKernel(restored.db, { keyringPath });
        assert.deepEqual(await find(started.kernel, restored.db, personalData.email), []);
        assert.deepEqual(await find(started.kernel, restored.db, 'kept.customer@example.test'), [kept], 'the restored shop finds the people it kept');
        assert.deepEqual(
          (await indexRows(restored.db)).map((r) => [r.subject_id, r.key_version]),
          [[kept, 2]],
        );
      } finally {
        await restored.close();
      }
    } finally {
      await store.cleanup();
    }
  });
}
