// A real Chromium with JavaScript off files a complaint from the privacy policy's link (first with
// every field missing, then complete), and the privacy officer signs in, opens the case from the
// list and answers it: every page passes axe (WCAG 2.1 AA) and fits a 390 px phone.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { staffClient } from '../../src/accounts/testing.ts';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { expectAccessible, expectFitsPhone, launchBrowser } from './support.ts';

const dora = { name: 'Dora Protectorova', email: 'dora.protectorova@shop.example', role: 'dpo', password: 'harbour-violet-47-compass-lantern' };

testEachDatabase(
  'browser: [P002-24] the complaint form and the privacy officer’s case pages, without JavaScript, are accessible and fit a phone',
  async (database) => {
    const { app } = await buildTestApp(database);
    let browser: Browser | undefined;
    try {
      const officer = await staffClient(app, database.db, dora);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();

      await page.goto(`${origin}/privacy`);
      await page.getByRole('link', { name: 'complaint form' }).click();
      await page.waitForURL(`${origin}/privacy/complaint`);
      await expectAccessible(page, 'the complaint form');
      await expectFitsPhone(page, 'the complaint form');

      await page.getByRole('button', { name: 'Send the complaint' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('.form-errors li').count(), 3, 'name, email and what happened are named');
      await expectAccessible(page, 'the complaint form with its errors');
      await expectFitsPhone(page, 'the complaint form with its errors');

      await page.getByLabel('Your name').fill('Wilhelmina Brackenridge');
      await page.getByLabel('Your email address').fill('wilhelmina.brackenridge@example.net');
      await page.getByLabel('What happened').fill('You sent my address to a marketing partner.\n\nYour policy says you never do that.');
      await page.getByLabel('Order number (optional)').fill('C-100042');
      await page.getByRole('button', { name: 'Send the complaint' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), 'We received your complaint');
      const number = (await page.locator('.notice strong').textContent())!;
      assert.match(number, /^K-\d{6}$/);
      await expectAccessible(page, 'the complaint receipt');
      await expectFitsPhone(page, 'the complaint receipt');

      // The privacy officer signs in (password, then a recovery code as the second factor).
      const staff = await browser.newContext({ javaScriptEnabled: false });
      const console = await staff.newPage();
      await console.goto(`${origin}/staff/login`);
      await console.getByLabel('Email').fill(dora.email);
      await console.getByLabel('Password').fill(dora.password);
      await console.getByRole('button', { name: 'Sign in' }).click();
      await console.waitForURL(`${origin}/staff/2fa`);
      await console.getByLabel('Code').fill(officer.recoveryCodes[0]!);
      await console.getByRole('button', { name: 'Continue' }).click();
      await console.waitForURL(`${origin}/staff`);

      await console.goto(`${origin}/staff/dpo`);
      await console.getByRole('main').getByRole('link', { name: 'Complaints' }).click();
      await console.waitForURL(`${origin}/staff/dpo/complaints`);
      await expectAccessible(console, 'the list of complaints');
      await expectFitsPhone(console, 'the list of complaints');
      await console.getByRole('link', { name: number }).click();
      await console.waitForURL(`${origin}/staff/dpo/complaints/${number}`);
      assert.match((await console.locator('main').textContent())!, /Wilhelmina Brackenridge/);
      await expectAccessible(console, 'a complaint case');
      await expectFitsPhone(console, 'a complaint case');

      await console.getByLabel('Your answer').fill('We looked into it: nobody received your address from us.');
      // The post redirects back to the same address, whose page carries the flash notice.
      await Promise.all([
        console.waitForResponse((r) => r.url() === `${origin}/staff/dpo/complaints/${number}` && r.request().method() === 'GET'),
        console.getByRole('button', { name: 'Send the answer' }).click(),
      ]);
      await console.waitForLoadState();
      assert.match((await console.locator('.notice').textContent())!, /on its way/);
      await expectAccessible(console, 'an answered complaint case');
      await expectFitsPhone(console, 'an answered complaint case');
      await staff.close();
      await context.close();
    } finally {
      await browser?.close();
      await app.close();
    }
  },
  { timeout: 240_000 },
);
