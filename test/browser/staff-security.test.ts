// A real Chromium with JavaScript off: an owner makes a personal API token on the console (with a
// fresh second-factor code) and records a customer's consent given by phone; the privacy officer
// finds it on the DPO console and confirms it. Each page passes axe (WCAG 2.1 AA) and fits a 390 px phone.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { stepAt, totpCode } from '../../src/accounts/index.ts';
import { staffClient } from '../../src/accounts/testing.ts';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { testActor } from '../../src/privacy/testing.ts';
import { expectAccessible, expectFitsPhone, launchBrowser } from './support.ts';

const owner = { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'amber-lighthouse-27-quietly-sings' };
const dpo = { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password: 'copper-harbour-61-slowly-turns' };

async function signIn(context: BrowserContext, origin: string, who: { email: string; password: string }, recoveryCode: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/staff/login`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${origin}/staff/2fa`);
  await page.getByLabel('Code').fill(recoveryCode);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${origin}/staff`);
  return page;
}

async function expectUsable(page: Page, what: string): Promise<void> {
  await expectAccessible(page, what);
  await expectFitsPhone(page, what);
}

testEachDatabase(
  'browser: an owner makes a personal API token and records a consent given by phone; the privacy officer confirms it, without JavaScript, on pages that are accessible and fit a phone',
  async (database) => {
    const { app } = await buildTestApp(database);
    let browser: Browser | undefined;
    try {
      const ownerClient = await staffClient(app, database.db, owner);
      const dpoClient = await staffClient(app, database.db, dpo);
      const actor = testActor('test');
      const subject = await app.privacy.createSubject(database.db, { kind: 'customer', actor, purpose: 'account' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();

      const asOwner = await browser.newContext({ javaScriptEnabled: false });
      const page = await signIn(asOwner, origin, owner, ownerClient.recoveryCodes[0]!);
      await page.goto(`${origin}/staff/api-tokens`);
      await expectUsable(page, 'the API tokens page');
      await page.getByLabel('Role').selectOption('fulfilment');
      await page.getByLabel(/Days/).fill('30');
      await page.getByLabel('Code').fill(totpCode(ownerClient.totpSecret, stepAt(new Date()) + 1));
      await page.getByRole('button', { name: 'Make token' }).click();
      const token = (await page.locator('#new-token').textContent()) ?? '';
      assert.match(token, /^cst_/, 'the new token is shown once');
      assert.equal(await page.getByRole('row', { name: /fulfilment/ }).count(), 1, 'the list shows it with its role');
      await expectUsable(page, 'the API tokens page with a new token');
      const orders = await app.inject({ method: 'GET', url: '/api/staff/orders', headers: { authorization: `Bearer ${token}` } });
      assert.equal(orders.statusCode, 200, 'the token reaches the orders API as a fulfilment member');

      await page.goto(`${origin}/staff/consents`);
      await expectUsable(page, 'the consent form');
      await page.getByLabel('Customer reference').fill(subject);
      await page.getByLabel('Use').selectOption('newsletters');
      await page.getByLabel('Change').selectOption('grant');
      await page.getByLabel('How the customer said it').selectOption('phone');
      await page.getByLabel('Evidence').fill('Call 2026-12-06 10:14, ticket 4471');
      await page.getByRole('button', { name: 'Record' }).click();
      await page.getByRole('status').waitFor();
      await expectUsable(page, 'the consent form after recording');
      await asOwner.close();

      const asDpo = await browser.newContext({ javaScriptEnabled: false });
      const officer = await signIn(asDpo, origin, dpo, dpoClient.recoveryCodes[0]!);
      await officer.goto(`${origin}/staff/dpo`);
      assert.equal(await officer.getByText('Call 2026-12-06 10:14, ticket 4471').count(), 1, 'the evidence waits for review');
      await expectUsable(officer, 'the DPO console with a consent to review');
      await officer.getByRole('button', { name: 'Confirm' }).click();
      await officer.waitForURL(/\/staff\/dpo/);
      assert.equal(await officer.getByRole('button', { name: 'Confirm' }).count(), 0, 'nothing left to review');
      await asDpo.close();
    } finally {
      await browser?.close();
      await app.close();
    }
  },
  { timeout: 240_000 },
);
