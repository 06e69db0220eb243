// A real Chromium browses the storefront over real HTTP: home → category → product, then a search
// through the form. It runs with JavaScript off (the shop must work without it) and on (so an
// inline script would be reported as a CSP violation too). Then, on a 390 px phone: a misspelt
// search sorted through the filter form, the buy box, headings, meta descriptions and axe.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import { addHtmlSpecialProduct, seedDemoShop, htmlSpecialProductName } from '../../src/demo/index.ts';
import { escapeHtml } from '../../src/web/template.ts';
import { expectAccessible, expectFitsPhone, launchBrowser } from './support.ts';

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
    assert.equal(await page.getByRole('listitem').filter({ hasText: 'CV-KIT-CABLE' }).getByText('In stock: 60').count(), 1);

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

/** The levels of the page's headings in order (axe's heading-order checks them too; this says which). */
async function headingLevels(page: Page): Promise<number[]> {
  return page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((els) => els.map((e) => Number(e.tagName.slice(1))));
}

async function onPhone(browser: Browser, origin: string): Promise<void> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  try {
    const page = await context.newPage();
    // A typo, then the sort of the filter form (a plain GET form): the laptops, cheapest first.
    await page.goto(`${origin}/`);
    await page.getByRole('searchbox', { name: 'Search products' }).fill('labtop');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(`${origin}/search?q=labtop`);
    await page.getByLabel('Sort by').selectOption('price-asc');
    await page.getByRole('button', { name: 'Show products' }).click();
    await page.waitForURL(/\/search\?q=labtop&sort=price-asc/);
    const found = await page.locator('.card a').allTextContents();
    assert.deepEqual(found, ['Corvid Student 13', 'Corvid Aero 14']);

    for (const path of ['/', '/categories/laptops', '/search?q=labtop&sort=price-asc', '/products/corvid-workstation-16', '/returns']) {
      await page.goto(`${origin}${path}`);
      if (path !== '/returns') {
        const description = await page.locator('meta[name="description"]').getAttribute('content');
        assert.ok(description && description.length > 20 && description.length <= 160, `${path} has a meta description (${description})`);
      }
      const levels = await headingLevels(page);
      assert.equal(levels[0], 1, `${path} starts with its h1`);
      for (let i = 1; i < levels.length; i++) assert.ok(levels[i]! <= levels[i - 1]! + 1, `${path}: heading h${levels[i]} after h${levels[i - 1]}`);
      await expectAccessible(page, path, ['heading-order', 'label-content-name-mismatch']);
      await expectFitsPhone(page, path);
    }

    // The buy box on the phone: the button is on screen and inside its width, a sold-out option is disabled.
    const button = page.getByRole('button', { name: 'Add to cart', exact: true });
    await page.goto(`${origin}/products/corvid-workstation-16`);
    const box = await button.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844, `Add to cart is on the first screen (${JSON.stringify(box)})`);
    assert.equal(await page.getByRole('radio', { name: /128 GB, 4 TB SSD/ }).isDisabled(), true);
    assert.equal(await page.getByRole('radio', { name: /64 GB, 2 TB SSD/ }).isChecked(), true);
  } finally {
    await context.close();
  }
}

testEachDatabase(
  'browser: home → category → product and search, same-origin requests only, HTML-special name shown escaped',
  async (database) => {
    await seedDemoShop(database.db);
    await addHtmlSpecialProduct(database.db);
    const { app, config } = await buildTestApp(database);
    let browser: Browser | undefined;
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();
      await browse(browser, origin, config.shopName, false);
      await browse(browser, origin, config.shopName, true);
      await onPhone(browser, origin);
    } finally {
      await browser?.close();
      await app.close();
    }
  },
  { timeout: 180_000 },
);
