// The site-use report is styled: every class its page and the chart component use has a rule in the one stylesheet.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

test('every class the site-use report and its charts use has a rule in app.css', () => {
  const css = readFileSync(new URL('../web/static/app.css', import.meta.url), 'utf8');
  const source = ['./pages.ts', '../web/chart.ts'].map((f) => readFileSync(new URL(f, import.meta.url), 'utf8')).join('\n');
  const used = new Set<string>();
  for (const m of source.matchAll(/class(?:Name)?[=:] ?["']([^"'$]+)["']/g)) for (const c of m[1]!.split(/\s+/)) if (/^[a-z][a-z0-9-]*$/.test(c)) used.add(c);
  assert.ok(used.size >= 8, `found the pages' classes (${[...used].join(', ')})`);
  const missing = [...used].filter((c) => !new RegExp(`\\.${c}(?![a-z0-9-])`).test(css));
  assert.deepEqual(missing, [], 'classes without a rule in app.css');
});
