// A new buyer in a real Chromium with JavaScript off: browses, adds a physical product to the
// cart, checks out as a guest, pays on the sandbox processor's own page (another port), sees the
// confirmation, receives the mail on a real SMTP server, sets a password from the mailed link and
// sees the order in the account. Then the same for a digital product, which asks no address.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { SmtpSink } from '../../src/comms/testing/smtp-sink.ts';
import { servedShop } from './served-shop.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import '../../src/privacy/index.ts';
import { TEST_CARD } from '../../src/sandbox-processor/testing.ts';

async function setPasswordLink(sink: SmtpSink, to: string): Promise<string> {
  const mail = await sink.waitForMail((m) => m.to.includes(to) && m.text.includes('/account/reset/confirm'), 30_000);
  const match = /https?:\/\/[^\s]+(\/account\/reset\/confirm\?token=[A-Za-z0-9_-]+)/.exec(mail.text);
  assert.ok(match, 'the mail holds the set-password link');
  return match[1]!;
}

async function addToCart(page: Page, origin: string, slug: string): Promise<void> {
  await page.goto(`${origin}/products/${slug}`);
  await page
    .getByRole('button', { name: /to cart/ })
    .first()
    .click();
  await page.waitForLoadState();
  // The first add may ask to confirm the cart's one cookie.
  if (new URL(page.url()).pathname !== '/cart') {
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.waitForLoadState();
  }
  assert.equal(new URL(page.url()).pathname, '/cart');
}

async function payOnProcessorPage(page: Page, sandboxUrl: string): Promise<void> {
  assert.ok(page.url().startsWith(sandboxUrl), `on the processor's page (${page.url()})`);
  await page.getByLabel('Card number').fill(TEST_CARD.number);
  await page.getByLabel('Expiry (MM/YY)').fill(TEST_CARD.expiry);
  await page.getByLabel('Security code (CVC)').fill(TEST_CARD.cvc);
  await page.getByLabel('Name on the card').fill(TEST_CARD.name);
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.waitForLoadState();
}

testEachDatabase(
  'browser: [P000-10][P000-01][P002-15] a new buyer buys a physical and a digital product as a guest, pays on the processor page, gets the mail and sees the orders',
  async (database, t) => {
    const { sink, sandbox, origin, browser } = await servedShop(database, t);

    const buyers = [
      { slug: 'router', email: 'grace.hopper@example.com', physical: true },
      { slug: 'vpn-licence', email: 'alan.turing@example.com', physical: false },
    ];
    for (const b of buyers) {
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      await addToCart(page, origin, b.slug);
      await page.getByRole('link', { name: 'Check out' }).click();
      await page.waitForLoadState();
      assert.equal(await page.locator('h1').textContent(), 'Checkout');

      await page.getByLabel('Full name').fill(b.physical ? 'Grace Hopper' : 'Alan Turing');
      await page.getByLabel('Email').fill(b.email);
      await page.getByLabel('I am of age (18 or older)').check();
      const addressFields = await page.getByLabel(/Delivery address/).count();
      if (b.physical) {
        assert.equal(addressFields, 5);
        await page.getByLabel('Delivery address: street and number').fill('1 Compiler Way');
        await page.getByLabel('Delivery address: postal code').fill('10001');
        await page.getByLabel('Delivery address: city').fill('New York');
        await page.getByLabel('Delivery address: country').selectOption('US');
      } else {
        assert.equal(addressFields, 0, 'a digital product asks no address');
      }
      await page.getByRole('button', { name: 'Continue to payment' }).click();
      await page.waitForLoadState();

      await payOnProcessorPage(page, sandbox.url);
      assert.equal(new URL(page.url()).origin, origin, 'back at the shop');
      assert.equal(await page.locator('h1').textContent(), 'Thank you for your order');
      const number = (await page.locator('#order-number').textContent())!;
      assert.match(number, /^C-\d+$/);

      // The mailed link: choose a password, then the order is in the account.
      const link = await setPasswordLink(sink, b.email);
      await page.goto(`${origin}${link}`);
      await page.getByLabel('New password').fill('violet-anchor-92-meadow');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.waitForLoadState();
      await page.goto(`${origin}/account/orders`);
      assert.match((await page.locator('main').textContent()) ?? '', new RegExp(number));
      // And the order's status mail came too.
      await sink.waitForMail((m) => m.to.includes(b.email) && m.text.includes(number), 30_000);
      await context.close();
    }
  },
  { timeout: 240_000 },
);
