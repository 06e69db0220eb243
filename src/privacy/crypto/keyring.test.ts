import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { staffActor, testActor } from '../actors.ts';
import { PrivacySetupError } from '../refusals.ts';
import { testKernel } from '../testing.ts';
import { BlindIndexRotationRefused } from './blind-index-keys.ts';
import { FileKeyring } from './keyring.ts';
import { downgradeToFormat1 } from './testing.ts';
import { leafSecret, newShredder, puncture, randomLeaf } from './shredder.ts';
import { kernelInternals } from '../internals.ts';

const freshPath = () => join(mkdtempSync(join(tmpdir(), 'custodian-kr-')), 'nested', 'keyring.json');

test('the keyring is created on first start with 0600 and start refuses a keyring others can read', () => {
  const path = freshPath();
  const keyring = FileKeyring.open(path);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(FileKeyring.open(path).activeKeyId(), keyring.activeKeyId());
  chmodSync(path, 0o644);
  assert.throws(
    () => FileKeyring.open(path),
    (err: unknown) => err instanceof PrivacySetupError && /chmod 600/.test(err.message),
  );
});

test('the shredder forgets a punctured leaf for good and keeps every other leaf', () => {
  const nodes = newShredder();
  const leaves = Array.from({ length: 50 }, randomLeaf);
  const before = leaves.map((l) => leafSecret(nodes, l)!);
  const gone = leaves[7]!;
  assert.equal(puncture(nodes, gone), true);
  assert.equal(puncture(nodes, gone), false);
  assert.equal(leafSecret(nodes, gone), null);
  leaves.forEach((l, i) => {
    if (l !== gone) assert.ok(leafSecret(nodes, l)!.equals(before[i]!), `leaf ${i} changed`);
  });
  // The neighbouring leaf shares 47 levels of path and still works.
  const neighbour = gone % 2 === 0 ? gone + 1 : gone - 1;
  assert.ok(leafSecret(nodes, neighbour));
  assert.ok(nodes.size <= 48);
});

test('two processes puncturing the same keyring file keep both erasures', async () => {
  const path = freshPath();
  const a = FileKeyring.open(path);
  const b = FileKeyring.open(path);
  const [x, y] = [randomLeaf(), randomLeaf()];
  await Promise.all([a.puncture(x), b.puncture(y)]);
  const c = FileKeyring.open(path);
  assert.equal(c.leafSecret(x), null);
  assert.equal(c.leafSecret(y), null);
  assert.equal(a.leafSecret(y), null, "a process sees another one's erasure");
  assert.equal(c.stats().erasures, 2);
  assert.ok(!readFileSync(path, 'utf8').includes(x.toString(16)));
});

