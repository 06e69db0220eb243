// Rewrites the settings table in README.md from src/platform/config.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { settingsTableMarkdown } from '../src/platform/settings-table.ts';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const updated = readme.replace(/<!-- settings:start -->[\s\S]*<!-- settings:end -->/, `<!-- settings:start -->\n${settingsTableMarkdown()}\n<!-- settings:end -->`);
writeFileSync(path, updated);
console.log(updated === readme ? 'README settings table already up to date' : 'README settings table updated');
