// The owner's journey in a real Chromium with JavaScript off: chooses a password from the
// invitation and sets up TOTP, adds a product with two variants in the catalogue console, uploads
// a picture with its alt text, publishes it, finds it in the storefront with its picture; a guest
// buys it, paying on the sandbox processor's own page; the owner refunds the order.
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { createStaff, stepAt, totpCode } from '../../src/accounts/index.ts';
import { servedShop } from './served-shop.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { testActor } from '../../src/privacy/testing.ts';
import { TEST_CARD } from '../../src/sandbox-processor/testing.ts';
import { expectAccessible } from './support.ts';

testEachDatabase(
  "browser: the owner's journey: sign in with TOTP, add a product with a picture and two variants, publish, see it in the storefront, sell it, refund it",
  async (database, t) => {
    const { app, sandbox, origin, browser } = await servedShop(database, t);
    const { link } = await database.db
      .transaction()
      .execute((trx) => createStaff(app.accounts.deps, trx, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', actor: testActor('test') }));

    // The owner: password from the invitation, then the second factor from an authenticator.
    const staff = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    const invitation = new URL(link);
    await staff.goto(`${origin}${invitation.pathname}${invitation.search}`);
    await staff.getByLabel('New password').fill('amber-lighthouse-27-quietly-sings');
    await staff.getByRole('button', { name: 'Set password' }).click();
    await staff.waitForURL(`${origin}/staff/2fa/enrol`);
    const secret = (await staff.locator('#totp-secret').textContent())!.replace(/\s/g, '');
    await staff.getByLabel('The six-digit code the app shows').fill(totpCode(secret, stepAt(new Date())));
    await staff.getByRole('button', { name: 'Confirm' }).click();
    await staff.getByRole('link', { name: 'Continue to the console' }).click();
    await staff.waitForURL(`${origin}/staff`);

    // A draft product with two variants, then its picture, then published.
    await staff.getByRole('main').getByRole('link', { name: 'Catalogue', exact: true }).click();
    await staff.getByRole('navigation', { name: 'Catalogue' }).getByRole('link', { name: 'New product' }).click();
    await staff.getByLabel('Name', { exact: true }).fill('Mesh Router X2');
    await staff.getByLabel('Description').fill('Covers a whole house.');
    await staff.getByLabel('Kind').selectOption('physical');
    await staff.getByLabel('SKU').fill('MRX-1');
    await staff.getByLabel('Variant name').fill('One unit');
    await staff.getByLabel('Price').fill('89.50');
    await staff.getByLabel('Stock').fill('4');
    await staff.getByRole('button', { name: 'Save draft' }).click();
    await staff.getByText('Saved as a draft').waitFor();
    await staff.getByLabel('SKU').fill('MRX-3');
    await staff.getByLabel('Variant name').fill('Three-pack');
    await staff.getByLabel('Price').fill('239');
    await staff.getByLabel('Stock').fill('2');
    await staff.getByRole('button', { name: 'Add variant' }).click();
    await staff.getByText('Variant added.').waitFor();
    const productPage = staff.url();

    await staff.getByRole('link', { name: 'Images of this product' }).click();
    const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#2a6f4e' } })
      .png()
      .toBuffer();
    await staff.getByLabel('Picture file').setInputFiles({ name: 'router.png', mimeType: 'image/png', buffer: photo });
    await staff.getByLabel('Alt text').fill('Green mesh router, front view');
    await staff.getByRole('button', { name: 'Upload' }).click();
    await staff.getByRole('img', { name: 'Green mesh router, front view' }).waitFor();
    await expectAccessible(staff, 'the pictures page with its picture');

    await staff.goto(productPage);
    await staff.getByRole('button', { name: 'Publish' }).click();
    await staff.getByText('Published: the product is on sale').waitFor();

    // A guest finds it in the storefront with its picture, and buys the three-pack.
    const buyer = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await buyer.goto(`${origin}/search?q=mesh`);
    await buyer
      .getByRole('link', { name: /Mesh Router X2/ })
      .first()
      .click();
    await buyer.getByRole('heading', { name: 'Mesh Router X2' }).waitFor();
    const picture = buyer.getByRole('img', { name: 'Green mesh router, front view' });
    const src = await picture.first().getAttribute('src');
    assert.ok(src, 'the product page shows the uploaded picture, named by its alt text');
    const served = await buyer.request.get(new URL(src, origin).toString());
    assert.equal(served.headers()['content-type'], 'image/webp', 'and the shop serves it');
    await buyer.getByRole('radio', { name: /Three-pack/ }).check();
    await buyer
      .getByRole('button', { name: /to cart/ })
      .first()
      .click();
    await buyer.waitForLoadState();
    if (new URL(buyer.url()).pathname !== '/cart') await buyer.getByRole('button', { name: 'Add to cart' }).click();
    await buyer.getByRole('link', { name: 'Check out' }).click();
    await buyer.getByLabel('Full name').fill('Grace Hopper');
    await buyer.getByLabel('Email').fill('grace.hopper@example.com');
    await buyer.getByLabel('I am of age (18 or older)').check();
    await buyer.getByLabel('Delivery address: street and number').fill('1 Compiler Way');
    await buyer.getByLabel('Delivery address: postal code').fill('10001');
    await buyer.getByLabel('Delivery address: city').fill('New York');
    await buyer.getByLabel('Delivery address: country').selectOption('US');
    await buyer.getByRole('button', { name: 'Continue to payment' }).click();
    await buyer.waitForLoadState();
    assert.ok(buyer.url().startsWith(sandbox.url), "on the processor's page");
    await buyer.getByLabel('Card number').fill(TEST_CARD.number);
    await buyer.getByLabel('Expiry (MM/YY)').fill(TEST_CARD.expiry);
    await buyer.getByLabel('Security code (CVC)').fill(TEST_CARD.cvc);
    await buyer.getByLabel('Name on the card').fill(TEST_CARD.name);
    await buyer.getByRole('button', { name: /^Pay/ }).click();
    await buyer.waitForLoadState();
    assert.equal(await buyer.locator('h1').textContent(), 'Thank you for your order');
    await expectAccessible(buyer, 'the order confirmation');
    const number = (await buyer.locator('#order-number').textContent())!;

    // The owner refunds it from the order's page, by the buttons it shows.
    await staff.goto(`${origin}/staff/orders`);
    await staff.getByRole('link', { name: number }).click();
    await staff.waitForURL(`${origin}/staff/orders/${number}`);
    assert.match((await staff.locator('main').textContent()) ?? '', /MRX-3/);
    await staff.getByRole('button', { name: 'Refund' }).click();
    await staff.waitForLoadState();
    // A confirmation first, naming the amount in the currency.
    assert.match((await staff.locator('h1').textContent()) ?? '', /^Refund \d+\.\d\d USD on order /);
    await expectAccessible(staff, 'the refund confirmation');
    await staff.getByRole('button', { name: /^Refund \d+\.\d\d USD$/ }).click();
    await staff.waitForLoadState();
    assert.match((await staff.locator('main').textContent()) ?? '', /Refunded/);
  },
  // PGlite only for now: on PostgreSQL this journey once hung past its timeout in CI (2026-12-06) and
  // has not hung since in 10 runs on PostgreSQL (alone, 3 at once, in the full suite, pool of 1);
  // every wait in it is now bounded so a recurrence names its step. Open in issue 13's note.
  { timeout: 300_000, engines: ['pglite'] },
);
