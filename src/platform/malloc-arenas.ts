// glibc gives every thread that allocates memory an arena of its own (up to eight per core) and
// keeps what is freed in it for that thread: libuv's pool (crypto, files, sharp) and V8's helper
// threads leave some 75 MB resident in a shop that idles (decision 0069). MALLOC_ARENA_MAX=2 caps
// them, but glibc reads it once, as the process starts. So `npm start` (src/main.ts) starts itself
// again, in the same process (execve: same pid, same stdio and arguments), with it set, before it
// loads anything else. An operator's own MALLOC_ARENA_MAX is kept as it is; other systems than
// Linux, and a Node without process.execve, start as they are.

/** Replaces this process with itself run with MALLOC_ARENA_MAX=2, unless that is set or cannot be done; returns only then. */
export function restartWithFewMallocArenas(env: NodeJS.ProcessEnv = process.env): void {
  if (process.platform !== 'linux' || env.MALLOC_ARENA_MAX !== undefined || typeof process.execve !== 'function') return;
  try {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], { ...env, MALLOC_ARENA_MAX: '2' });
  } catch {
    // Not replaced (the binary moved, a seccomp profile): go on as we are.
  }
}
