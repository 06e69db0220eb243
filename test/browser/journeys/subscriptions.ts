// A newcomer subscribes to a monthly phone plan in the browser (JavaScript off): the product page and
// the cart say "per month", the first month is paid on the processor's page, the account lists the
// subscription with its next charge; then the renewal job's code bills month two through the
// processor, and the account shows the second invoice, whose page opens.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createProduct } from '../../../src/commerce/catalogue/index.ts';
import { TEST_CARD } from '../../../src/sandbox-processor/testing.ts';
import { renewDue } from '../../../src/subscriptions/index.ts';
import type { ServedShop } from '../served-shop.ts';
import { expectAccessible, expectFitsPhone } from '../support.ts';
import type { Journey } from './index.ts';

const EMAIL = 'nora.newcomer@example.com';

async function run(shop: ServedShop): Promise<void> {
  const { origin, browser, sandbox, sink, database, app } = shop;
  await createProduct(
    database.db,
    {
      vendor_id: shop.shop.router.vendor.id,
      slug: 'mobile-plan',
      name: 'Mobile Plan',
      kind: 'service',
      variants: [{ sku: 'MOB-5GB', name: 'Essentials, 5 GB', price_minor: 1500, billing_period: 'month' }],
    },
    { currency: 'USD' },
  );
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/products/mobile-plan`);
    assert.match((await page.locator('.buy-option').textContent()) ?? '', /\$15\.00.*per month/s);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.waitForLoadState();
    if (new URL(page.url()).pathname !== '/cart') {
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.waitForLoadState();
    }
    assert.match((await page.locator('main').textContent()) ?? '', /Mobile Plan \(Essentials, 5 GB\), per month/);
    await page.getByRole('link', { name: 'Check out' }).click();
    await page.waitForLoadState();
    await page.getByLabel('Full name').fill('Nora Newcomer');
    await page.getByLabel('Email').fill(EMAIL);
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

    // The account the checkout made: set its password from the mail, then open the subscriptions.
    const mail = await sink.waitForMail((m) => m.to.includes(EMAIL) && m.text.includes('/account/reset/confirm'), 30_000);
    const link = /https?:\/\/[^\s]+(\/account\/reset\/confirm\?token=[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    await page.goto(`${origin}${link}`);
    await page.getByLabel('New password').fill('violet-anchor-92-meadow');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForLoadState();
    await page.goto(`${origin}/account/subscriptions`);
    const list = (await page.locator('main').textContent()) ?? '';
    assert.match(list, /Mobile Plan \(Essentials, 5 GB\), per month/);
    assert.match(list, /Active/);
    await expectAccessible(page, 'the subscriptions list');
    await expectFitsPhone(page, 'the subscriptions list');

    // A month later: the renewal job's work, run as of the end of the first period.
    const { rows } = await sql<{ end: Date }>`select current_period_end as end from subscriptions_subscriptions where sku = 'MOB-5GB'`.execute(database.db);
    const report = await renewDue(app.payments.deps, database.db, { asOf: new Date(rows[0]!.end.getTime() + 60_000) });
    assert.equal(report.charged, 1);

    await page.getByRole('link', { name: /Mobile Plan/ }).click();
    await page.waitForLoadState();
    const invoices = page.locator('table a[href*="/invoices/"]');
    assert.equal(await invoices.count(), 2, 'the second month is billed');
    await expectAccessible(page, 'a subscription');
    await expectFitsPhone(page, 'a subscription');
    const detail = page.url();
    await page.getByRole('link', { name: 'Cancel this subscription' }).click();
    await page.waitForLoadState();
    assert.match((await page.locator('h1').textContent()) ?? '', /^Cancel Mobile Plan/);
    await expectAccessible(page, 'the question before cancelling');
    await expectFitsPhone(page, 'the question before cancelling');
    await page.getByRole('link', { name: 'No, keep it' }).click();
    await page.waitForLoadState();
    assert.equal(page.url(), detail);
    await invoices.first().click();
    await page.waitForLoadState();
    assert.match((await page.locator('h1').textContent()) ?? '', /^Invoice for /);
    assert.match((await page.locator('main').textContent()) ?? '', /Paid/);
    await expectAccessible(page, 'an invoice');
    await expectFitsPhone(page, 'an invoice');
    await sink.waitForMail((m) => m.to.includes(EMAIL) && m.subject.startsWith('Payment received'), 30_000);
  } finally {
    await context.close();
  }
}

export const subscriptionsJourney: Journey = { name: 'subscriptions: a newcomer subscribes to a monthly plan and sees month two billed by the renewal job', run };
