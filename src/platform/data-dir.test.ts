import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataDirUnsafeError, secureDataDir } from './data-dir.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

function looseTree(): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-datadir-'));
  mkdirSync(join(dir, 'pglite', 'pg_wal'), { recursive: true });
  const files = [join(dir, 'pglite', 'PG_VERSION'), join(dir, 'pglite', 'pg_wal', '000000010000000000000001'), join(dir, 'staff-api-token')];
  for (const f of files) {
    writeFileSync(f, 'x');
    chmodSync(f, 0o666);
  }
  for (const d of [dir, join(dir, 'pglite'), join(dir, 'pglite', 'pg_wal')]) chmodSync(d, 0o755);
  return { dir, files };
}

test('a data directory with 666 files and 755 directories is tightened to 600 and 700, and the umask becomes 077', () => {
  const before = process.umask(0);
  try {
    const { dir, files } = looseTree();
    const keyring = join(dir, 'keyring.json');
    writeFileSync(keyring, '{}');
    chmodSync(keyring, 0o644);
    const { tightened } = secureDataDir(dir, { leave: [keyring] });
    assert.equal(tightened.length, 6);
    for (const f of files) assert.equal(mode(f), 0o600, f);
    for (const d of [dir, join(dir, 'pglite'), join(dir, 'pglite', 'pg_wal')]) assert.equal(mode(d), 0o700, d);
    assert.equal(mode(keyring), 0o644, 'the keyring is left to its own check, which refuses to start');
    assert.equal(process.umask(), 0o077);
    assert.deepEqual(secureDataDir(dir, { leave: [keyring] }).tightened, [], 'a second pass finds nothing to do');
  } finally {
    process.umask(before);
  }
});

test('DATA_DIR may not be a home folder or the root: the walk would change modes far beyond the shop', () => {
  for (const dir of [homedir(), '/'])
    assert.throws(
      () => secureDataDir(dir),
      (err: unknown) => err instanceof DataDirUnsafeError && /not a folder of the shop's own/.test(err.message),
    );
});

test('an entry others can reach and that belongs to another user stops the start, naming its path', { skip: process.getuid?.() !== 0 && 'needs root to give a file away' }, () => {
  const before = process.umask();
  try {
    const { dir } = looseTree();
    const foreign = join(dir, 'pglite', 'pg_wal', 'planted');
    writeFileSync(foreign, 'x');
    chmodSync(foreign, 0o644);
    chownSync(foreign, 4242, 4242);
    assert.throws(
      () => secureDataDir(dir),
      (err: unknown) => err instanceof DataDirUnsafeError && err.path === foreign && err.message.includes(foreign) && /user 4242/.test(err.message),
    );
  } finally {
    process.umask(before);
  }
});
