// A real Chromium with JavaScript off: the privacy officer signs in (password, then a recovery
// code), follows the console's links to the promise report (one policy's, which passes axe, WCAG
// 2.1 AA) and the data map; both fit a 390 px phone and print without the site's header,
// navigation and footer.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { staffClient } from '../../src/accounts/testing.ts';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { expectAccessible, expectFitsPhone, launchBrowser } from './support.ts';

const dpo = { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password: 'amber-lighthouse-27-quietly-sings' };

/** axe on the wide layout and on the phone's, where table rows become cards. */
async function expectAccessibleWideAndNarrow(page: Page, what: string): Promise<void> {
  await expectAccessible(page, what);
  const wide = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page, `${what} on a phone`);
  if (wide) await page.setViewportSize(wide);
}

async function expectPrintsWithoutChrome(page: Page, what: string): Promise<void> {
  await page.emulateMedia({ media: 'print' });
  for (const selector of ['.site-header', '.site-footer', '.no-print']) assert.equal(await page.locator(selector).first().isVisible(), false, `${what}: ${selector} is left out of the print`);
  assert.equal(await page.locator('h1').isVisible(), true);
  await page.emulateMedia({ media: 'screen' });
}

testEachDatabase(
  'browser: the promise report and the data map, reached from the DPO console without JavaScript, are accessible, fit a phone and print without navigation',
  async (database) => {
    const { app, config } = await buildTestApp(database);
    let browser: Browser | undefined;
    try {
      const { recoveryCodes } = await staffClient(app, database.db, dpo);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();

      await page.goto(`${origin}/staff/login`);
      await page.getByLabel('Email').fill(dpo.email);
      await page.getByLabel('Password').fill(dpo.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${origin}/staff/2fa`);
      await page.getByLabel('Code').fill(recoveryCodes[0]!);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${origin}/staff`);
      await page.goto(`${origin}/staff/dpo`);

      await page.getByRole('main').getByRole('link', { name: 'Promise report' }).click();
      await page.waitForURL(`${origin}/staff/dpo/report`);
      assert.equal(await page.title(), `Promise report · ${config.shopName}`);
      assert.equal(await page.getByRole('row', { name: /P000-12/ }).count(), 1);
      await page
        .getByRole('navigation', { name: 'Policies' })
        .getByRole('link', { name: /Policy 003/ })
        .click();
      await expectAccessibleWideAndNarrow(page, 'the promise report');
      await expectFitsPhone(page, 'the promise report');
      await expectPrintsWithoutChrome(page, 'the promise report');

      await page.getByRole('link', { name: 'The data map' }).click();
      await page.waitForURL(`${origin}/staff/dpo/datamap`);
      assert.equal(await page.locator('h1').textContent(), 'The data map');
      // Axe runs on the data map page, as it is here, in the every-page crawl.
      await expectFitsPhone(page, 'the data map');
      await expectPrintsWithoutChrome(page, 'the data map');
      await context.close();
    } finally {
      await browser?.close();
      await app.close();
    }
  },
  { timeout: 240_000 },
);
