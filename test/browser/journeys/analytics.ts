// In a browser with JavaScript off: a visitor comes to the shop from another website and looks at a
// product (five times, the report's minimum count); a marketing staff member signs in (password,
// then a recovery code as the second factor), follows "Site use" in the console and sees today's
// counts as charts and tables: the visit, the product page, the referring website by its host. Every page passes axe and fits a 390 px phone.
import assert from 'node:assert/strict';
import { staffClient } from '../../../src/accounts/testing.ts';
import type { ServedShop } from '../served-shop.ts';
import { expectAccessible, expectFitsPhone } from '../support.ts';
import type { Journey } from './index.ts';

const marketer = { name: 'Perpetua Ashdown', email: 'perpetua.ashdown@shop.example', role: 'marketing', password: 'meadow-lantern-27-quiet-harbour' };

async function run(shop: ServedShop): Promise<void> {
  const { app, origin, browser, database } = shop;
  const staffApi = await staffClient(app, database.db, marketer);
  const visitorContext = await browser.newContext({ javaScriptEnabled: false });
  const staffContext = await browser.newContext({ javaScriptEnabled: false });
  try {
    const visitor = await visitorContext.newPage();
    // Five views: the report names a page or website only from ANALYTICS_MIN_COUNT (5) views in its days.
    for (let i = 0; i < 5; i++) await visitor.goto(`${origin}/products/router`, { referer: 'https://reviews.example.org/best-routers?from=newsletter' });
    assert.deepEqual(
      (await visitorContext.cookies()).map((c) => c.name),
      [],
      'browsing sets no cookie, analytics none either',
    );
    await app.analyticsSettled?.();

    const console = await staffContext.newPage();
    await console.goto(`${origin}/staff/login`);
    await console.getByLabel('Email').fill(marketer.email);
    await console.getByLabel('Password').fill(marketer.password);
    await console.getByRole('button', { name: 'Sign in' }).click();
    await console.waitForURL(`${origin}/staff/2fa`);
    await console.getByLabel('Code').fill(staffApi.recoveryCodes[0]!);
    await console.getByRole('button', { name: 'Continue' }).click();
    await console.waitForURL(`${origin}/staff`);
    await console.getByRole('link', { name: 'Site use' }).first().click();
    await console.waitForURL(`${origin}/staff/analytics`);
    assert.equal(await console.getByRole('img', { name: /^Funnel, / }).count(), 1, 'the funnel chart, named by its title');
    assert.ok((await console.getByRole('img').count()) >= 5, 'a chart per part of the report');
    assert.ok(Number(await console.locator('#total-visits').textContent()) >= 1, 'the visit is counted');
    const pages = console.getByRole('table', { name: 'Top pages by views' });
    assert.match((await pages.textContent()) ?? '', /\/products\/router/);
    const referrers = (await console.getByRole('table', { name: 'Top referring websites by page views' }).textContent()) ?? '';
    assert.match(referrers, /reviews\.example\.org/);
    assert.doesNotMatch(referrers, /best-routers|newsletter/, 'the host only');
    await expectAccessible(console, 'the site-use report');
    await expectFitsPhone(console, 'the site-use report');
  } finally {
    await visitorContext.close();
    await staffContext.close();
  }
}

export const analyticsJourney: Journey = { name: 'analytics: a visit is counted without a cookie and marketing reads the site-use report', run };
