// [P004-04][P004-08] In a real Chromium with JavaScript off, a customer signs up, registers a
// monitoring service with a contact and keeps the device key shown once; the device posts an
// alert over HTTP with that key; the contact gets the alert mail with their removal link; the
// customer sees the alert on the service's timeline; the contact removes themselves with the link,
// and the customer's page then shows only that they left. Every page passes axe and fits a phone.
import assert from 'node:assert/strict';
import type { ServedShop } from '../served-shop.ts';
import { expectAccessible, expectFitsPhone } from '../support.ts';
import type { Journey } from './index.ts';

const buyer = { name: 'Rosalind Batterby', email: 'rosalind.batterby@example.com', password: 'copper-meadow-58-signal-tide' };
const contact = { name: 'Tobias Ampere', email: 'tobias.ampere@example.net', phone: '+1 973 555 0199' };

async function run(shop: ServedShop): Promise<void> {
  const { browser, origin, sink } = shop;
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/account/signup`);
    await page.getByLabel('Your name').fill(buyer.name);
    await page.getByLabel('Email').fill(buyer.email);
    await page.getByLabel('Password').fill(buyer.password);
    await page.getByLabel('I am of the age of majority where I live.').check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForLoadState();
    const confirmation = await sink.waitForMail((m) => m.to.some((to) => to.includes(buyer.email)), 20_000);
    const confirm = /https?:\/\/[^\s]+(\/account\/confirm\?token=[A-Za-z0-9_-]+)/.exec(confirmation.text)?.[1];
    assert.ok(confirm, confirmation.text);
    await page.goto(`${origin}${confirm}`);
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await page.waitForURL(`${origin}/account`);

    // From the account's navigation to the registration form.
    await page.getByRole('link', { name: 'Services' }).first().click();
    await page.waitForURL(`${origin}/account/services`);
    await expectAccessible(page, 'the customer’s services');
    await expectFitsPhone(page, 'the customer’s services');
    await page.getByRole('link', { name: 'Register a service' }).click();
    await page.waitForURL(`${origin}/account/services/new`);
    await expectAccessible(page, 'the registration form');
    await expectFitsPhone(page, 'the registration form');

    await page.getByRole('button', { name: 'Register' }).click();
    await page.waitForLoadState();
    assert.ok((await page.locator('.form-errors li').count()) >= 5, 'every missing field is named');
    await expectAccessible(page, 'the registration form with its errors');

    await page.getByLabel('Service').selectOption({ index: 1 });
    await page.getByLabel('Site name').fill('Rockaway plant, UPS room');
    await page.getByLabel('Site address or location').fill('10 Astro Place, Rockaway NJ 07866');
    await page.getByLabel('Equipment model').fill('BMS-48');
    await page.getByLabel('Serial number').fill('RW-2026-0007');
    await page.getByLabel('Number of sensors').fill('24');
    await page.getByLabel('Contact’s name').fill(contact.name);
    await page.getByLabel('Contact’s email').fill(contact.email);
    await page.getByLabel('Contact’s phone').fill(contact.phone);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.waitForLoadState();
    const main = (await page.locator('main').textContent()) ?? '';
    const device = /Device id: ([0-9a-f-]{36})/.exec(main)?.[1];
    const key = /Key: (csd_[A-Za-z0-9_-]{43})/.exec(main)?.[1];
    assert.ok(device && key, 'the device id and key are shown once');
    const servicePath = new URL(page.url()).pathname === '/account/services/new' ? null : new URL(page.url()).pathname;
    assert.equal(servicePath, null, 'the key is on the answer to the form, not at an address');
    await expectAccessible(page, 'the new service with its key');
    await expectFitsPhone(page, 'the new service with its key');

    // The contact is told they were added.
    await sink.waitForMail((m) => m.to.some((to) => to.includes(contact.email)) && /you are a contact/.test(m.subject), 20_000);

    // The device posts an alert.
    const posted = await fetch(`${origin}/api/services/devices/${device}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ type: 'cell-voltage-low', severity: 'alert', reading: 1.71, unit: 'V' }),
    });
    assert.equal(posted.status, 202, await posted.text());

    const alert = await sink.waitForMail((m) => m.to.some((to) => to.includes(contact.email)) && /^Alert: cell-voltage-low/.test(m.subject), 20_000);
    assert.match(alert.text, new RegExp(`${origin.replace(/[.:/]/g, '\\$&')}/services/leave/[A-Za-z0-9_-]{43}`), 'the alert carries the removal link');

    // The customer sees it on the timeline.
    await page.goto(`${origin}/account/services`);
    await page.getByRole('link', { name: /^SR-/ }).click();
    await page.waitForLoadState();
    const shown = (await page.locator('main').textContent()) ?? '';
    assert.match(shown, /Timeline[\s\S]*Events \(1\)[\s\S]*alert[\s\S]*cell-voltage-low[\s\S]*1\.71 V/);
    assert.match(shown, /Tobias Ampere/);
    assert.ok(!shown.includes(key), 'the key is not shown again');
    await expectAccessible(page, 'the service page with its timeline');
    await expectFitsPhone(page, 'the service page with its timeline');
    const servicePage = page.url();

    // The contact follows the removal link from the alert, in their own browser.
    const leave = /\/services\/leave\/[A-Za-z0-9_-]{43}/.exec(alert.text)![0];
    const contactContext = await browser.newContext({ javaScriptEnabled: false });
    try {
      const theirs = await contactContext.newPage();
      await theirs.goto(`${origin}${leave}`);
      await expectAccessible(theirs, 'the contact’s removal page');
      await expectFitsPhone(theirs, 'the contact’s removal page');
      await theirs.getByRole('button', { name: 'Remove me and erase my details' }).click();
      await theirs.waitForLoadState();
      assert.equal(await theirs.locator('h1').textContent(), 'You are no longer a contact');
    } finally {
      await contactContext.close();
    }
    await page.goto(servicePage);
    const after = (await page.locator('main').textContent()) ?? '';
    assert.ok(!after.includes(contact.name) && !after.includes(contact.email) && !after.includes('555 0199'), 'the contact’s details are gone from the customer’s page');
    assert.match(after, /Left \d{4}-\d\d-\d\d: removed themselves with the link in our mail/);
  } finally {
    await context.close();
  }
}

export const serviceRegistration: Journey = {
  name: '[P004-04][P004-08] a customer registers a monitoring service with a contact; the device’s alert reaches the contact by mail and the customer’s timeline',
  run,
};
