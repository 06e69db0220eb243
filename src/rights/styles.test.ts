// The rights pages are styled: every class their templates use has a rule in the one stylesheet.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

test('every class the privacy centre, export, requests desk and notices pages use has a rule in app.css', () => {
  const root = new URL('./', import.meta.url);
  const css = readFileSync(new URL('../web/static/app.css', import.meta.url), 'utf8');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)(pages?|export-page)\.ts$/.test(f) && !f.startsWith('policy'));
  const used = new Set<string>();
  for (const file of files) {
    const source = readFileSync(new URL(file, root), 'utf8');
    for (const m of source.matchAll(/class="([^"$]+)"/g)) for (const c of m[1]!.split(/\s+/)) if (/^[a-z][a-z0-9-]*$/.test(c)) used.add(c);
  }
  assert.ok(files.length >= 4 && used.size >= 10, `found the pages (${files.join(', ')}) and their classes (${[...used].join(', ')})`);
  const missing = [...used].filter((c) => !new RegExp(`\\.${c}(?![a-z0-9-])`).test(css));
  assert.deepEqual(missing, [], 'classes without a rule in app.css');
});
