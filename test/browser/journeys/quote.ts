// [P004-07] In Chromium with JavaScript off: a visitor finds "Request a quote" in the footer, sends
// the form (first empty, errors named), gets the acknowledgement; an owner signs in, opens the case
// from the list, adds a line and sends the quote document; the requester opens it from the mail,
// then removes the request with the acknowledgement's link. Every page passes axe and fits a
// 390 px phone.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { staffClient } from '../../../src/accounts/testing.ts';
import type { ServedShop } from '../served-shop.ts';
import { expectAccessible, expectFitsPhone } from '../support.ts';
import type { Journey } from './index.ts';

/** Signs a staff member in through the browser (password, then a recovery code); returns the page. */
export async function staffInBrowser(shop: ServedShop, browser: Browser, who: { name: string; email: string; role: string; password: string }) {
  const staff = await staffClient(shop.app, shop.database.db, who);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${shop.origin}/staff/login`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${shop.origin}/staff/2fa`);
  await page.getByLabel('Code').fill(staff.recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${shop.origin}/staff`);
  return { page, context };
}

/** The path and query of the first link to `path` in a mail to `email` whose subject matches. */
export async function linkInMail(shop: ServedShop, email: string, subject: RegExp, path: string): Promise<string> {
  const mail = await shop.sink.waitForMail((m) => m.to.some((to) => to.includes(email)) && subject.test(m.subject ?? ''), 30_000);
  const m = new RegExp(`https?://[^\\s"<]+(${path.replace(/\//g, '\\/')}\\?token=[A-Za-z0-9_-]+)`).exec(mail.text ?? '');
  assert.ok(m, `the mail "${mail.subject}" carries a ${path} link`);
  return m[1]!;
}

export const quoteJourney: Journey = {
  name: 'browser: [P004-07] a visitor requests a quote; sales open the case and send a quote document',
  async run(shop) {
    const { browser, origin } = shop;
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.getByRole('contentinfo').getByRole('link', { name: 'Request a quote' }).click();
    await page.waitForURL(`${origin}/quote`);
    await expectAccessible(page, 'the quote form');
    await expectFitsPhone(page, 'the quote form');
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.waitForLoadState();
    assert.equal(await page.locator('.form-errors li').count(), 4, 'name, email, organisation and system are named');
    await expectAccessible(page, 'the quote form with its errors');

    await page.getByLabel('Your name').fill('Bartholomew Cellsworth');
    await page.getByLabel('Email').fill('bartholomew.cellsworth@example.net');
    await page.getByLabel('Organisation').fill('Cellsworth Hospitals');
    await page.getByLabel('The system to quote for').fill('Two hospital sites; 3 UPS strings of 40 jars each; monitoring and alerts.');
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.waitForLoadState();
    const heading = (await page.locator('h1').textContent())!;
    const number = /request (\d+) received/.exec(heading)?.[1];
    assert.ok(number, heading);
    await expectAccessible(page, 'the request received page');
    await expectFitsPhone(page, 'the request received page');

    const sales = await staffInBrowser(shop, browser, { name: 'Sally Quotemaker', email: 'sally.quotemaker@shop.example', role: 'owner', password: 'juniper-anchor-58-velvet-rain' });
    const console = sales.page;
    await console.getByRole('link', { name: 'Quotes', exact: true }).first().click();
    await console.waitForURL(`${origin}/staff/quotes`);
    await expectAccessible(console, 'the quote cases');
    await expectFitsPhone(console, 'the quote cases');
    await console.getByRole('link', { name: number, exact: true }).click();
    await console.waitForURL(/\/staff\/quotes\/[0-9a-f-]{36}$/);
    assert.match((await console.locator('main').textContent())!, /3 UPS strings of 40 jars/);
    await expectAccessible(console, 'a quote case');
    await expectFitsPhone(console, 'a quote case');
    await console.getByLabel('Description').fill('Battery monitoring, 120 jars, first year');
    await console.getByLabel('Quantity').fill('1');
    await console.getByLabel(/Unit price/).fill('4800.00');
    await console.getByRole('button', { name: 'Add the line' }).click();
    await console.waitForLoadState();
    await console.getByLabel('Valid until').fill('2099-06-30');
    await console.getByRole('button', { name: 'Send the quote' }).click();
    await console.waitForLoadState();
    assert.match((await console.locator('main').textContent())!, /Status: quoted/);
    await sales.context.close();

    await page.goto(`${origin}${await linkInMail(shop, 'bartholomew.cellsworth@example.net', new RegExp(`Your quote ${number}`), '/quote/view')}`);
    const main = (await page.locator('main').textContent())!;
    assert.match(main, /Battery monitoring, 120 jars, first year/);
    assert.match(main, /\$4,800\.00/);
    assert.match(main, /valid until 2099-06-30/);
    await expectAccessible(page, 'the quote document');
    await expectFitsPhone(page, 'the quote document');

    // The acknowledgement's link shows the request and removes it, with everything given.
    const ack = await linkInMail(shop, 'bartholomew.cellsworth@example.net', new RegExp(`quote request ${number}`), '/quote/view');
    await page.goto(`${origin}${ack}`);
    await expectAccessible(page, 'the request seen from its link');
    await page.getByRole('button', { name: 'Remove my request' }).click();
    await page.waitForLoadState();
    assert.equal(await page.locator('h1').textContent(), 'Your request is removed');
    await expectAccessible(page, 'the request removed page');
    await page.goto(`${origin}${ack}`);
    assert.doesNotMatch((await page.locator('main').textContent())!, /3 UPS strings of 40 jars/, 'the link opens nothing any more');
    const left = await sql<{ n: number }>`select count(*)::int as n from quotes_cases where number = ${Number(number)}`.execute(shop.database.db);
    assert.equal(left.rows[0]!.n, 0, 'the case is gone');
    await context.close();
  },
};
