// glibc's malloc keeps memory a process has freed, for speed: every thread that allocates gets an
// arena of its own (up to eight per core) that keeps what was freed in it, and after a large block
// is freed its size becomes the new threshold below which blocks come from those arenas (where they
// stay) rather than from the kernel (to which they go back). In a shop that idles that is some
// 110 MB of memory nobody uses (decision 0069). MALLOC_ARENA_MAX=2 and a fixed
// MALLOC_MMAP_THRESHOLD_ turn both off, but glibc reads them once, as the process starts. So
// `npm start` (src/main.ts) starts itself again, in the same process (execve: same pid, stdio and
// arguments), with them set, before it loads anything else. An operator's own values are kept;
// other systems than Linux, and a Node without process.execve, start as they are.

/** What `npm start` runs with unless the operator set them: two arenas, and blocks of 128 KB or more always handed back. */
export const LEAN_MALLOC: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };

/** Replaces this process with itself run with LEAN_MALLOC's settings, unless they are set or it cannot be done; returns only then. */
export function restartWithLeanMalloc(env: NodeJS.ProcessEnv = process.env): void {
  const missing = Object.entries(LEAN_MALLOC).filter(([name]) => env[name] === undefined);
  if (process.platform !== 'linux' || missing.length === 0 || typeof process.execve !== 'function') return;
  try {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], { ...env, ...Object.fromEntries(missing) });
  } catch {
    // Not replaced (the binary moved, a seccomp profile): go on as we are.
  }
}
