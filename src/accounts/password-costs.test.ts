// Tests hash passwords at cheap Argon2id costs the test harness asks for; nothing else can: no
// setting fills them and the shop refuses to start with them (decision 0031). The production
// costs are asserted by the password-change test in customers.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { buildTestApp, TEST_PASSWORD_COSTS } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { testActor } from '../privacy/testing.ts';
import { startShop } from '../server.ts';
import { CREDENTIALS } from './identity.ts';
import { currentParams, parseHash } from './passwords.ts';
import { FormClient, signUpAndConfirm } from './testing.ts';

testEachDatabase('the test app hashes new passwords and the decoy at the cheap test costs', async (database) => {
  const { app, config } = await buildTestApp(database);
  try {
    assert.deepEqual(config.testPasswordCosts, TEST_PASSWORD_COSTS);
    await signUpAndConfirm(new FormClient(app), database.db);
    const { rows } = await sql<{ subject_id: string }>`select subject_id from accounts_users union all select subject_id from accounts_decoy`.execute(database.db);
    assert.equal(rows.length, 2, 'the account and the decoy');
    for (const { subject_id: subject } of rows) {
      const hash = (await app.privacy.read(database.db, { subject, actor: testActor('test'), purpose: 'account', categories: [CREDENTIALS] })).values[CREDENTIALS];
      assert.deepEqual(parseHash(String(hash))?.params, TEST_PASSWORD_COSTS);
    }
  } finally {
    await app.close();
  }
});

test('no setting lowers the password costs, and the shop refuses to start with test costs', async () => {
  const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-test-')), TEST_PASSWORD_COSTS: '64', PASSWORD_COSTS: '64', ARGON2_MEMORY: '64' };
  const config = loadConfig(env);
  assert.equal(config.testPasswordCosts, undefined);
  assert.ok(currentParams.memory >= 19_456 && currentParams.passes >= 2, "the production costs are at least OWASP's minimum");
  await assert.rejects(startShop({ ...config, testPasswordCosts: { ...TEST_PASSWORD_COSTS } }, createLogger('silent')), /refusing to start: test password-hashing costs are set/);
});
