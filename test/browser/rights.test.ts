// A real Chromium, JavaScript off: a customer who bought finds the privacy centre from their account,
// reads and downloads everything held about them, corrects an order's address and deletes their
// account; the privacy officer handles a request that missed its deadline. Every page passes axe
// and fits a 390 px phone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { staffClient } from '../../src/accounts/testing.ts';
import { stepAt, totpCode } from '../../src/accounts/index.ts';
import { enqueue } from '../../src/platform/jobs/index.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { DEADLINES_JOB } from '../../src/rights/index.ts';
import { ada, customerWithHistory, rightsBed, waitForRequest } from '../rights-support.ts';
import { expectAccessible, expectFitsPhone, launchBrowser } from './support.ts';

async function check(page: Page, what: string): Promise<void> {
  await expectAccessible(page, what);
  await expectFitsPhone(page, what);
}

testEachDatabase(
  'browser: a customer finds the privacy centre, reads and downloads their data, corrects an address and deletes the account, without JavaScript',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const mine = await customerWithHistory(bed, ada);
    const origin = (await bed.listen()).replace('localhost', '127.0.0.1');
    let browser: Browser | undefined;
    try {
      browser = await launchBrowser();
      const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(`${origin}/account/login`);
      await page.getByLabel('Email').fill(ada.email);
      await page.getByLabel('Password', { exact: true }).fill(ada.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${origin}/account`);
      await page.getByRole('link', { name: 'Your privacy' }).click();
      await page.waitForURL(`${origin}/account/privacy`);
      assert.equal(await page.locator('h1').textContent(), 'Your privacy');
      assert.ok((await page.locator('main').textContent())!.includes(ada.street));
      await check(page, 'the privacy centre');

      await page.getByRole('link', { name: 'Read it all' }).click();
      await page.waitForURL(`${origin}/account/privacy/export`);
      assert.ok((await page.locator('main').textContent())!.includes(mine.paid.number));
      await check(page, 'the export as a page');
      const downloading = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Download it (JSON)' }).click();
      const download = await downloading;
      assert.match(download.suggestedFilename(), /^custodian-demo-shop-your-data-\d{4}-\d{2}-\d{2}\.json$/);
      const file = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { format: string };
      assert.equal(file.format, 'custodian-export/1');

      await page.goto(`${origin}/account/privacy`);
      await page.getByRole('link', { name: `Correct Postal, shipping or billing address of Order ${mine.paid.number}` }).click();
      await check(page, 'the correction form');
      await page.getByLabel('Address', { exact: true }).fill('14 Analytical Row');
      await page.getByRole('button', { name: 'Save the correction' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), 'Corrected');
      assert.match((await page.locator('main').textContent())!, /Shipping carriers/);
      await check(page, 'the correction done');

      await page.getByRole('link', { name: 'Back to your privacy' }).click();
      await page.getByRole('link', { name: 'Delete your account' }).click();
      await page.waitForURL(`${origin}/account/privacy/delete`);
      assert.ok((await page.locator('main').textContent())!.includes(mine.waiting.number), 'the open order it cancels is named');
      await check(page, 'the deletion page');
      await page.getByLabel('Your password, to confirm').fill(ada.password);
      await page.getByRole('button', { name: 'Delete my account and data' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), 'Your account is being deleted');
      await check(page, 'the deletion under way');
      await waitForRequest(database.db, 'completed');
      await page.goto(`${origin}/account`);
      await page.waitForURL(`${origin}/account/login`);
      assert.deepEqual(
        (await context.cookies()).filter((c) => c.name === '__Host-session' && c.value === mine.sessionCookie),
        [],
      );
      await context.close();
    } finally {
      await browser?.close();
    }
  },
  { timeout: 300_000 },
);

testEachDatabase(
  'browser: the privacy officer finds a request that missed its deadline, verifies the caller and carries it out',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const db = database.db;
    await customerWithHistory(bed, ada);
    const officer = await staffClient(bed.app, db, { name: 'Dana Officer', email: 'dana.officer@shop.example', role: 'dpo', password: 'quiet-meadow-82-ember-gate' });
    const origin = (await bed.listen()).replace('localhost', '127.0.0.1');
    let browser: Browser | undefined;
    try {
      browser = await launchBrowser();
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${origin}/staff/login`);
      await page.getByLabel('Email').fill('dana.officer@shop.example');
      await page.getByLabel('Password').fill('quiet-meadow-82-ember-gate');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${origin}/staff/2fa`);
      await page.getByLabel('Code').fill(totpCode(officer.totpSecret, stepAt(new Date()) + 1));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${origin}/staff`);

      // A request by post, entered in the desk; a month later it is still not answered.
      await page.goto(`${origin}/staff/dpo`);
      await page.getByRole('link', { name: 'Requests and their deadlines' }).click();
      await page.getByRole('link', { name: 'Enter a request received by email, phone or post' }).click();
      await check(page, 'the form to enter a request');
      await page.getByLabel('What the person asks').selectOption('access');
      await page.getByLabel('Their email address').fill(ada.email);
      await page.getByLabel('How the request came').selectOption('post');
      await page.getByLabel('Note (optional)').fill('Letter of 1 November asking for a copy of all data.');
      await page.getByRole('button', { name: 'Record the request' }).click();
      await page.waitForLoadState();
      const number = /R-\d{6}/.exec(page.url())![0];
      await sql`update rights_requests set received_at = now() - interval '32 days', due_at = now() - interval '2 days' where number = ${number}`.execute(db);
      await enqueue(db, DEADLINES_JOB, {});
      await bed.sink!.waitForMail((m) => m.to.some((to) => to.includes('dana.officer@shop.example')) && m.subject.startsWith(`OVERDUE: request ${number}`), 20_000);

      await page.goto(`${origin}/staff/requests`);
      assert.match((await page.locator('main').textContent())!, /1 overdue/);
      await check(page, 'the requests list');
      await page.getByRole('link', { name: number }).click();
      assert.match((await page.locator('main').textContent())!, /overdue/);
      assert.match((await page.locator('main').textContent())!, /Letter of 1 November/);
      await check(page, 'an overdue request');
      await page.getByLabel('Or record other proof').selectOption('signed-letter');
      await page.getByRole('button', { name: 'The person is verified' }).click();
      await page.waitForLoadState();
      await page.getByRole('button', { name: 'Mail the person a link to all their data' }).click();
      await page.waitForLoadState();
      assert.match((await page.locator('main').textContent())!, /Closed/);
      await check(page, 'the request done');
      await bed.sink!.waitForMail((m) => m.to.some((to) => to.includes(ada.email)) && m.text.includes('/privacy/your-data?token='), 20_000);
      await context.close();
    } finally {
      await browser?.close();
    }
  },
  { timeout: 300_000 },
);
