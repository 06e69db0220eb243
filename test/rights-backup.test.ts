// Erasure reaches backups (P000-12, decision 0010 and 0023): a database backup taken before a
// customer deleted their account, restored after the blind-index window has passed, can neither
// decrypt them nor confirm their email address; everybody else in it is readable and can sign in.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { createScratchPostgres, testEachDatabase, type TestDatabase } from '../src/platform/testing/databases.ts';
import { systemActor, startKernel } from '../src/privacy/index.ts';
import { testActor, blindDigestsOf, emailDigestsNow } from '../src/privacy/testing.ts';
import { ada, bob, customerWithHistory, rightsBed, waitForRequest } from './rights-support.ts';

/** Takes a backup as the operator would (PGlite's files, or pg_dump) and returns how to restore it into a fresh database. */
async function backup(database: TestDatabase): Promise<{ restore: () => Promise<DatabaseHandle>; drop: () => Promise<void> }> {
  if (database.engine === 'pglite') {
    const files = await database.dumpPGlite!();
    return { restore: () => openDatabase({ databaseUrl: null, pgliteDir: null, pgliteTemplate: files }), drop: async () => {} };
  }
  const file = join(mkdtempSync(join(tmpdir(), 'custodian-backup-')), 'backup.sql');
  execFileSync('pg_dump', ['--no-owner', '--no-privileges', '-f', file, '-d', database.url!]);
  const fresh = await createScratchPostgres();
  return {
    restore: async () => {
      execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-d', fresh.url, '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      return openDatabase({ databaseUrl: fresh.url, pgliteDir: null, poolSize: 4 });
    },
    drop: fresh.drop,
  };
}

testEachDatabase(
  '[P000-12] a backup taken before a customer deleted their account, restored after the blind-index window, neither decrypts them nor confirms their email; the others are found and read',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const db = database.db;
    const gone = await customerWithHistory(bed, ada);
    await customerWithHistory(bed, bob);
    await bed.app.privacy.flush();
    const taken = await backup(database);
    t.after(() => taken.drop());

    await gone.client.get('/account/privacy/delete');
    assert.equal((await gone.client.post('/account/privacy/delete', { password: ada.password })).statusCode, 200);
    await waitForRequest(db, 'completed');

    // The window passes: the scheduled job rotates the key the backup's digests were made under and
    // destroys it once the live rows are re-indexed (rotation age 0 stands for "older than BLIND_INDEX_ROTATION_DAYS").
    const run = await bed.app.privacy.maintainBlindIndexes(db, { actor: systemActor('privacy.blind-index'), rotationDays: 0 });
    assert.ok(run.rotatedTo !== null && run.destroyed.length === 1, JSON.stringify(run));

    const restored = await taken.restore();
    t.after(() => restored.close());
    // The backup still holds the person's pseudonymous rows and digests as they were that day …
    const digests = await blindDigestsOf(restored.db, gone.subject);
    assert.ok(digests.length > 0, 'the backup predates the erasure');
    // … but no key the keyring holds now produces any of them: the email cannot be tested against it.
    for (const candidate of emailDigestsNow(bed.app.privacy, ada.email)) {
      assert.ok(!digests.some((d) => d.equals(candidate.digest)), `the backup's digests match ${ada.email} under key version ${candidate.version}`);
    }

    // Started on the restored database with today's keyring, the shop finishes the erasure and re-indexes everyone else.
    const kernel = await startKernel({ db: restored.db, keyringPath: bed.config.keyringPath, region: null, anchorPath: null });
    const actor = testActor('test.restore');
    await assert.rejects(kernel.read(restored.db, { subject: gone.subject, actor, purpose: 'account', categories: ['user.name', 'user.contact.email'] }), { code: 'SUBJECT_ERASED' });
    assert.deepEqual(await kernel.findSubjects(restored.db, { category: 'user.contact.email', value: ada.email, actor, purpose: 'account' }), []);
    const others = await kernel.findSubjects(restored.db, { category: 'user.contact.email', value: bob.email, actor, purpose: 'account' });
    assert.equal(others.length, 1, 'the other customer is found by email in the restored shop');
    assert.equal((await kernel.read(restored.db, { subject: others[0]!, actor, purpose: 'account', categories: ['user.name'] })).values['user.name'], bob.name);
    await kernel.flush();
  },
);
