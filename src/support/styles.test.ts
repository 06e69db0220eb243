// The support pages are styled: every class their templates use has a rule in the one stylesheet.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

test('every class the support pages use has a rule in app.css', () => {
  const dir = new URL('./', import.meta.url);
  const css = readFileSync(new URL('../web/static/app.css', import.meta.url), 'utf8');
  const used = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(/class="([^"$]+)"/g)) for (const c of m[1]!.split(/\s+/)) used.add(c);
  }
  assert.ok(used.has('support-warning') && used.has('support-thread'), `found the classes (${[...used].join(', ')})`);
  const missing = [...used].filter((c) => !new RegExp(`\\.${c}(?![a-z0-9-])`).test(css));
  assert.deepEqual(missing, [], 'classes without a rule in app.css');
});
