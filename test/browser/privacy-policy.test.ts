// A real Chromium with JavaScript off reads the privacy policy and an older version of it, reached
// through the links a reader follows: both pass axe (WCAG 2.1 AA) and fit a 390 px phone.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { expectAccessible, expectFitsPhone, launchBrowser } from './support.ts';

testEachDatabase('browser: the privacy policy and an older version, reached by their links without JavaScript, are accessible and fit a phone', async (database) => {
  const { app, config } = await buildTestApp(database);
  let browser: Browser | undefined;
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== origin) elsewhere.push(request.url());
    });

    await page.goto(`${origin}/`);
    await page.getByRole('navigation', { name: 'Footer' }).getByRole('link', { name: 'Privacy' }).click();
    await page.waitForURL(`${origin}/privacy`);
    assert.equal(await page.title(), `Privacy policy · ${config.shopName}`);
    assert.equal(await page.locator('h1').textContent(), 'Privacy policy');
    await page.getByRole('navigation', { name: 'Contents' }).getByRole('link', { name: 'Links to other websites' }).click();
    assert.match((await page.locator('#other-sites').textContent()) ?? '', /are not covered by this policy/);
    await expectAccessible(page, 'the privacy policy');
    await expectFitsPhone(page, 'the privacy policy');

    await page.getByRole('link', { name: 'Older versions' }).click();
    await page.waitForURL(`${origin}/privacy/versions`);
    await expectAccessible(page, 'the list of policy versions');
    await expectFitsPhone(page, 'the list of policy versions');
    const first = app.privacy.map.policyVersions[0]!.version;
    await page.getByRole('link', { name: `Version ${first}`, exact: true }).click();
    await page.waitForURL(`${origin}/privacy/versions/${first}`);
    assert.match((await page.locator('.notice').first().textContent()) ?? '', /superseded on/);
    await expectAccessible(page, `policy version ${first}`);
    await expectFitsPhone(page, `policy version ${first}`);

    await page.getByRole('link', { name: 'Read the policy in force now' }).click();
    await page.waitForURL(`${origin}/privacy`);
    assert.deepEqual(elsewhere, [], 'no request to any other origin');
    await context.close();
  } finally {
    await browser?.close();
    await app.close();
  }
});
