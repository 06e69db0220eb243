// A real Chromium browses the storefront over real HTTP: home → category → product, then a search
// through the form. It runs with JavaScript off (the shop must work without it) and on (so an
// inline script would be reported as a CSP violation too).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import { seedDemoShop, htmlSpecialProductName } from '../../src/demo/index.ts';
import { escapeHtml } from '../../src/web/template.ts';

interface Recorder {
  requests: string[];
  failures: string[];
  consoleErrors: string[];
}

function record(page: Page): Recorder {
  const r: Recorder = { requests: [], failures: [], consoleErrors: [] };
  page.on('request', (request) => r.requests.push(request.url()));
  page.on('requestfailed', (request) => r.failures.push(request.url()));
  page.on('response', (response) => {
    if (response.status() >= 400) r.failures.push(`${response.status()} ${response.url()}`);
  });
  // CSP violations (inline style or script, other-origin loads) are reported as console errors.
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) r.consoleErrors.push(message.text());
  });
  page.on('pageerror', (err) => r.consoleErrors.push(err.message));
  return r;
}

async function browse(browser: Browser, origin: string, shopName: string, javaScriptEnabled: boolean): Promise<void> {
  const context = await browser.newContext({ javaScriptEnabled });
  try {
    const page = await context.newPage();
    const seen = record(page);

    const home = await page.goto(`${origin}/`);
    assert.equal(home?.status(), 200);
    assert.equal(await page.title(), `Home · ${shopName}`);

    await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Accessories', exact: true }).click();
    await page.waitForURL(`${origin}/categories/accessories`);
    assert.equal(await page.locator('h1').textContent(), 'Accessories');

    const productResponse = page.waitForResponse(`${origin}/products/cable-adapter-kit`);
    await page.getByRole('link', { name: htmlSpecialProductName, exact: true }).click();
    const response = await productResponse;
    await page.waitForURL(`${origin}/products/cable-adapter-kit`);
    assert.equal(response.status(), 200);
    // Shown as the raw text, never interpreted as markup; sent escaped in the HTML source.
    assert.equal(await page.locator('h1').textContent(), htmlSpecialProductName);
    assert.equal(await page.locator('main b').count(), 0);
    assert.equal(await page.title(), `${htmlSpecialProductName} · ${shopName}`);
    const source = await response.text();
    assert.ok(source.includes(`<h1>${escapeHtml(htmlSpecialProductName)}</h1>`), 'the HTML source holds the escaped name');
    assert.ok(!source.includes(htmlSpecialProductName), 'the raw name never appears in the source');
    assert.equal(
      await page
        .getByRole('row', { name: /CV-KIT-CABLE/ })
        .getByText('In stock: 60')
        .count(),
      1,
    );

    // The search form works as a plain GET form.
    await page.getByRole('searchbox', { name: 'Search products' }).fill('CV-SW8');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(`${origin}/search?q=CV-SW8`);
    await page.getByRole('link', { name: 'Corvid 8-Port Gigabit Switch' }).click();
    await page.waitForURL(`${origin}/products/corvid-8-port-switch`);
    assert.equal(await page.locator('h1').textContent(), 'Corvid 8-Port Gigabit Switch');

    const pages = seen.requests.filter((url) => !url.includes('/static/'));
    assert.ok(pages.length >= 5, `every navigation was recorded (${pages.length})`);
    assert.ok(seen.requests.includes(`${origin}/static/app.css`), 'the stylesheet was requested');
    const elsewhere = seen.requests.filter((url) => new URL(url).origin !== origin);
    assert.deepEqual(elsewhere, [], 'no request to any other origin');
    assert.deepEqual(seen.failures, [], 'no failed request');
    assert.deepEqual(seen.consoleErrors, [], 'no console errors or CSP violations');
  } finally {
    await context.close();
  }
}

testEachDatabase(
  'browser: home → category → product and search, same-origin requests only, HTML-special name shown escaped',
  async (database) => {
    await seedDemoShop(database.db);
    const { app, config } = await buildTestApp(database);
    let browser: Browser | undefined;
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();
      await browse(browser, origin, config.shopName, false);
      await browse(browser, origin, config.shopName, true);
    } finally {
      await browser?.close();
      await app.close();
    }
  },
  { timeout: 180_000 },
);
