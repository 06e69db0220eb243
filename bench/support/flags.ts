// Every benchmark's command line: its own flags plus --database-url and --help, parsed the same
// way, with the usage printed on a bad flag (exit 2) or on --help (exit 0).
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

const common = { 'database-url': { type: 'string' }, help: { type: 'boolean' } } as const;

/** The flags' values, or the exit code once the usage is printed. */
export function benchFlags<const O extends ParseArgsOptionsConfig>(args: string[], options: O, usage: string) {
  const parse = () => parseArgs({ args, options: { ...options, ...common } }).values;
  let values: ReturnType<typeof parse>;
  try {
    values = parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(usage);
    return 0;
  }
  return values;
}

/** A flag that must be a whole number above 0; `fallback` when it is not given. */
export function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number above 0 (got "${raw}")`);
  return n;
}

/** Settings a benchmark parsed from its flags, or the exit code once the usage is printed (null from `parse`: --help, 0; a thrown error: a bad flag, 2). */
export function settingsOrExit<S>(usage: string, parse: () => S | null): S | number {
  let settings: S | null;
  try {
    settings = parse();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (settings === null) {
    process.stdout.write(usage);
    return 0;
  }
  return settings;
}
