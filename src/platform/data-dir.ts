// DATA_DIR holds what only the shop's own user may read or change: the embedded database (its
// heap files and WAL keep old row versions), the keyring and the audit anchor (by default), the
// mail spool, the staff API token, the sandbox processor's store. Whatever created them, and
// whatever the umask the shop was started with, they must be 0700 (directories) and 0600 (files).
//
// So every process that opens the shop's database (`npm start`, `npm run worker`, the CLI) first:
//  1. sets its umask to 077, so everything it and its children create from now on (PGlite's new
//     WAL segments, spooled mail, lock files) is private from birth;
//  2. walks the tree and tightens any entry it owns that group or others can reach (a data dir
//     copied with `cp -r`, restored from a backup, or made by an older version under umask 000);
//  3. refuses to start, naming the path, when an entry is reachable by others and is not its own
//     to fix (owned by another user, or chmod fails). Decision 0025.
// The keyring is the one exception: it is left to its own check, which refuses to start rather
// than tighten it, because a keyring others could read may have been copied, and only the
// operator can tell (and rotate the keys).
import { chmodSync, lstatSync, mkdirSync, readdirSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { join, parse, resolve } from 'node:path';

export class DataDirUnsafeError extends Error {
  readonly path: string;
  constructor(path: string, why: string) {
    super(`${path} ${why}. Only the shop's user may read it: fix its owner or mode (chmod 700 for a directory, 600 for a file).`);
    this.name = 'DataDirUnsafeError';
    this.path = path;
  }
}

export interface SecureReport {
  /** Entries whose mode was tightened (group/other bits removed). */
  tightened: string[];
}

const reachableByOthers = (s: Stats) => (s.mode & 0o077) !== 0;

export interface SecureOptions {
  /** Files outside the tree to tighten as well when they exist (an audit anchor kept elsewhere). */
  extraFiles?: readonly string[];
  /** Files left to their own check (the keyring refuses to start when loose). */
  leave?: readonly string[];
}

/**
 * Makes `dataDir` (created 0700 when missing) and everything under it private to this user, and
 * the extra files too when they exist. Sets the process umask to 077.
 */
export function secureDataDir(dataDir: string, options: SecureOptions = {}): SecureReport {
  const report: SecureReport = { tightened: [] };
  if (process.platform === 'win32') return report;
  // The walk changes modes of everything below DATA_DIR, so DATA_DIR must be the shop's own folder.
  if ([parse(resolve(dataDir)).root, resolve(homedir())].includes(resolve(dataDir))) {
    throw new DataDirUnsafeError(resolve(dataDir), "is the file system root or a home folder, not a folder of the shop's own; set DATA_DIR to one (e.g. ./data)");
  }
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const leave = new Set((options.leave ?? []).map((p) => resolve(p)));
  walk(resolve(dataDir), report, leave);
  for (const file of options.extraFiles ?? []) {
    if (leave.has(resolve(file))) continue;
    let stats: Stats;
    try {
      stats = lstatSync(file);
    } catch {
      continue; // not made yet: it will be made under umask 077
    }
    secureEntry(file, stats, report);
  }
  return report;
}

function walk(dir: string, report: SecureReport, leave: ReadonlySet<string>): void {
  secureEntry(dir, lstatSync(dir), report);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    let stats: Stats;
    try {
      stats = lstatSync(path);
    } catch {
      continue; // removed meanwhile (a lock file, a temporary file)
    }
    if (stats.isDirectory()) walk(path, report, leave);
    else if (!leave.has(path)) secureEntry(path, stats, report);
  }
}

function secureEntry(path: string, stats: Stats, report: SecureReport): void {
  // A symbolic link's own mode means nothing; what it points to is checked where it lives, if it is ours.
  if (stats.isSymbolicLink() || !reachableByOthers(stats)) return;
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new DataDirUnsafeError(path, `can be reached by other users (mode ${(stats.mode & 0o777).toString(8)}) and belongs to user ${stats.uid}, not to the shop's user ${uid}`);
  }
  try {
    chmodSync(path, stats.mode & 0o700);
  } catch (err) {
    throw new DataDirUnsafeError(path, `can be reached by other users (mode ${(stats.mode & 0o777).toString(8)}) and cannot be changed (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  report.tightened.push(path);
}
