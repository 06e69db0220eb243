// The node options of a package.json script (`node --liftoff-only src/main.ts` → ['--liftoff-only']),
// so a test or benchmark that starts the shop, a worker or the CLI as a process starts it as the
// script does (decision 0069: PGlite's WebAssembly is compiled by the baseline compiler only).
import { readFileSync } from 'node:fs';

export function scriptFlags(script: 'start' | 'worker' | 'custodian'): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  const command = pkg.scripts[script];
  if (!command?.startsWith('node ')) throw new Error(`package.json script "${script}" does not start with node`);
  return command
    .split(/\s+/)
    .slice(1)
    .filter((word) => word.startsWith('--'));
}

/**
 * What a child process keeps of the test's environment beside what the test gives it: npm test's
 * compile cache (NODE_COMPILE_CACHE), which halves a process's start (1.6 → 0.85 s for the CLI).
 */
export function inheritedForChildren(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return env.NODE_COMPILE_CACHE ? { NODE_COMPILE_CACHE: env.NODE_COMPILE_CACHE } : {};
}
