import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { settingsTableMarkdown } from './settings-table.ts';

test('README lists every setting exactly as config.ts declares it', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('<!-- settings:start -->');
  const end = readme.indexOf('<!-- settings:end -->');
  assert.ok(start >= 0 && end > start, 'README.md has the settings markers');
  const table = readme.slice(start + '<!-- settings:start -->'.length, end).trim();
  assert.equal(table, settingsTableMarkdown(), 'run: npx node scripts/update-readme-settings.ts');
});
