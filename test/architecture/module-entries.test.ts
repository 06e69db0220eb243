// Every module has one public entry, its index.ts; code outside a module reaches it only through
// that entry (decision 0032). Parsed with the TypeScript compiler, so every way a file names
// another (import, import type, export from, import(), import('…').Type) counts and a comment or a
// string does not. Tests of a module may import its own files; test code may also import the test
// helpers listed below.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { referencesOf, root, type Source, sources } from './sources.ts';

/** The folders that are modules, each with its entry `index.ts`. The kernel is one of them. */
export const MODULES = [
  'src/privacy',
  'src/platform/jobs',
  'src/platform/idempotency',
  'src/platform/rate-limits',
  'src/comms',
  'src/media',
  'src/brand',
  'src/accounts',
  'src/commerce/catalogue',
  'src/commerce/cart',
  'src/commerce/pricing',
  'src/commerce/storefront',
  'src/content',
  'src/commerce/orders',
  'src/commerce/payments',
  'src/commerce/checkout',
  'src/commerce/fraud',
  'src/vendors',
  'src/commerce/delivery',
  'src/mailing',
  'src/testimonials',
  'src/quotes',
  'src/surveys',
  'src/support',
  'src/services',
  'src/subscriptions',
  'src/telecom',
  'src/security',
  'src/backups',
  'src/rights',
  'src/sandbox-processor',
  'src/demo',
  'src/cli',
  'src/analytics',
];
const KERNEL = 'src/privacy';

// Not modules, imported by path: the platform layer (settings, errors, logger, database, test
// harnesses) and the web shell (layout, template, forms) that every module builds on, the
// composition root (src/*.ts), and the whole-app tests, benchmarks and scripts.

/** Test helpers other modules' tests may import; production code may not. */
export const TEST_HELPERS = [
  'src/accounts/testing.ts',
  'src/cli/testing.ts',
  'src/commerce/cart/testing.ts',
  'src/commerce/orders/test-support.ts',
  'src/commerce/payments/testing.ts',
  'src/comms/testing/mail-fixture.ts',
  'src/comms/testing/smtp-sink.ts',
  'src/comms/testing/welcome-template.ts',
  'src/platform/jobs/testing/support.ts',
  'src/privacy/bench-support.ts',
  'src/privacy/testing.ts',
  'src/sandbox-processor/testing.ts',
];

