// What the browser tests share: a headless Chromium and an accessibility check of the page as it
// stands, by axe-core run inside the page. The browser is CHROMIUM_PATH, else /usr/bin/chromium,
// else the one the @sparticuz/chromium dev dependency ships (so `npm install && npm test` needs no
// browser installed by hand; decision 0031). CUSTODIAN_TEST_BROWSER=bundled skips the first two.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

// Test files run in parallel processes (and on a shared machine, several suites at once). The
// package unpacks its binary into the temp folder and returns early when the file exists, so a
// second process could launch a half-written binary (spawn ETXTBSY): unpacking takes a lock.
const UNPACK_LOCK = join(tmpdir(), 'custodian-chromium-unpack.lock');
const STALE_LOCK_MS = 180_000;

async function underUnpackLock<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(UNPACK_LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const since = (() => {
        try {
          return Date.now() - statSync(UNPACK_LOCK).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if (since > STALE_LOCK_MS) rmSync(UNPACK_LOCK, { recursive: true, force: true });
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(UNPACK_LOCK, { recursive: true, force: true });
  }
}

/** Unpacks the dev dependency's Chromium (once per machine, into the temp folder) and returns its path. */
async function bundledChromium(): Promise<string> {
  const { default: bundled } = await import('@sparticuz/chromium');
  return underUnpackLock(() => bundled.executablePath());
}

export async function chromiumPath(
  env: Record<string, string | undefined> = process.env,
  systemPaths: readonly string[] = [SYSTEM_CHROMIUM],
  bundled: () => Promise<string> = bundledChromium,
): Promise<string> {
  if (env.CUSTODIAN_TEST_BROWSER !== 'bundled') {
    if (env.CHROMIUM_PATH) {
      if (!existsSync(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH names no file: ${env.CHROMIUM_PATH}`);
      return env.CHROMIUM_PATH;
    }
    const found = systemPaths.find((p) => existsSync(p));
    if (found) return found;
  }
  return bundled();
}

/** The headless Chromium every browser test uses (see chromiumPath for which binary). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumPath(), args: chromiumArgs });
}

let axeSource: string | null = null;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs `check` on a copy of the page in a JavaScript-enabled context: the pages are tested with
 * JavaScript off, where nothing can be evaluated in them, so the same HTML is served again at the
 * same address (styles and images still come from the shop) and inspected there, through the
 * DevTools protocol, which the strict CSP does not block.
 */
async function onCopy<T>(page: Page, viewport: { width: number; height: number } | null, check: (copy: Page) => Promise<T>): Promise<T> {
  const url = page.url();
  const markup = await page.content();
  const browser = page.context().browser();
  if (!browser) throw new Error('a browser test page must belong to a launched browser');
  const context = await browser.newContext({ javaScriptEnabled: true, viewport: viewport ?? page.viewportSize() });
  try {
    const copy = await context.newPage();
    await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: markup }));
    await copy.goto(url);
    return await check(copy);
  } finally {
    await context.close();
  }
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules, and any `alsoRules` by id, such as the best-practice
 * `heading-order` or the experimental `label-content-name-mismatch`) on the page as it stands;
 * fails on any violation, naming the rule and where.
 */
export async function expectAccessible(page: Page, what: string, alsoRules: readonly string[] = []): Promise<void> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const source = axeSource;
  const violations = await onCopy(page, null, (copy) =>
    copy.evaluate(
      async ({ code, rules }: { code: string; rules: string[] }) => {
        new Function(code)();
        const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
        const document = (globalThis as unknown as { document: unknown }).document;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
        const extra = rules.length ? (await axe.run(document, { runOnly: { type: 'rule', values: rules } })).violations : [];
        return [...result.violations, ...extra] as AxeViolation[];
      },
      { code: source, rules: [...alsoRules] },
    ),
  );
  assert.deepEqual(
    violations.map((v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`),
    [],
    `${what} has accessibility violations`,
  );
}

/** Nothing on the page is wider than a `width` px wide screen (no horizontal scroll). */
export async function expectFitsWidth(page: Page, width: number, what: string): Promise<void> {
  const overflow = await onCopy(page, { width, height: 844 }, (copy) =>
    copy.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    }),
  );
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than a ${width} px screen`);
}

/** The page fits a 390 px wide phone screen: nothing is wider than the viewport. */
export async function expectFitsPhone(page: Page, what: string): Promise<void> {
  await expectFitsWidth(page, 390, what);
}
