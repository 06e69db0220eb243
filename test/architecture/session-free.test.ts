// The shop runs behind a transaction-mode pooler (decision 0067): a pooled statement may reach a
// different server session than the one before it, so production code keeps no state in a
// session. Session advisory locks, plain `SET`, `set_config(…, false)`, named `PREPARE`, cursors
// and temporary tables fail here; LISTEN is only in src/platform/db/database.ts, which gives it a
// direct connection. Tests and test helpers may use a session (they talk to the server directly).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sources } from './sources.ts';

const RULES: { pattern: RegExp; use: string; allowedIn?: string }[] = [
  { pattern: /pg_(try_)?advisory_(un)?lock(_shared)?\s*\(/i, use: 'pg_advisory_xact_lock (released at commit)' },
  // Case-sensitive, so prose such as 'Set DEMO_DATA=false' is not a statement.
  { pattern: /[`'"]\s*(set|SET)\s+(?!local\b|LOCAL\b)(session\s+|SESSION\s+)?[a-z_]+(\.[a-z_]+)?\s*(=|to\b|TO\b)/, use: 'set local inside a transaction' },
  { pattern: /set_config\s*\([^)]*,\s*false\s*\)/i, use: 'set_config(…, true) inside a transaction' },
  { pattern: /[`'"]\s*(prepare|deallocate)\s+[a-z_]/i, use: 'the `prepared` marker (src/platform/db/prepared.ts), which a pooled handle runs unnamed' },
  { pattern: /\bdeclare\s+[a-z_]+\s+(binary\s+)?(insensitive\s+)?(no\s+)?(scroll\s+)?cursor\b/i, use: 'keyset pages' },
  { pattern: /create\s+(global\s+|local\s+)?temp(orary)?\s+table/i, use: 'a CTE or a real table' },
  { pattern: /[`'"]\s*(listen|unlisten)\s+/i, use: 'database.listen(), which holds a direct session', allowedIn: 'src/platform/db/database.ts' },
];

const isTestCode = (path: string) => path.endsWith('.test.ts') || /(^|\/)(testing|test)\//.test(path.replace(/^src\//, '')) || /\/testing\.ts$/.test(path) || !path.startsWith('src/');

test('production code keeps no state in a database session, so it runs behind PgBouncer in transaction mode (decision 0067)', () => {
  const found: string[] = [];
  for (const { path, text } of sources()) {
    if (isTestCode(path)) continue;
    for (const [n, line] of text.split('\n').entries()) {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) continue;
      for (const { pattern, use, allowedIn } of RULES) {
        if (path === allowedIn || !pattern.test(line)) continue;
        found.push(`${path}:${n + 1}: ${line.trim()} (use ${use})`);
      }
    }
  }
  assert.deepEqual(found, []);
});
