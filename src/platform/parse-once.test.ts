import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsedOnce } from './parse-once.ts';

test('parsedOnce parses a text once per parser and gives every caller a copy of its own', () => {
  let calls = 0;
  const parse = (text: string) => {
    calls++;
    return JSON.parse(text) as { list: number[] };
  };
  const first = parsedOnce('{"list":[1,2]}', parse);
  first.list.push(3);
  const second = parsedOnce('{"list":[1,2]}', parse);
  assert.deepEqual(second.list, [1, 2], "one caller's change does not reach another");
  assert.equal(calls, 1);
  parsedOnce('{"list":[]}', parse);
  assert.equal(calls, 2, 'another text is parsed');
});
