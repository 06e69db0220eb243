// The kernel's files outside the database (the keyring, the audit anchor): written whole through a
// temporary file and a rename, so a reader never sees half a file, and changed under a lock file
// so two processes sharing them never lose each other's change.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 15_000;

/** Writes `text` to `path` (mode 0600) atomically: a temporary file, fsync, rename, fsync of the directory. */
export function writeFileAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    const dirFd = openSync(dirname(path), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  }
}

/** Runs `fn` holding `lockPath` (created exclusively; taken over when older than 30 s). */
export async function withFileLock<T>(lockPath: string, fn: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx', 0o600));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lockPath).mtimeMs > LOCK_STALE_MS) unlinkSync(lockPath);
      } catch {
        // The holder released it meanwhile.
      }
      if (Date.now() - started > LOCK_WAIT_MS) throw new Error(`the lock ${lockPath} is held too long`);
      await sleep(10);
    }
  }
  try {
    return await fn();
  } finally {
    unlinkSync(lockPath);
  }
}
