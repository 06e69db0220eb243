// One page of every audience in a real Chromium with JavaScript off: each audience has its own
// header (the staff console and the privacy desk carry no shop search or cart, the storefront's
// cart link counts the items, the current link is marked), and the page fits 1280 px and 390 px.
// Axe is not run here: the every-page crawl (every-page.test.ts) runs it on each of these pages at
// both widths, and running it twice on one page cost the suite's time budget for nothing.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { customer, FormClient, signUpAndConfirm, staffClient } from '../../src/accounts/testing.ts';
import { makeShop } from '../../src/commerce/cart/testing.ts';
import { createOrder, ordersDeps, transitionOrder } from '../../src/commerce/orders/index.ts';
import { pricedCart, testCustomer } from '../../src/commerce/orders/test-support.ts';
import { testActor } from '../../src/privacy/testing.ts';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { expectFitsWidth, launchBrowser } from './support.ts';

const owner = { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'granite-harbour-18-softly-hums' };
const dpo = { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password: 'amber-lighthouse-27-quietly-sings' };

async function expectFitsBothWidths(page: Page, what: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 844 });
    await expectFitsWidth(page, width, `${what} at ${width} px`);
  }
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return context.newPage();
}

/** Signs in through the sign-in page (staff: then a recovery code for the second factor). */
async function signIn(page: Page, origin: string, who: { email: string; password: string }, kind: 'account' | 'staff', recoveryCode?: string): Promise<void> {
  await page.goto(`${origin}/${kind}/login`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
  if (recoveryCode) {
    await page.waitForURL(`${origin}/staff/2fa`);
    await page.getByLabel('Code').fill(recoveryCode);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${origin}/staff`);
  }
}

testEachDatabase(
  'browser: a page of every audience (storefront, account, vendor, staff, privacy desk) has its own navigation and fits 1280 px and 390 px',
  async (database) => {
    const { app } = await buildTestApp(database);
    let browser: Browser | undefined;
    try {
      await makeShop(database.db);
      const buyer = new FormClient(app);
      await signUpAndConfirm(buyer, database.db);
      const ownerClient = await staffClient(app, database.db, owner);
      const dpoClient = await staffClient(app, database.db, dpo);
      const system = testActor('test.checkout');
      const placed = await createOrder(ordersDeps(app), database.db, {
        customerSubject: await testCustomer(app.privacy, database.db),
        customerUserId: null,
        priced: pricedCart(),
        paymentMethod: 'card',
        fulfilment: 'ship',
        actor: system,
      });
      await transitionOrder(ordersDeps(app), database.db, { orderId: placed.id, to: 'paid', actor: system });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      browser = await launchBrowser();

      // Storefront: the cart with a line, its Remove within reach on a phone, the count in the header.
      const page = await newPage(browser);
      await page.goto(`${origin}/products/router`);
      await page
        .getByRole('button', { name: /to cart/ })
        .first()
        .click();
      await page.waitForLoadState();
      // The first add may ask to confirm the cart's one cookie.
      if (new URL(page.url()).pathname !== '/cart') await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.goto(`${origin}/cart`);
      const site = page.getByRole('navigation', { name: 'Site' });
      assert.match((await site.getByRole('link', { name: /Cart/ }).textContent()) ?? '', /Cart\s*1\s*item/);
      assert.equal(await site.getByRole('link', { name: /Cart/ }).getAttribute('aria-current'), 'page');
      await expectFitsBothWidths(page, 'the cart');
      const remove = page.getByRole('button', { name: /Remove/ }).first();
      const box = await remove.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, 'the Remove button is on screen at 390 px');
      await page.context().close();

      // Account: the privacy centre, with the account's own links and one back to the shop.
      const account = await newPage(browser);
      await signIn(account, origin, customer, 'account');
      await account.goto(`${origin}/account/privacy`);
      const accountNav = account.getByRole('navigation', { name: 'Your account' });
      assert.equal(await accountNav.getByRole('link', { name: 'Privacy centre' }).getAttribute('aria-current'), 'page');
      assert.equal(await accountNav.getByRole('link', { name: 'Back to the shop' }).count(), 1);
      await expectFitsBothWidths(account, 'the privacy centre');
      await account.context().close();

      // Vendor portal: its sign-in page.
      const vendor = await newPage(browser);
      await vendor.goto(`${origin}/vendor/login`);
      assert.equal(await vendor.getByRole('navigation', { name: 'Vendor portal' }).count(), 1);
      await expectFitsBothWidths(vendor, 'the vendor sign-in');
      await vendor.context().close();

      // Staff console: the owner's staff list (a table), links by role, no shop search or cart.
      const staff = await newPage(browser);
      await signIn(staff, origin, owner, 'staff', ownerClient.recoveryCodes[0]);
      await staff.goto(`${origin}/staff/users`);
      const consoleNav = staff.getByRole('navigation', { name: 'Staff console' });
      assert.equal(await consoleNav.getByRole('link', { name: 'Staff', exact: true }).getAttribute('aria-current'), 'page');
      assert.equal(await consoleNav.getByRole('link', { name: 'Orders' }).count(), 1);
      assert.equal(await consoleNav.getByRole('link', { name: 'Privacy desk' }).count(), 0, 'an owner is not shown the privacy desk');
      assert.equal(await staff.getByRole('search').count(), 0);
      assert.equal(await staff.getByRole('link', { name: /^Cart/ }).count(), 0);
      await expectFitsBothWidths(staff, 'the staff list');
      // The console that runs the shop: the dashboard's figures, the orders list with its filters, an order with its refund form.
      await staff.goto(`${origin}/staff`);
      assert.equal(await staff.getByRole('heading', { name: 'Waiting for the next step' }).count(), 1);
      await expectFitsBothWidths(staff, 'the dashboard');
      await staff.goto(`${origin}/staff/orders`);
      await staff.getByRole('link', { name: placed.number }).click();
      await staff.waitForURL(`${origin}/staff/orders/${placed.number}`);
      assert.equal(await staff.getByLabel('Amount to refund (EUR)').count(), 1);
      await expectFitsBothWidths(staff, 'an order page');
      await staff.goto(`${origin}/staff/orders?status=paid`);
      await expectFitsBothWidths(staff, 'the orders list');
      await staff.context().close();

      // Privacy desk: the DPO's overview.
      const desk = await newPage(browser);
      await signIn(desk, origin, dpo, 'staff', dpoClient.recoveryCodes[0]);
      await desk.goto(`${origin}/staff/dpo`);
      const deskNav = desk.getByRole('navigation', { name: 'Privacy desk' });
      assert.equal(await deskNav.getByRole('link', { name: 'Privacy desk' }).getAttribute('aria-current'), 'page');
      assert.equal(await deskNav.getByRole('link', { name: 'Complaints' }).count(), 1);
      await expectFitsBothWidths(desk, 'the privacy desk');
      await desk.context().close();
    } finally {
      await browser?.close();
      await app.close();
    }
  },
  { timeout: 240_000 },
);
