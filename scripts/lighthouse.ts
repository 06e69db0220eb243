// `npm run lighthouse`: Lighthouse (accessibility, best practices, SEO, performance; its default
// mobile settings) on the storefront's home, a category, a product, the cart, checkout and the
// account, on a fresh demo shop it starts itself (PGlite), in the browser the tests use. Writes
// docs/lighthouse.json and the table in README.md between the lighthouse markers. Slow (a minute
// or two), so not part of `npm test`. Targets: 100 for the first three, at least 95 performance.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { demoLogins } from '../src/demo/index.ts';
import { chromiumPath, fillCart, firstLink, startDemoShop } from './demo-browser.ts';

const CATEGORIES = ['accessibility', 'best-practices', 'seo', 'performance'] as const;
const ROOT = join(import.meta.dirname, '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const demo = await startDemoShop();
const port = await freePort();
const profile = mkdtempSync(join(tmpdir(), 'custodian-lighthouse-'));
// One profile that Lighthouse shares over the DevTools port: the cart and the customer's session
// set up here are what it sees (it is told not to reset storage).
const context = await chromium.launchPersistentContext(profile, {
  executablePath: await chromiumPath(),
  args: ['--headless', '--no-sandbox', '--disable-gpu', `--remote-debugging-port=${port}`],
});
const scores: Record<string, Record<string, number>> = {};
try {
  const { origin } = demo;
  const category = await firstLink(context, origin, '/', /^\/categories\/[^/]+$/);
  const product = await firstLink(context, origin, category, /^\/products\/[^/]+$/);
  await fillCart(context, origin, product);
  const page = await context.newPage();
  await page.goto(`${origin}/account/login`);
  await page.getByLabel('Email').fill(demoLogins.customer.email);
  await page.getByLabel('Password').fill(demoLogins.customer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}/account`);
  await page.close();

  const pages: [string, string][] = [
    ['home', '/'],
    ['category', category],
    ['product', product],
    ['cart', '/cart'],
    ['checkout', '/checkout'],
    ['account', '/account'],
  ];
  for (const [name, path] of pages) {
    const result = await lighthouse(`${origin}${path}`, { port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES], disableStorageReset: true });
    if (!result) throw new Error(`Lighthouse returned nothing for ${path}`);
    const { lhr } = result;
    scores[name] = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
    const failing = Object.values(lhr.audits).filter(
      (a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual' && a.scoreDisplayMode !== 'notApplicable',
    );
    console.log(`${name} (${path}): ${JSON.stringify(scores[name])}${failing.length ? `\n  below full marks: ${failing.map((a) => `${a.id} ${a.score}`).join(', ')}` : ''}`);
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await demo.stop();
}

const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'lighthouse', 'package.json'), 'utf8')) as { version: string }).version;
writeFileSync(join(ROOT, 'docs', 'lighthouse.json'), `${JSON.stringify({ lighthouse: version, settings: 'default (mobile, simulated throttling)', scores }, null, 2)}\n`);
const table = [
  '| page | accessibility | best practices | SEO | performance |',
  '|---|---|---|---|---|',
  ...Object.entries(scores).map(([name, s]) => `| ${name} | ${CATEGORIES.map((c) => s[c]).join(' | ')} |`),
].join('\n');
const readmePath = join(ROOT, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
writeFileSync(readmePath, readme.replace(/<!-- lighthouse:start -->[\s\S]*<!-- lighthouse:end -->/, `<!-- lighthouse:start -->\n${table}\n<!-- lighthouse:end -->`));
console.log('docs/lighthouse.json and the README table written');
