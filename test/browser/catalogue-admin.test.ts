// A real Chromium with JavaScript off, on a 390 px phone: the owner signs in, adds a vendor, a
// draft product with two variants, publishes it and finds it in the storefront; then sets stock
// in bulk and reads who did what in the product's History. Each console page passes axe
// (WCAG 2.1 AA) and fits the screen.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { staffClient } from '../../src/accounts/testing.ts';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { expectAccessible, expectFitsPhone, launchBrowser } from './support.ts';

const owner = { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'amber-lighthouse-27-quietly-sings' };

async function expectUsable(page: Page, what: string): Promise<void> {
  await expectAccessible(page, what);
  await expectFitsPhone(page, what);
}

testEachDatabase(
  'browser: the owner adds a product with two variants from the console, publishes it and sees it in the storefront, on a phone without JavaScript',
  async (database) => {
    const { app, config } = await buildTestApp(database);
    let browser: Browser | undefined;
    try {
      const ownerClient = await staffClient(app, database.db, owner);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
      const page = await context.newPage();

      await page.goto(`${origin}/staff/login`);
      await page.getByLabel('Email').fill(owner.email);
      await page.getByLabel('Password').fill(owner.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${origin}/staff/2fa`);
      await page.getByLabel('Code').fill(ownerClient.recoveryCodes[0]!);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${origin}/staff`);
      await page.getByRole('main').getByRole('link', { name: 'Catalogue', exact: true }).click();
      await page.waitForURL(`${origin}/staff/catalogue`);
      await expectUsable(page, 'the product list');

      await page.getByRole('navigation', { name: 'Catalogue' }).getByRole('link', { name: 'Vendors' }).click();
      await page.getByLabel('Name').fill('Corvid Networks');
      await page.getByLabel('Website').fill('https://corvid.example');
      await page.getByRole('button', { name: 'Add vendor' }).click();
      await page.getByRole('status').waitFor();
      await expectUsable(page, 'the vendors page');

      await page.getByRole('navigation', { name: 'Catalogue' }).getByRole('link', { name: 'New product' }).click();
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.getByRole('alert').waitFor();
      await expectUsable(page, 'the new-product form with its errors');
      await page.getByLabel('Name', { exact: true }).fill('Mesh Router X2');
      await page.getByLabel('Description').fill('Covers a whole house.');
      await page.getByLabel('Kind').selectOption('physical');
      await page.getByLabel('SKU').fill('MRX-1');
      await page.getByLabel('Variant name').fill('One unit');
      await page.getByLabel('Price').fill('89.50');
      await page.getByLabel('Stock').fill('4');
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.getByText('Saved as a draft').waitFor();
      await expectUsable(page, 'the draft product page');

      await page.getByLabel('SKU').fill('MRX-3');
      await page.getByLabel('Variant name').fill('Three-pack');
      await page.getByLabel('Price').fill('239');
      await page.getByLabel('Stock').fill('2');
      await page.getByRole('button', { name: 'Add variant' }).click();
      await page.getByText('Variant added.').waitFor();
      assert.equal(await page.getByText(`239.00 ${config.currency}`).count(), 1, 'the new variant shows its price in major units');

      await page.getByRole('button', { name: 'Publish' }).click();
      await page.getByText('Published: the product is on sale').waitFor();
      await expectUsable(page, 'the published product page with its history');
      assert.ok((await page.locator('.history').textContent())?.includes('Olive Owner'), 'the History names the owner');

      await page.getByRole('link', { name: 'See it in the storefront' }).click();
      await page.getByRole('heading', { name: 'Mesh Router X2' }).waitFor();

      await page.goto(`${origin}/staff/catalogue/stock?q=MRX`);
      await page.getByLabel('MRX-3').fill('5');
      await page.getByRole('button', { name: 'Save stock' }).click();
      await page.getByText('Stock saved.').waitFor();
      await expectUsable(page, 'the stock page');
      await page.goto(`${origin}/staff/catalogue?q=MRX`);
      assert.equal(await page.getByRole('link', { name: 'Mesh Router X2' }).count(), 1, 'the list finds it by SKU');
      await context.close();
    } finally {
      await browser?.close();
      await app.close();
    }
  },
  { timeout: 300_000 },
);
