// npm test starts its longest files first (scripts/test-order.ts, decision 0074).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longestFirst } from '../scripts/test-order.ts';

test('recorded durations order the files longest first', () => {
  const order = longestFirst(['src/a.test.ts', 'test/b.test.ts', 'test/c.test.ts'], { 'src/a.test.ts': 10, 'test/b.test.ts': 900, 'test/c.test.ts': 50 });
  assert.deepEqual(order, ['test/b.test.ts', 'test/c.test.ts', 'src/a.test.ts']);
});

test('without records, the browser and process tests start before the rest', () => {
  const order = longestFirst(['src/a.test.ts', 'test/browser/every-page.test.ts', 'test/scale/processes.test.ts', 'test/fuzz.test.ts'], {});
  assert.deepEqual(order, ['test/browser/every-page.test.ts', 'test/scale/processes.test.ts', 'test/fuzz.test.ts', 'src/a.test.ts']);
});

test('a file never timed starts before the timed ones', () => {
  const order = longestFirst(['src/new.test.ts', 'test/old.test.ts'], { 'test/old.test.ts': 60_000 });
  assert.deepEqual(order, ['src/new.test.ts', 'test/old.test.ts']);
});
