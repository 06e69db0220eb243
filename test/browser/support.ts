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
import { freePort } from '../../src/platform/testing/free-port.ts';
export { freePort };

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
 * JavaScript off, where nothing can be evaluated in them, so the same HTML is written into a page
 * of the shop's origin (styles and images still come from the shop) and inspected there, through
 * the DevTools protocol, which the strict CSP does not block.
 */
async function onCopy<T>(page: Page, viewport: { width: number; height: number } | null, check: (copy: Page) => Promise<T>): Promise<T> {
  const url = page.url();
  const markup = await page.content();
  const browser = page.context().browser();
  if (!browser) throw new Error('a browser test page must belong to a launched browser');
  const copy = await copyPage(browser, url);
  const size = viewport ?? page.viewportSize();
  if (size) await copy.setViewportSize(size);
  await copy.setContent(markup);
  // evaluate() has no timeout of its own: a stuck check fails here, naming the page, instead of
  // holding the test until the runner's timeout hides which step it was.
  return withinSeconds(60, `the in-page check of ${url}`, check(copy));
}

// One JavaScript-enabled page per browser serves every copy, its document rewritten each time:
// the window, and with it axe once loaded and compiled, outlives the document (document.open keeps
// the global object), where a page per check loaded and compiled axe's 500 kB again each time,
// which cost more than the check on a crawl of every page. A copy carries no cookies: its
// markup is written in, and its styles and images need no session. It closes with its browser.
const copyPages = new WeakMap<Browser, Promise<Page>>();

async function copyPage(browser: Browser, url: string): Promise<Page> {
  let made = copyPages.get(browser);
  if (!made) {
    made = browser.newContext({ javaScriptEnabled: true }).then((context) => context.newPage());
    copyPages.set(browser, made);
  }
  const copy = await made;
  const { origin } = new URL(url);
  if (copy.url() === 'about:blank' || new URL(copy.url()).origin !== origin) {
    // An empty page at the shop's origin, so the markup's /static/ and /media/ addresses resolve there.
    const blank = `${origin}/__copy__`;
    await copy.route(blank, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>copy</title>' }));
    await copy.goto(blank);
    await copy.unroute(blank);
  }
  return copy;
}

export async function withinSeconds<T>(seconds: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish in ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The axe-core violations (WCAG 2.1 A and AA, and `alsoRules` by id) on a JavaScript-enabled copy. */
async function axeViolations(copy: Page, alsoRules: readonly string[]): Promise<string[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const violations = await copy.evaluate(
    async ({ code, rules }: { code: string; rules: string[] }) => {
      if (!(globalThis as { axe?: unknown }).axe) new Function(code)();
      const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
      const document = (globalThis as unknown as { document: unknown }).document;
      // Only violations are reported, so axe need not collect and describe what passed.
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
      const extra = rules.length ? (await axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] })).violations : [];
      return [...result.violations, ...extra] as AxeViolation[];
    },
    { code: axeSource, rules: [...alsoRules] },
  );
  return violations.map((v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
}

async function overflowOf(copy: Page): Promise<number> {
  return copy.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}

/** The innermost elements that reach past the right edge of a `width` px screen, as tag.class. */
async function widestOf(copy: Page, width: number): Promise<string> {
  return copy.evaluate((w) => {
    type El = { tagName: string; className: string; children: { length: number }; getBoundingClientRect(): { right: number } };
    const all = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> } }).document.querySelectorAll('body *');
    const past = [...all].filter((e) => e.getBoundingClientRect().right > w + 1);
    const innermost = past.filter((e) => !past.some((o) => o !== e && (e as unknown as { contains(x: unknown): boolean }).contains(o)));
    return innermost
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}${typeof e.className === 'string' && e.className ? `.${e.className.split(' ').join('.')}` : ''}`)
      .join(', ');
  }, width);
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules, and any `alsoRules` by id, such as the best-practice
 * `heading-order` or the experimental `label-content-name-mismatch`) on the page as it stands;
 * fails on any violation, naming the rule and where.
 */
export async function expectAccessible(page: Page, what: string, alsoRules: readonly string[] = []): Promise<void> {
  const violations = await onCopy(page, null, (copy) => axeViolations(copy, alsoRules));
  assert.deepEqual(violations, [], `${what} has accessibility violations`);
}

/**
 * What is wrong with the page as it stands at each of `widths` px, without failing: each axe
 * violation, and how much wider than the screen it is. One copy of the page serves every width.
 */
export async function problemsAt(page: Page, widths: readonly number[]): Promise<string[]> {
  return onCopy(page, { width: widths[0]!, height: 844 }, async (copy) => {
    const problems: string[] = [];
    for (const width of widths) {
      await copy.setViewportSize({ width, height: 844 });
      for (const problem of await axeViolations(copy, [])) problems.push(`at ${width} px: ${problem}`);
      const overflow = await overflowOf(copy);
      if (overflow > 0) problems.push(`at ${width} px: ${overflow}px wider than the screen, by ${await widestOf(copy, width)}`);
    }
    return problems;
  });
}

/** Nothing on the page is wider than a `width` px wide screen (no horizontal scroll). */
export async function expectFitsWidth(page: Page, width: number, what: string): Promise<void> {
  const overflow = await onCopy(page, { width, height: 844 }, overflowOf);
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than a ${width} px screen`);
}

/** The page fits a 390 px wide phone screen: nothing is wider than the viewport. */
export async function expectFitsPhone(page: Page, what: string): Promise<void> {
  await expectFitsWidth(page, 390, what);
}
