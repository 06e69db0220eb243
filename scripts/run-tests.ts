// `npm test`'s runner: node:test's own runner (`run()`), one child process per file, with two
// things `node --test` cannot do (decision 0074):
// - V8 flags for the children: `--liftoff-only` (PGlite's WebAssembly compiled by the baseline
//   compiler only, as `npm start` runs it) — `node --test` passes no V8 flag on and NODE_OPTIONS
//   refuses this one. It halves a PGlite test process's memory and cuts its CPU by 10–20 %.
// - The quick files a few to a process, the long ones alone, longest first, so the last minutes are
//   not one long file running alone (scripts/test-bundles.ts): each run records every file's
//   duration under node_modules/.cache (per TEST_ENGINES); without a record (a fresh clone) the
//   files known to be long (SLOW_FIRST) start first.
// Usage: node scripts/run-tests.ts [--concurrency N] [--save-durations] [file or glob …] (default: every test file).
import { globSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { planUnits, spreadDuration, type TestUnit, unitEntry } from './test-bundles.ts';

const ROOT = join(import.meta.dirname, '..');
const DEFAULT_GLOBS = ['src/**/*.test.ts', 'test/**/*.test.ts'];
// One record per engine set: a file's PostgreSQL pass is not its PGlite pass.
const DURATIONS_FILE = join(ROOT, 'node_modules', '.cache', `custodian-test-durations-${process.env.TEST_ENGINES || 'default'}.json`);
const BUNDLE_DIR = join(ROOT, 'node_modules', '.cache', 'custodian-test-bundles');
const TEST_TIMEOUT_MS = 300_000;

function parseArgs(argv: string[]): { concurrency: number; saveDurations: boolean; patterns: string[] } {
  let concurrency = 4;
  let saveDurations = false;
  const patterns: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--concurrency') {
      concurrency = Number(argv[++i]);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency: a whole number of at least 1');
    } else if (arg === '--save-durations') saveDurations = true;
    else patterns.push(arg);
  }
  return { concurrency, saveDurations, patterns: patterns.length > 0 ? patterns : DEFAULT_GLOBS };
}

// A fresh clone (CI) has no record of its own: it plans with the durations committed beside this
// script (scripts/test-durations.json, a past run's record; refresh it with --save-durations), so
// its long files run alone and first as a developer's second run does.
const COMMITTED_DURATIONS = join(import.meta.dirname, 'test-durations.json');

function readRecord(file: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

function readDurations(): Record<string, number> {
  return { ...readRecord(COMMITTED_DURATIONS), ...readRecord(DURATIONS_FILE) };
}

const { concurrency, saveDurations, patterns } = parseArgs(process.argv.slice(2));
const files = [...new Set(patterns.flatMap((pattern) => globSync(pattern, { cwd: ROOT })))];
if (files.length === 0) {
  process.stderr.write(`no test files match ${patterns.join(' ')}\n`);
  process.exit(1);
}
const recorded = readDurations();
const durations = { ...recorded };
const units = new Map<string, TestUnit>(planUnits(files, recorded).map((unit) => [unitEntry(unit, ROOT, BUNDLE_DIR), unit]));

process.exitCode = 0;
const stream = run({
  files: [...units.keys()],
  concurrency,
  timeout: TEST_TIMEOUT_MS,
  execArgv: ['--liftoff-only'],
  cwd: ROOT,
});
stream.on('test:summary', (data) => {
  if (data.file === undefined) {
    if (!data.success) process.exitCode = 1;
    return;
  }
  const unit = units.get(data.file);
  if (unit) Object.assign(durations, spreadDuration(unit, data.duration_ms, recorded));
});
// A failing todo test is reported, not failed (as `node --test` does).
stream.on('test:fail', (data) => {
  if (data.todo === undefined || data.todo === false) process.exitCode = 1;
});
stream.once('end', () => {
  mkdirSync(dirname(DURATIONS_FILE), { recursive: true });
  writeFileSync(DURATIONS_FILE, `${JSON.stringify(durations, null, 1)}\n`);
  if (saveDurations) {
    const ofThisRun = Object.fromEntries(files.sort().map((file) => [file, durations[file]]));
    writeFileSync(COMMITTED_DURATIONS, `${JSON.stringify(ofThisRun, null, 2)}\n`);
  }
});
stream.compose(spec).pipe(process.stdout);
