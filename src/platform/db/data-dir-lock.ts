// Only one process may open an embedded database directory: PGlite itself does not stop a second
// one, and two writers would corrupt it. The lock is a file holding the owner's pid; a lock left
// by a process that no longer exists (kill -9, power loss) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../process-alive.ts';

export class DataDirLockedError extends Error {
  readonly dir: string;
  readonly pid: number;
  constructor(dir: string, pid: number) {
    super(`The embedded database in ${dir} is already open in another process (pid ${pid}). Stop that process first, use the staff API of the running shop, or run on PostgreSQL (DATABASE_URL).`);
    this.name = 'DataDirLockedError';
    this.dir = dir;
    this.pid = pid;
  }
}

/** Takes the directory's lock; returns the function that releases it. */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, 'custodian.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new DataDirLockedError(dir, owner);
      }
      unlinkSync(path); // stale: its owner is gone
    }
  }
  throw new Error(`Could not lock ${dir}`);
}
