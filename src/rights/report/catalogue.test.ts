import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadDataMap } from '../../privacy/index.ts';
import { loadCatalogue, parseCatalogue, PromiseCatalogueInvalid, type PromiseCatalogue } from './catalogue.ts';
import { evidenceFamilies, evidenceKeyProblem } from './evidence-keys.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const shared = join(root, '..', 'shared', 'PROMISES.md');
const map = loadDataMap(join(root, 'datamap'));
const catalogue: PromiseCatalogue = loadCatalogue((key) => evidenceKeyProblem(key, map));
// Built from parts, so this file does not name a promise itself.
const promiseTag = /\[(P\d{3}-\d{2})\]/g;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Promise id → the test files that name it. */
function namedByTests(): Map<string, string[]> {
  const named = new Map<string, string[]>();
  for (const file of [...testFiles(join(root, 'src')), ...testFiles(join(root, 'test'))]) {
    for (const id of new Set([...readFileSync(file, 'utf8').matchAll(promiseTag)].map((m) => m[1]!))) {
      named.set(id, [...(named.get(id) ?? []), file.slice(root.length)]);
    }
  }
  return named;
}

test('promise catalogue: every promise has a mechanism, a status and figures the report can show; the unkept name what is missing and the roadmap step', () => {
  const ids = catalogue.promises.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(ids, [...ids].sort(), 'in seed and number order');
  assert.deepEqual([...catalogue.seeds.keys()], ['000', '001', '002', '003', '004']);
  for (const p of catalogue.promises) {
    assert.equal(p.seed, p.id.slice(1, 4));
    assert.equal(p.status === 'kept', p.roadmap === null && p.missing === null, `${p.id}: only the unkept name a roadmap step and what is missing`);
  }
  const used = new Set(catalogue.promises.flatMap((p) => p.evidence).map((key) => (key.includes(':') ? key.slice(0, key.indexOf(':') + 1) : key)));
  assert.deepEqual(
    evidenceFamilies.filter((name) => !used.has(name)),
    [],
    'every figure the report can show is shown for some promise',
  );
});

test('promise catalogue: a broken catalogue does not load, and every problem is named', () => {
  const source = `roadmap: { 1: Rights }
seeds: { "000": a shop }
promises:
  - { id: P000-01, promise: p, outcome: o, status: kept, mechanism: m, evidence: [erasures], roadmap: 1 }
  - { id: P000-01, promise: p, outcome: o, status: maybe, mechanism: m, evidence: [reads:nothing, wishes] }
  - { id: P009-01, promise: "", outcome: o, status: partial, mechanism: m, evidence: [], roadmap: 9 }
`;
  assert.throws(
    () => parseCatalogue(source, (key) => evidenceKeyProblem(key, map)),
    (err) =>
      err instanceof PromiseCatalogueInvalid &&
      err.code === 'CONFIG_INVALID' &&
      [
        'promises[0] (P000-01): a kept promise has no missing part and no roadmap step',
        'promises[1] (P000-01): id appears twice',
        'promises[1] (P000-01): status must be one of kept, partial, not yet',
        'promises[1] (P000-01): evidence reads:nothing: nothing is not a purpose of the data map',
        'promises[1] (P000-01): evidence wishes: no such figure (see src/rights/report/evidence-keys.ts)',
        'promises[2] (P009-01): seed 009 is not among the seeds',
        'promises[2] (P009-01): promise must be a sentence',
        'promises[2] (P009-01): say what is missing',
        'promises[2] (P009-01): roadmap must be the number of a roadmap step',
      ].every((problem) => err.problems.includes(problem)),
  );
});

test('promise catalogue: every promise a test names is in the catalogue', () => {
  const known = new Set(catalogue.promises.map((p) => p.id));
  const unknown = [...namedByTests()].filter(([id]) => !known.has(id)).map(([id, files]) => `${id} (${files.join(', ')})`);
  assert.deepEqual(unknown, [], 'tests name promises the catalogue lacks');
});

test('promise catalogue: every promise marked kept is named by a test', () => {
  const named = namedByTests();
  const unproven = catalogue.promises.filter((p) => p.status === 'kept' && !named.has(p.id)).map((p) => p.id);
  assert.deepEqual(unproven, [], 'kept, but no test names them: prove them or mark them partial');
});

test('promise catalogue: a test names only a promise marked kept; a test of part of a promise does not carry its id', () => {
  const status = new Map(catalogue.promises.map((p) => [p.id, p.status]));
  const overclaimed = [...namedByTests()].filter(([id]) => status.has(id) && status.get(id) !== 'kept').map(([id, files]) => `${id} ${status.get(id)} (${files.join(', ')})`);
  assert.deepEqual(overclaimed, [], 'tests name promises that are not kept: drop the id from the test (docs/promise-tags.md)');
});

// The user's path: the app built as the shop builds it (routes, pages, jobs), the CLI, or a browser on it.
// vendorShop (test/vendor-support.ts) is paymentsTestBed with a vendor user and a purchase;
// servedShop (test/browser/served-shop.ts) is the whole app on a port, with a browser; buildApp is
// what buildTestApp wraps, called directly where a test swaps one module's processor (a fake Stripe).
const drivesTheShop = /\b(buildTestApp|buildApp|rightsBed|paymentsTestBed|vendorShop|servedShop|runCli|execFile|startShop)\b/;

test('promise catalogue: a file whose tests name a promise drives the shop, never a bare kernel', () => {
  const files = new Set([...namedByTests().values()].flat());
  const kernelOnly = [...files].filter((file) => {
    const source = readFileSync(join(root, file), 'utf8');
    return /\btestKernel\(/.test(source) || !drivesTheShop.test(source);
  });
  assert.deepEqual(kernelOnly, [], 'kernel-level tests keep their assertions but carry no promise id (docs/promise-tags.md)');
});

test('promise catalogue: ids, promises and outcomes are those of ../shared/PROMISES.md', { skip: existsSync(shared) ? false : 'no ../shared/PROMISES.md next to this clone' }, () => {
  const markdown = readFileSync(shared, 'utf8');
  const seeds = [...markdown.matchAll(/^## (\d{3}) — (.+)$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual([...catalogue.seeds], seeds);
  const rows = markdown
    .split('\n')
    .filter((line) => /^\| P\d{3}-\d{2} /.test(line))
    .map((line) => {
      const [id, promise, outcome] = line
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim());
      return { id, promise, outcome };
    });
  assert.equal(rows.length, 103);
  assert.deepEqual(
    catalogue.promises.map(({ id, promise, outcome }) => ({ id, promise, outcome })),
    rows,
  );
});
