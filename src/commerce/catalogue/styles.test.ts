// The staff catalogue pages are styled: every class their templates use has a rule in the one
// stylesheet (src/web/static/app.css).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

test('every class the staff catalogue pages use has a rule in app.css', () => {
  const dir = new URL('./pages/', import.meta.url);
  const css = readFileSync(new URL('../../web/static/app.css', import.meta.url), 'utf8');
  const used = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const m of source.matchAll(/class="([a-z][a-z0-9 -]*)/g)) for (const c of m[1]!.split(' ')) if (c && !c.endsWith('-')) used.add(c);
    for (const m of source.matchAll(/class="badge badge-status-\$\{/g)) if (m) for (const s of ['draft', 'active', 'archived']) used.add(`badge-status-${s}`);
  }
  assert.ok(used.size >= 10, `found the classes (${[...used].join(', ')})`);
  const missing = [...used].filter((c) => !new RegExp(`\\.${c}(?![a-z0-9-])`).test(css));
  assert.deepEqual(missing, [], 'classes without a rule in app.css');
});
