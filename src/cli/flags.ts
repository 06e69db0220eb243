// Turning flag text into command input. A flag that does not parse names itself (`--price`).
import { validationError } from '../platform/errors.ts';
import type { CliArgs } from './command.ts';

/** The word that clears an optional value: `--category none`, `--stock none`. */
export const NONE = 'none';

export function text(args: CliArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function nullableText(args: CliArgs, name: string): string | null | undefined {
  const v = text(args, name);
  return v === NONE ? null : v;
}

export function int(args: CliArgs, name: string): number | undefined {
  const v = text(args, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v))) throw validationError(`--${name}`, `must be a whole number (got "${v}")`);
  return Number(v);
}

export function nullableInt(args: CliArgs, name: string): number | null | undefined {
  return text(args, name) === NONE ? null : int(args, name);
}

/** Drops undefined values, so a patch only names the flags that were given. */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
