// Whether a process of this machine still runs, for a lock file naming its holder.
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Where a pid means this process: the host and, on Linux, the pid namespace (two containers on one
 * host sharing a volume number their processes each from 1; a pid is only checked where it is ours).
 */
export function pidScope(): string {
  let namespace = '';
  try {
    namespace = readlinkSync('/proc/self/ns/pid');
  } catch {
    // Not Linux: the host name alone.
  }
  return `${hostname()} ${namespace}`.trim();
}
