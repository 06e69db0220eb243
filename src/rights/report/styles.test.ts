// The promise report and the data map are styled: every class their templates name has a rule in
// the one stylesheet, the statuses' too.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { promiseStatuses } from './catalogue.ts';

test('every class the promise report and the data map use has a rule in app.css', () => {
  const css = readFileSync(new URL('../../web/static/app.css', import.meta.url), 'utf8');
  const used = new Set(promiseStatuses.map((s) => `status-${s.replace(' ', '-')}`));
  for (const dir of [new URL('./', import.meta.url), new URL('../datamap-page/', import.meta.url)]) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      for (const m of text.matchAll(/class="([a-z][a-z0-9 -]*)"/g)) for (const c of m[1]!.split(' ')) used.add(c);
      // A class handed to the kit's table().
      for (const m of text.matchAll(/className: '([a-z][a-z0-9 -]*)'/g)) for (const c of m[1]!.split(' ')) used.add(c);
    }
  }
  assert.ok(used.has('promise-table') && used.has('officer'), `found the classes (${[...used].join(', ')})`);
  const missing = [...used].filter((c) => !new RegExp(`\\.${c}(?![a-z0-9-])`).test(css));
  assert.deepEqual(missing, [], 'classes without a rule in app.css');
});
