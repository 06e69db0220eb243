import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { testActor } from '../actors.ts';
import { SubjectErased } from '../refusals.ts';
import { testKernel } from '../testing.ts';
import { KeyCache } from './key-cache.ts';
import { kernelInternals } from '../internals.ts';

const system = testActor('test');
const key = (leaf: number) => ({ kind: 'customer', leaf, wrapped: Buffer.from([leaf]), dataKey: Buffer.alloc(32, leaf) });

test('the key cache is bounded (least recently used out first) and its entries expire', () => {
  let now = 0;
  const cache = new KeyCache({ maxEntries: 2, ttlMs: 1000, sweepEveryMs: 0, now: () => now });
  cache.set('a', key(1));
  cache.set('b', key(2));
  assert.equal(cache.get('a')?.leaf, 1, 'a is now the most recently used');
  cache.set('c', key(3));
  assert.equal(cache.size, 2);
  assert.equal(cache.get('b'), undefined, 'b was the least recently used');
  assert.equal(cache.get('a')?.leaf, 1);
  now = 999;
  assert.equal(cache.get('c')?.leaf, 3);
  now = 1000;
  assert.equal(cache.get('c'), undefined, 'expired');
  assert.equal(cache.size, 1);
});

test('a cached key past its time to live is dropped and zeroed by the timer, with no other key pushing it out', (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: 0 });
  const cache = new KeyCache({ ttlMs: 60_000, sweepEveryMs: 10_000 });
  try {
    const owned = Buffer.alloc(32, 7);
    cache.set('a', { kind: 'customer', leaf: 1, wrapped: Buffer.from([1]), dataKey: owned });
    const handedOut = cache.get('a')!.dataKey;
    assert.notEqual(handedOut, owned, 'get hands out a copy, so zeroing never hits a key in use');
    t.mock.timers.tick(50_000);
    assert.equal(cache.size, 1, 'still within its time to live');
    assert.ok(owned.some((b) => b !== 0));
    t.mock.timers.tick(10_000);
    assert.equal(cache.size, 0, 'dropped by the sweep at 60 s');
    assert.ok(
      owned.every((b) => b === 0),
      'and its bytes zeroed',
    );
    assert.ok(
      handedOut.some((b) => b !== 0),
      'the copy handed out earlier is untouched',
    );
  } finally {
    cache.close();
  }
});

test('evicted, deleted and closed-over keys are zeroed; close stops the timer', (t) => {
  t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: 0 });
  const cache = new KeyCache({ maxEntries: 1, ttlMs: 1000, sweepEveryMs: 250 });
  const [a, b, c] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3)];
  cache.set('a', { ...key(1), dataKey: a });
  cache.set('b', { ...key(2), dataKey: b });
  assert.ok(
    a.every((x) => x === 0),
    'evicted',
  );
  cache.delete('b');
  assert.ok(
    b.every((x) => x === 0),
    'deleted',
  );
  cache.set('c', { ...key(3), dataKey: c });
  cache.close();
  assert.ok(
    c.every((x) => x === 0),
    'closed',
  );
  assert.equal(cache.size, 0);
});

testEachDatabase('a kernel closes its key cache: keys zeroed, timer stopped', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  assert.equal(kernelInternals(kernel).keyCache.size, 1);
  await kernel.close();
  assert.equal(kernelInternals(kernel).keyCache.size, 0);
  assert.equal(kernelInternals(kernel).keyCache.get(subject), undefined);
});

testEachDatabase('an erasure in one process stops reads and writes at once in another that holds the key in its cache', async ({ db }) => {
  // Two kernels on one database and one keyring file: two shop processes.
  const a = await testKernel(db);
  const b = await testKernel(db, { keyringPath: a.keyringPath });
  const subject = await a.kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await a.kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Cached Person' } });
  const read = (k: typeof a) => k.kernel.read(db, { subject, actor: system, purpose: 'fulfillment', categories: ['user.name'] });
  assert.equal((await read(a)).values['user.name'], 'Cached Person');
  assert.equal((await read(b)).values['user.name'], 'Cached Person');
  assert.ok(kernelInternals(a.kernel).keyCache.get(subject) && kernelInternals(b.kernel).keyCache.get(subject), 'both processes hold the unwrapped key');

  await b.kernel.erase(db, { subject, actor: system });
  await assert.rejects(read(a), SubjectErased);
  await assert.rejects(a.kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Again' } }), SubjectErased);
});

testEachDatabase('a database restored from before an erasure does not bring a cached key back into use', async ({ db }) => {
  const a = await testKernel(db, { reconcileErasures: false });
  const b = await testKernel(db, { keyringPath: a.keyringPath, reconcileErasures: false });
  const subject = await a.kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await a.kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Restored Person' } });
  const read = () => a.kernel.read(db, { subject, actor: system, purpose: 'fulfillment', categories: ['user.name'] });
  assert.equal((await read()).values['user.name'], 'Restored Person');
  const { rows } = await sql<Record<string, unknown>>`select * from privacy_subject_keys where subject_id = ${subject}::uuid`.execute(db);
  const saved = rows[0]!;

  await b.kernel.erase(db, { subject, actor: system });
  // The restore: the key row and the active status are back, as in the backup.
  await sql`insert into privacy_subject_keys (subject_id, leaf, master_key_id, wrapped_key) values (${subject}::uuid, ${saved.leaf}, ${saved.master_key_id}, ${saved.wrapped_key})`.execute(db);
  await sql`update privacy_subjects set status = 'active' where id = ${subject}::uuid`.execute(db);
  assert.ok(kernelInternals(a.kernel).keyCache.get(subject), 'process a still holds the key it unwrapped before the erasure');

  await assert.rejects(read(), SubjectErased);
  await assert.rejects(a.kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Again' } }), SubjectErased);
  assert.equal(kernelInternals(a.kernel).keyCache.get(subject), undefined, 'and forgets it');
});
