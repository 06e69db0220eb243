// A vendor's user in a real Chromium with JavaScript off, after a buyer paid for the vendor's
// product on the processor's page: signs in, is sent to the data-use terms, accepts them, finds the
// order in the list, opens it and sees the buyer's name, address, phone and email (no card data),
// then downloads the CSV. Each view and the download are disclosure-ledger entries.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { buy, grace, ownerOf, PASSWORD, vendorDisclosures, vendorShop, vendorUser } from '../vendor-support.ts';
import { freePort, launchBrowser } from './support.ts';

testEachDatabase(
  "browser: [P000-08][P000-09] a vendor user accepts the data-use terms, then sees a paid order's buyer fields and downloads the orders as CSV, each ledgered",
  async (database, t) => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const { bed, db, s } = await vendorShop(database, t, { PUBLIC_URL: origin });
    const order = await buy(bed, db, grace, [
      ['router', s.router],
      ['shield', s.shield],
    ]);
    const owner = await ownerOf(bed);
    await vendorUser(bed, owner, s.corvid, 'vic@corvid.example');
    await bed.app.listen({ port, host: '127.0.0.1' });
    let browser: Browser | undefined;
    t.after(() => browser?.close());
    browser = await launchBrowser();
    const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
    const page = await context.newPage();

    await page.goto(`${origin}/vendor/login`);
    await page.getByLabel('Email').fill('vic@corvid.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
    assert.equal(new URL(page.url()).pathname, '/vendor/terms', 'the terms come first');
    assert.equal(await page.locator('h1').textContent(), 'Data-use terms for vendors');
    assert.deepEqual(await vendorDisclosures(bed, order), [], 'no buyer data before the terms are accepted');

    await page.getByLabel(/I accept version 1 of these terms/).check();
    await page.getByRole('button', { name: 'Accept the terms' }).click();
    await page.waitForLoadState();
    assert.equal(new URL(page.url()).pathname, '/vendor/orders');
    assert.match((await page.locator('main').textContent()) ?? '', /acceptance of the data-use terms is recorded/);

    await page.getByRole('link', { name: order.number }).click();
    await page.waitForLoadState();
    assert.equal(await page.locator('h1').textContent(), `Order ${order.number}`);
    const buyerText = (await page.locator('dl.buyer-details').textContent()) ?? '';
    for (const shown of [grace.name, grace.email, grace.phone, '1 Compiler Way']) assert.ok(buyerText.includes(shown), `the page shows ${shown}`);
    const main = (await page.locator('main').textContent()) ?? '';
    assert.ok(main.includes('CRV-RTR') && !main.includes('LNT-SHD'), "only Corvid's line of the order");
    assert.ok(!main.includes('4242'), 'no card data');
    assert.equal((await vendorDisclosures(bed, order)).length, 1, 'the view is ledgered');

    await page.getByRole('link', { name: 'All orders' }).click();
    await page.waitForLoadState();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download as CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^orders-corvid-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    assert.ok(csv.includes(order.number) && csv.includes(grace.email) && csv.includes(grace.name), 'the CSV holds the order and its buyer fields');
    assert.ok(!csv.includes('LNT-SHD'), "no other vendor's line");
    const shares = await vendorDisclosures(bed, order);
    assert.equal(shares.length, 2, 'the download is ledgered too');
    assert.ok(shares.every((d) => d.recipientRef === s.corvid.id && d.order === order.id));
    await context.close();
  },
  { timeout: 240_000 },
);