testEachDatabase('master-key rotation re-wraps every data key without touching the data', async ({ db }) => {
  const { kernel, keyringPath } = await testKernel(db);
  const system = testActor('test');
  const subjects = [];
  for (let i = 0; i < 3; i++) {
    const s = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
    await kernel.write(db, { subject: s, actor: system, purpose: 'fulfillment', values: { 'user.name': `Rotating Person ${i}` } });
    subjects.push(s);
  }
  const snapshot = async () =>
    (
      await sql<{ ciphertext: Buffer; wrapped_key: Buffer; master_key_id: string }>`
      select i.ciphertext, k.wrapped_key, k.master_key_id from privacy_items i join privacy_subject_keys k on k.subject_id = i.subject_id order by i.subject_id`.execute(db)
    ).rows;
  const before = await snapshot();
  const oldKey = kernelInternals(kernel).masterKeys.activeKeyId();
  const { keyId, rewrapped } = await kernel.rotateMasterKey(db, staffActor('owner-1', 'owner'));
  assert.equal(rewrapped, 3);
  assert.notEqual(keyId, oldKey);
  const after = await snapshot();
  after.forEach((row, i) => {
    assert.ok(Buffer.from(row.ciphertext).equals(Buffer.from(before[i]!.ciphertext)), 'data untouched');
    assert.ok(!Buffer.from(row.wrapped_key).equals(Buffer.from(before[i]!.wrapped_key)), 'key re-wrapped');
    assert.equal(row.master_key_id, keyId);
  });
  // A fresh process (no cache) reads everything after the old master key is gone.
  await kernelInternals(kernel).masterKeys.drop(oldKey);
  const fresh = await testKernel(db, { keyringPath });
  for (const [i, s] of subjects.entries()) {
    assert.equal((await fresh.kernel.read(db, { subject: s, actor: system, purpose: 'fulfillment', categories: ['user.name'] })).values['user.name'], `Rotating Person ${i}`);
  }
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from privacy_audit_log where action in ('key.rotate', 'key.rewrap')`.execute(db);
  assert.equal(rows[0]!.n, 2);
});

test("a format-1 keyring's single blind-index key is read as version 1 with the same digests, and written back as format 2 on the next change", async () => {
  const path = freshPath();
  FileKeyring.open(path);
  const oldKey = downgradeToFormat1(path);
  const keyring = FileKeyring.open(path);
  const keys = keyring.blindIndexKeys();
  assert.deepEqual(
    keys.map((k) => [k.version, k.state]),
    [[1, 'active']],
  );
  assert.ok(keys[0]!.key.equals(oldKey));
  // The digest rows already in the database were made this way; version 1 still makes them.
  const categoryKey = createHmac('sha256', oldKey).update('custodian/blind-index/v1/user.contact.email').digest();
  const before = createHmac('sha256', categoryKey).update('ann@example.test', 'utf8').digest();
  const { BlindIndexer } = await import('./blind-index.ts');
  assert.deepEqual(new BlindIndexer(keyring).activeDigest('user.contact.email', 'email', ' Ann@Example.test'), { version: 1, digest: before });
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).format, 'custodian-keyring/1', 'opening alone does not rewrite the file');
  await keyring.puncture(randomLeaf());
  const written = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(written.format, 'custodian-keyring/2');
  assert.equal(written.blind_index_key, undefined);
  assert.deepEqual(
    written.blind_index_keys.map((k: { version: number; state: string }) => [k.version, k.state]),
    [[1, 'active']],
  );
  assert.ok(FileKeyring.open(path).blindIndexKeys()[0]!.key.equals(oldKey));
});

test('blind-index rotation: one retiring version at a time, two processes rotating at once rotate once, and a destroyed key is zeroed, gone from the file and from the other process', async () => {
  const path = freshPath();
  const a = FileKeyring.open(path);
  const b = FileKeyring.open(path);
  const now = new Date('2030-01-10T00:00:00Z');
  const results = await Promise.all([a.rotateBlindIndexKey(now, 1), b.rotateBlindIndexKey(now, 1)]);
  assert.deepEqual(results.toSorted(), [2, null]);
  for (const keyring of [a, b]) {
    assert.deepEqual(
      keyring.blindIndexKeys().map((k) => [k.version, k.state]),
      [
        [1, 'retiring'],
        [2, 'active'],
      ],
    );
  }
  assert.deepEqual(a.activeBlindIndexVersion(), { version: 2, createdAt: now });
  await assert.rejects(a.rotateBlindIndexKey(now, 2), BlindIndexRotationRefused);
  await assert.rejects(a.destroyBlindIndexKey(2), /active/);

  const retiredBytes = a.blindIndexKeys()[0]!.key;
  const retiredText = retiredBytes.toString('base64');
  assert.ok(readFileSync(path, 'utf8').includes(retiredText));
  assert.equal(await a.destroyBlindIndexKey(1), true);
  assert.ok(retiredBytes.equals(Buffer.alloc(32)), 'the bytes held in memory are zeroed');
  assert.ok(!readFileSync(path, 'utf8').includes(retiredText), 'and the file no longer holds them');
  assert.deepEqual(
    b.blindIndexKeys().map((k) => k.version),
    [2],
    'another process sees the destruction',
  );
  assert.equal(await b.destroyBlindIndexKey(1), false);
  assert.equal(await a.rotateBlindIndexKey(now, 2), 3, 'with nothing retiring, the next rotation goes ahead');
});

testEachDatabase('keyed digests are keyed by the keyring (added on start to a keyring made without it), stable across restarts, separate per domain', async ({ db }) => {
  const path = freshPath();
  FileKeyring.open(path);
  // A keyring written before keyed digests existed.
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  delete raw.keyed_digest_key;
  writeFileSync(path, JSON.stringify(raw), { mode: 0o600 });
  assert.throws(() => FileKeyring.open(path).digestKey(), PrivacySetupError);

  const { kernel } = await testKernel(db, { keyringPath: path });
  const stored = JSON.parse(readFileSync(path, 'utf8')) as { keyed_digest_key?: string };
  assert.equal(Buffer.from(stored.keyed_digest_key ?? '', 'base64').length, 32, 'start added the key to the keyring file');
  const digest = kernel.keyedDigest('accounts.network', '203.0.113.9');
  assert.equal(digest.length, 32);
  assert.ok(!digest.equals(kernel.keyedDigest('accounts.throttle', '203.0.113.9')), 'another domain, another digest');
  assert.ok(!digest.equals(kernel.keyedDigest('accounts.network', '203.0.113.10')));
  const again = await testKernel(db, { keyringPath: path });
  assert.ok(again.kernel.keyedDigest('accounts.network', '203.0.113.9').equals(digest), 'the same after a restart');
  const other = await testKernel(db);
  assert.ok(!other.kernel.keyedDigest('accounts.network', '203.0.113.9').equals(digest), 'another keyring, another digest');
  assert.throws(() => kernel.keyedDigest('network', 'x'), /domain/);
  await Promise.all([kernel.close(), again.kernel.close(), other.kernel.close()]);
});
