import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlindIndexer } from './blind-index.ts';
import { FileKeyring } from './keyring.ts';

test('the blind indexer digests under every version the keyring holds now, and stops using a version once the keyring (in this process or another) destroyed it', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'custodian-bi-')), 'keyring.json');
  const mine = FileKeyring.open(path);
  const other = FileKeyring.open(path);
  const indexer = new BlindIndexer(mine);
  const v1 = indexer.activeDigest('user.contact.email', 'email', 'ann@example.test');
  assert.equal(v1.version, 1);
  assert.deepEqual(indexer.digestsUnderEveryKey('user.contact.email', 'email', 'ANN@example.test '), [v1]);

  // Another process rotates: this one's next digest is under version 2, and a lookup tests both.
  await other.rotateBlindIndexKey(new Date(), 1);
  const v2 = indexer.activeDigest('user.contact.email', 'email', 'ann@example.test');
  assert.equal(v2.version, 2);
  assert.ok(!v2.digest.equals(v1.digest));
  assert.deepEqual(indexer.digestsUnderEveryKey('user.contact.email', 'email', 'ann@example.test'), [v1, v2]);
  // Per-category keys differ: the same value in another category gives another digest.
  assert.ok(!indexer.digest('user.name', 'exact', 'ann@example.test').equals(v2.digest));

  await other.destroyBlindIndexKey(1);
  assert.deepEqual(indexer.digestsUnderEveryKey('user.contact.email', 'email', 'ann@example.test'), [v2]);
});
