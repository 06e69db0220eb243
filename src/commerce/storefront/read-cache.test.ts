import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadCache } from './read-cache.ts';

test('read cache: serves a loaded value until cleared, and does not cache misses', async () => {
  const cache = new ReadCache<string>({ maxEntries: 10, maxAgeMs: 60_000 });
  let loads = 0;
  const load = async () => `value ${++loads}`;
  assert.equal(await cache.get('a', load), 'value 1');
  assert.equal(await cache.get('a', load), 'value 1');
  cache.clear();
  assert.equal(await cache.get('a', load), 'value 2');
  assert.equal(await cache.get('missing', async () => undefined), undefined);
  assert.equal(cache.size, 1);
});

test('read cache: concurrent misses for one key share one load', async () => {
  const cache = new ReadCache<number>({ maxEntries: 10, maxAgeMs: 60_000 });
  let loads = 0;
  const load = async () => {
    loads++;
    await new Promise((resolve) => setTimeout(resolve, 10));
    return 42;
  };
  assert.deepEqual(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)]), [42, 42, 42]);
  assert.equal(loads, 1);
});

test('read cache: evicts the least recently used entry beyond its bound', async () => {
  const cache = new ReadCache<string>({ maxEntries: 2, maxAgeMs: 60_000 });
  const loaded: string[] = [];
  const load = (key: string) => async () => {
    loaded.push(key);
    return key;
  };
  await cache.get('a', load('a'));
  await cache.get('b', load('b'));
  await cache.get('a', load('a')); // a is now the most recently used
  await cache.get('c', load('c')); // evicts b
  assert.equal(cache.size, 2);
  await cache.get('a', load('a'));
  await cache.get('b', load('b'));
  assert.deepEqual(loaded, ['a', 'b', 'c', 'b']);
});

test('read cache: entries expire after maxAgeMs even without a clear', async () => {
  let now = 1_000;
  const cache = new ReadCache<number>({ maxEntries: 10, maxAgeMs: 500, now: () => now });
  let loads = 0;
  const load = async () => ++loads;
  assert.equal(await cache.get('k', load), 1);
  now += 499;
  assert.equal(await cache.get('k', load), 1);
  now += 2;
  assert.equal(await cache.get('k', load), 2);
});

test('read cache: a load that was under way when the cache was cleared is not stored', async () => {
  const cache = new ReadCache<string>({ maxEntries: 10, maxAgeMs: 60_000 });
  let finish!: (value: string) => void;
  const stale = cache.get('k', () => new Promise<string>((resolve) => (finish = resolve)));
  cache.clear(); // the catalogue changed while the old read ran
  const fresh = cache.get('k', async () => 'new');
  finish('old');
  assert.equal(await stale, 'old', 'the request that asked still gets its answer');
  assert.equal(await fresh, 'new', 'a request after the change does not wait for the old read');
  assert.equal(await cache.get('k', async () => 'not called'), 'new');
});

test('read cache: a failed load is not cached and can be retried', async () => {
  const cache = new ReadCache<string>({ maxEntries: 10, maxAgeMs: 60_000 });
  await assert.rejects(
    cache.get('k', async () => Promise.reject(new Error('database away'))),
    /database away/,
  );
  assert.equal(await cache.get('k', async () => 'back'), 'back');
});
