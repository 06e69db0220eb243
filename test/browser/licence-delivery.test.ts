// A buyer of a licence, in a real Chromium with JavaScript off: buys the licence as a guest, pays on
// the sandbox processor's page, sees the key on the confirmation page, receives it by mail on a real
// SMTP server, sets a password from the mailed link and finds the key on the order's page; the
// product's downloadable file is linked beside the key.
import assert from 'node:assert/strict';
import { uploadDownloadFile, uploadLicenceKeys } from '../../src/commerce/delivery/index.ts';
import { servedShop } from './served-shop.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { TEST_CARD } from '../../src/sandbox-processor/testing.ts';
import { problemsAt } from './support.ts';

const KEY = 'VPN-7Q2XK-M4PLR-Z9WQE';

testEachDatabase(
  'browser: a buyer of a licence sees the key on the confirmation page, receives it by mail and finds it on the order page',
  async (database, t) => {
    const { app, sink, sandbox, origin, shop, browser } = await servedShop(database, t);
    await uploadLicenceKeys(app.privacy, database.db, { variantId: shop.vpn, text: `${KEY}\n`, by: 'system:test' });
    const settings = { dataDir: app.config.dataDir, maxBytes: app.config.downloads.maxBytes };
    await uploadDownloadFile(app.privacy, database.db, settings, { variantId: shop.vpn, name: 'vpn-setup.zip', data: Buffer.from('installer'), truncated: false, by: 'system:test' });

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${origin}/products/vpn-licence`);
    await page
      .getByRole('button', { name: /to cart/ })
      .first()
      .click();
    await page.waitForLoadState();
    if (new URL(page.url()).pathname !== '/cart') {
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.waitForLoadState();
    }
    await page.getByRole('link', { name: 'Check out' }).click();
    await page.waitForLoadState();
    await page.getByLabel('Full name').fill('Alan Turing');
    await page.getByLabel('Email').fill('alan.turing@example.com');
    await page.getByLabel('I am of age (18 or older)').check();
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.waitForLoadState();
    assert.ok(page.url().startsWith(sandbox.url), `on the processor's page (${page.url()})`);
    await page.getByLabel('Card number').fill(TEST_CARD.number);
    await page.getByLabel('Expiry (MM/YY)').fill(TEST_CARD.expiry);
    await page.getByLabel('Security code (CVC)').fill(TEST_CARD.cvc);
    await page.getByLabel('Name on the card').fill(TEST_CARD.name);
    await page.getByRole('button', { name: /^Pay/ }).click();
    await page.waitForLoadState();

    assert.equal(await page.locator('h1').textContent(), 'Thank you for your order');
    const number = (await page.locator('#order-number').textContent())!;
    assert.equal(await page.getByRole('heading', { name: 'Your licence keys' }).count(), 1);
    assert.equal(await page.locator('code.licence-key').textContent(), KEY);
    // The download beside the key: a signed link made for this visit (the HTTP tests fetch it).
    assert.match((await page.getByRole('link', { name: 'Download' }).getAttribute('href')) ?? '', /^\/downloads\/[0-9a-f-]{36}\?expires=\d+&sig=/);
    assert.deepEqual(await problemsAt(page, [1280, 390]), []);

    const keysMail = await sink.waitForMail((m) => m.to.includes('alan.turing@example.com') && m.subject.includes('licence keys'), 30_000);
    assert.ok(keysMail.text.includes(KEY), 'the key arrives by mail');
    assert.ok(keysMail.text.includes(number));

    const setPassword = await sink.waitForMail((m) => m.to.includes('alan.turing@example.com') && m.text.includes('/account/reset/confirm'), 30_000);
    const link = /https?:\/\/[^\s]+(\/account\/reset\/confirm\?token=[A-Za-z0-9_-]+)/.exec(setPassword.text)?.[1];
    assert.ok(link, 'the mail holds the set-password link');
    await page.goto(`${origin}${link}`);
    await page.getByLabel('New password').fill('violet-anchor-92-meadow');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForLoadState();
    await page.goto(`${origin}/account/orders/${number}`);
    assert.equal(await page.locator('code.licence-key').textContent(), KEY);
    // The page with its keys passes axe and fits a phone (a long key wraps).
    assert.deepEqual(await problemsAt(page, [1280, 390]), []);
    await context.close();
  },
  { timeout: 240_000 },
);