/** The kernel's own files that its entry must never hand out (decision 0012). */
const KERNEL_PRIVATE = [/^src\/privacy\/context\.ts$/, /^src\/privacy\/internals\.ts$/, /^src\/privacy\/crypto\//];

const isTestCode = (path: string) => /\.test\.ts$/.test(path) || /^(test|bench)\//.test(path) || TEST_HELPERS.includes(path);
const moduleOf = (path: string) => MODULES.filter((m) => path.startsWith(`${m}/`)).sort((a, b) => b.length - a.length)[0];

/** Where a file reaches into another module past its entry, or hands out the kernel's privates. */
export function entryViolations(sources: Source[]): { violations: string[]; crossings: number; helpersUsed: Set<string> } {
  const violations: string[] = [];
  const helpersUsed = new Set<string>();
  let crossings = 0;
  for (const { path, text } of sources) {
    const from = moduleOf(path);
    for (const target of referencesOf(path, text)) {
      if (path === `${KERNEL}/index.ts` && KERNEL_PRIVATE.some((p) => p.test(target))) violations.push(`${path}: the kernel's entry hands out ${target}`);
      const owner = moduleOf(target);
      if (!owner || owner === from) continue;
      crossings++;
      if (target === `${owner}/index.ts`) continue;
      if (TEST_HELPERS.includes(target) && isTestCode(path)) {
        helpersUsed.add(target);
        continue;
      }
      const what = TEST_HELPERS.includes(target) ? 'a test helper' : owner === KERNEL ? 'a kernel internal' : `an internal of ${owner}`;
      violations.push(`${path}: imports ${target}, ${what} (use ${owner}/index.ts)`);
    }
  }
  return { violations, crossings, helpersUsed };
}

test("every module has an index.ts, and no file imports another module's internals or the kernel's: only its entry (and, from tests, the listed test helpers)", () => {
  const all = sources();
  assert.ok(all.length > 300);
  for (const m of MODULES) assert.ok(existsSync(join(root, m, 'index.ts')), `${m} has no index.ts`);
  for (const helper of TEST_HELPERS) assert.ok(existsSync(join(root, helper)), `listed test helper ${helper} does not exist`);
  // A folder that defines a Module is listed, so a new module cannot sit outside the rule.
  for (const { path, text } of all) {
    if (isTestCode(path) || !/\b(?:const \w+: Module =|\): Module \{)/.test(text)) continue;
    assert.ok(moduleOf(path), `${path} defines a Module but its folder is not in MODULES`);
  }
  const { violations, crossings, helpersUsed } = entryViolations(all);
  assert.ok(crossings > 300, `the check saw only ${crossings} imports across modules`);
  assert.deepEqual(violations, []);
  // The list of helpers is what tests really use across modules, no more.
  assert.deepEqual([...helpersUsed].sort(), [...TEST_HELPERS].sort());
});

test("the entry check reports every way into another module's or the kernel's internals, and only those", () => {
  const probe = (path: string, lines: string[]) => entryViolations([{ path, text: lines.join('\n') }]).violations.map((v) => v.replace(/^.*?: /, ''));
  const seen = probe('src/comms/probe.ts', [
    "import { kernelInternals } from '../privacy/internals.ts';",
    "import type { PrivacyKernel } from '../privacy/kernel.ts';",
    "export { findAccount } from '../accounts/identity.ts';",
    "const store = await import('../commerce/cart/store.ts');",
    "type Item = import('../privacy/store/items.ts').PersonalItem;",
    "import { testKernel } from '../privacy/testing.ts';",
    // Allowed: the entries, the module's own files, the layers; a comment or a string names nothing.
    "import { systemActor, type Actor } from '../privacy/index.ts';",
    "import { queueMail } from './outbox.ts';",
    "import { AppError } from '../platform/errors.ts';",
    "// import { keyring } from '../privacy/context.ts';",
    "const s = '../privacy/crypto/keyring.ts';",
  ]);
  assert.deepEqual(seen, [
    'imports src/privacy/internals.ts, a kernel internal (use src/privacy/index.ts)',
    'imports src/privacy/kernel.ts, a kernel internal (use src/privacy/index.ts)',
    'imports src/accounts/identity.ts, an internal of src/accounts (use src/accounts/index.ts)',
    'imports src/commerce/cart/store.ts, an internal of src/commerce/cart (use src/commerce/cart/index.ts)',
    'imports src/privacy/store/items.ts, a kernel internal (use src/privacy/index.ts)',
    'imports src/privacy/testing.ts, a test helper (use src/privacy/index.ts)',
  ]);
  // A test may use the listed helpers and its own module's files, but not another module's.
  assert.deepEqual(
    probe('src/comms/probe.test.ts', ["import { testKernel } from '../privacy/testing.ts';", "import { sendQueuedMail } from './send.ts';", "import { startKernel } from '../privacy/kernel.ts';"]),
    ['imports src/privacy/kernel.ts, a kernel internal (use src/privacy/index.ts)'],
  );
  assert.deepEqual(probe('test/probe.test.ts', ["import { placeOrder } from '../src/commerce/checkout/flow.ts';", "import { checkoutModule } from '../src/commerce/checkout/index.ts';"]), [
    'imports src/commerce/checkout/flow.ts, an internal of src/commerce/checkout (use src/commerce/checkout/index.ts)',
  ]);
  // The kernel's entry never re-exports its keys, context or root handle.
  assert.deepEqual(
    probe('src/privacy/index.ts', ["export { kernelInternals } from './internals.ts';", "export { FileKeyring } from './crypto/keyring.ts';", "export { startKernel } from './kernel.ts';"]),
    ["the kernel's entry hands out src/privacy/internals.ts", "the kernel's entry hands out src/privacy/crypto/keyring.ts"],
  );
});
