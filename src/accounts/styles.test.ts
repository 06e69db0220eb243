// The account, staff and vendor pages are styled: every class their templates use has a rule in
// the one stylesheet (src/web/static/app.css).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

test('every class the account pages use has a rule in app.css', () => {
  const dir = new URL('./pages/', import.meta.url);
  const css = readFileSync(new URL('../web/static/app.css', import.meta.url), 'utf8');
  const used = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const m of source.matchAll(/class="([a-z][a-z0-9-]*)/g)) used.add(m[1]!);
    for (const m of source.matchAll(/' (field-error)'/g)) used.add(m[1]!);
  }
  assert.ok(used.size >= 10, `found the classes (${[...used].join(', ')})`);
  const missing = [...used].filter((c) => !new RegExp(`\\.${c}(?![a-z0-9-])`).test(css));
  assert.deepEqual(missing, [], 'classes without a rule in app.css');
});
