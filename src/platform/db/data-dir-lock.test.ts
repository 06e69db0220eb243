import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from './database.ts';
import { DataDirLockedError } from './data-dir-lock.ts';

test('an embedded database directory opens in one process at a time; a stale lock is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-lock-'));
  const first = await openDatabase({ databaseUrl: null, pgliteDir: dir });
  try {
    // A second process trying the same directory is refused with a message that says why.
    const script = `import { openDatabase } from ${JSON.stringify(new URL('./database.ts', import.meta.url).href)};
      try { await openDatabase({ databaseUrl: null, pgliteDir: ${JSON.stringify(dir)} }); console.log('opened'); }
      catch (e) { console.log(e.name + ': ' + e.message); }`;
    const other = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.match(other.stdout, /DataDirLockedError: The embedded database in .* is already open in another process \(pid \d+\)/);
    await assert.rejects(openDatabase({ databaseUrl: null, pgliteDir: dir }), DataDirLockedError);
  } finally {
    await first.close();
  }
  assert.equal(existsSync(join(dir, 'custodian.lock')), false, 'close releases the lock');

  // A lock left by a process that died (kill -9) does not block the next start.
  writeFileSync(join(dir, 'custodian.lock'), '999999999');
  const again = await openDatabase({ databaseUrl: null, pgliteDir: dir });
  await again.close();
});
