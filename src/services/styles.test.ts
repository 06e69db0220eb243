// The services pages are styled: every class their templates use has a rule in the one stylesheet.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

test('every class the service pages use has a rule in app.css', () => {
  const css = readFileSync(new URL('../web/static/app.css', import.meta.url), 'utf8');
  const source = readFileSync(new URL('./pages.ts', import.meta.url), 'utf8');
  const used = new Set<string>();
  for (const m of source.matchAll(/class(?:Name: |=)["']([^"'$]+)["']/g)) for (const c of m[1]!.split(/\s+/)) if (/^[a-z][a-z0-9-]*$/.test(c)) used.add(c);
  assert.ok(used.size >= 5, `found the classes (${[...used].join(', ')})`);
  const missing = [...used].filter((c) => !new RegExp(`\\.${c}(?![a-z0-9-])`).test(css));
  assert.deepEqual(missing, [], 'classes without a rule in app.css');
});
