// The kernel's files outside the database (the keyring, the audit anchor): written whole through a
// temporary file and a rename, so a reader never sees half a file, and changed under a lock file
// so two processes sharing them never lose each other's change.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, pidScope } from '../platform/process-alive.ts';

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

/** The lock file's text: who holds it (pid, and where that pid means something). */
const holder = () => `${process.pid} ${pidScope()}`;

/** A lock whose holder is a process of this machine that no longer runs (killed while holding it). */
function heldByTheDead(lockPath: string): boolean {
  const [pid, ...scope] = readFileSync(lockPath, 'utf8').split(' ');
  return scope.join(' ') === pidScope() && Number.isInteger(Number(pid)) && Number(pid) > 0 && !isAlive(Number(pid));
}

/**
 * Runs `fn` holding `lockPath` (created exclusively, naming its holder). A lock left by a process of
 * this machine that is gone is taken over at once; one of another machine sharing the directory
 * when it is older than 30 s.
 */
export async function withFileLock<T>(lockPath: string, fn: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(fd, holder());
      } finally {
        closeSync(fd);
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (heldByTheDead(lockPath) || Date.now() - statSync(lockPath).mtimeMs > LOCK_STALE_MS) unlinkSync(lockPath);
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
