// Renders the settings table of README.md from `settingDocs`, so the two never drift apart
// (a test compares them; `npm run custodian -- settings` would print it).
import { settingDocs } from './config.ts';

export function settingsTableMarkdown(): string {
  const rows = settingDocs.map((s) => `| \`${s.name}\` | ${s.default.replace(/\|/g, '\\|')} | ${s.description.replace(/\|/g, '\\|')} |`);
  return ['| setting | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
