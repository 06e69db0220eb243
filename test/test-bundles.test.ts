// npm test runs the quick files a few to a process and the long ones alone, longest first
// (scripts/test-bundles.ts, decision 0074 "Bundles").
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { planUnits, spreadDuration, unitEntry } from '../scripts/test-bundles.ts';

const plan = { aloneMs: 20_000, bundleMs: 40_000 };
const filesOf = (units: { files: string[] }[]) => units.map((u) => u.files);

test('a file recorded as long runs alone; the quick ones share processes of at most the bundle size, longest first', () => {
  const durations = { 'src/a.test.ts': 18_000, 'src/b.test.ts': 15_000, 'src/c.test.ts': 10_000, 'src/d.test.ts': 9_000, 'test/long.test.ts': 25_000 };
  const units = planUnits(Object.keys(durations), durations, plan);
  assert.deepEqual(filesOf(units), [['src/a.test.ts', 'src/b.test.ts'], ['test/long.test.ts'], ['src/c.test.ts', 'src/d.test.ts']]);
  assert.deepEqual(
    units.map((u) => u.estimate),
    [33_000, 25_000, 19_000],
  );
});

test('a file never timed runs alone, before every timed file; those of a kind known to be long first, in that order', () => {
  const units = planUnits(
    ['src/a.test.ts', 'test/fuzz.test.ts', 'test/browser/every-page.test.ts', 'test/scale/processes.test.ts', 'src/b.test.ts', 'src/c.test.ts'],
    { 'src/c.test.ts': 90_000 },
    plan,
  );
  assert.deepEqual(filesOf(units), [['test/browser/every-page.test.ts'], ['test/scale/processes.test.ts'], ['test/fuzz.test.ts'], ['src/a.test.ts'], ['src/b.test.ts'], ['src/c.test.ts']]);
});

test('a file of a long kind runs alone even when recorded as quick', () => {
  const units = planUnits(['test/browser/x.test.ts', 'src/a.test.ts'], { 'test/browser/x.test.ts': 1_000, 'src/a.test.ts': 2_000 }, plan);
  assert.deepEqual(filesOf(units), [['src/a.test.ts'], ['test/browser/x.test.ts']]);
});

test("a bundle's measured time is spread over its files in proportion to what each was expected to take", () => {
  const spread = spreadDuration({ files: ['a', 'b', 'c'], estimate: 0 }, 20_000, { a: 5_000, b: 2_500, c: 2_500 });
  assert.deepEqual(spread, { a: 10_000, b: 5_000, c: 5_000 });
});

test('a lone file is run as itself; a bundle is a module importing its files in order, named after its content', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bundles-'));
  assert.equal(unitEntry({ files: ['src/a.test.ts'], estimate: 1 }, '/repo', dir), '/repo/src/a.test.ts');
  const entry = unitEntry({ files: ['src/b.test.ts', 'src/a.test.ts'], estimate: 1 }, '/repo', dir);
  const imports = [...readFileSync(entry, 'utf8').matchAll(/^import (".+");$/gm)].map((m) => JSON.parse(m[1]!));
  assert.deepEqual(imports, [pathToFileURL('/repo/src/b.test.ts').href, pathToFileURL('/repo/src/a.test.ts').href]);
  assert.equal(unitEntry({ files: ['src/b.test.ts', 'src/a.test.ts'], estimate: 2 }, '/repo', dir), entry);
  assert.notEqual(unitEntry({ files: ['src/a.test.ts', 'src/b.test.ts'], estimate: 1 }, '/repo', dir), entry);
});
