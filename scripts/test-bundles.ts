// Which test files `npm test` runs together in one process (scripts/run-tests.ts, decision 0074
// "Bundles"). A test process spends 1.5–2 s of CPU before its first test — Node, ~1,500 modules,
// PGlite's WebAssembly, the shop's first build — and a second test database and shop in the same
// process take a quarter of that. So the quick files run a few to a process; the long ones (and
// those whose kind is known to be long) still run alone, so they start first and fail alone.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Files known to be long: each runs alone, and first when no duration has been recorded yet (a fresh clone). */
export const SLOW_FIRST = [/^test\/browser\//, /^test\/scale\//, /^test\/durability\//, /^test\/fuzz/, /^test\/services/, /^test\/read-replica/, /^test\/backups/];

/** One test process: its files, and how long it is expected to take (ms). */
export interface TestUnit {
  files: string[];
  estimate: number;
}

export interface BundlePlan {
  /** A file recorded at least this long (ms) runs alone. */
  aloneMs: number;
  /** A bundle is filled up to about this many ms of recorded durations. */
  bundleMs: number;
}

export const DEFAULT_PLAN: BundlePlan = { aloneMs: 10_000, bundleMs: 20_000 };

const hintOf = (file: string) => SLOW_FIRST.findIndex((pattern) => pattern.test(file));

/**
 * The processes of one run, longest first: the files of a known-long kind, those recorded as long
 * and those never timed run alone, the rest are packed into bundles (largest first, each into the
 * first bundle with room). A file never timed starts before every timed one (those of a known-long
 * kind first), and its first record is its own time alone, so a new long file never hides in a
 * bundle.
 */
export function planUnits(files: string[], durations: Record<string, number>, plan: BundlePlan = DEFAULT_PLAN): TestUnit[] {
  const alone: TestUnit[] = [];
  const quick: { file: string; estimate: number }[] = [];
  for (const file of [...files].sort()) {
    const recorded = durations[file];
    const hint = hintOf(file);
    if (recorded === undefined) alone.push({ files: [file], estimate: Number.MAX_SAFE_INTEGER - (hint === -1 ? SLOW_FIRST.length : hint) });
    else if (hint !== -1 || recorded >= plan.aloneMs) alone.push({ files: [file], estimate: recorded });
    else quick.push({ file, estimate: recorded });
  }
  const bundles: TestUnit[] = [];
  for (const { file, estimate } of quick.sort((a, b) => b.estimate - a.estimate)) {
    const room = bundles.find((bundle) => bundle.estimate + estimate <= plan.bundleMs);
    if (room) {
      room.files.push(file);
      room.estimate += estimate;
    } else bundles.push({ files: [file], estimate });
  }
  return [...alone, ...bundles].sort((a, b) => b.estimate - a.estimate || a.files[0]!.localeCompare(b.files[0]!));
}

/**
 * A unit's measured duration spread over its files in proportion to what each was expected to
 * take: the record the next run plans with (a bundle's files are not timed one by one).
 */
export function spreadDuration(unit: TestUnit, measured: number, durations: Record<string, number>): Record<string, number> {
  const weights = unit.files.map((file) => durations[file] ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  return Object.fromEntries(unit.files.map((file, i) => [file, Math.round((measured * weights[i]!) / total)]));
}

/**
 * The file node:test runs for a unit: the file itself when alone, else a module importing each
 * of the bundle's files in order (named after its content, so runs at once share it safely).
 */
export function unitEntry(unit: TestUnit, root: string, bundleDir: string): string {
  if (unit.files.length === 1) return join(root, unit.files[0]!);
  const text = ['// npm test: these test files run in one process (scripts/test-bundles.ts).', ...unit.files.map((file) => `import ${JSON.stringify(pathToFileURL(join(root, file)).href)};`), ''].join(
    '\n',
  );
  const path = join(bundleDir, `bundle-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(path)) {
    mkdirSync(bundleDir, { recursive: true });
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, text);
    renameSync(partial, path);
  }
  return path;
}
