// [P001-06] In a browser with JavaScript off: a customer shares a testimonial with the consent box
// ticked, naming themself by first name; the owner approves it; /testimonials shows it with the
// first name only; the customer asks for it to be removed from their account; it is gone at once and
// the staff page shows the takedown case with its 24-hour deadline. Every page passes axe and fits
// a 390 px phone.
import assert from 'node:assert/strict';
import { staffClient } from '../../../src/accounts/testing.ts';
import type { ServedShop } from '../served-shop.ts';
import { expectAccessible, expectFitsPhone } from '../support.ts';
import type { Journey } from './index.ts';
import { signUpThroughMail } from './sign-up.ts';

const customer = { name: 'Henrietta Vasquez-Oyelaran', email: 'henrietta.vasquez@example.net', password: 'lantern-quarry-64-softly-hums' };
const owner = { name: 'Ottoline Brabazon', email: 'ottoline.brabazon@shop.example', role: 'owner', password: 'harbour-violet-93-compass-drift' };
const words = 'Ordering was easy and the parcel came the next morning.';

async function run(shop: ServedShop): Promise<void> {
  const { app, origin, browser, database } = shop;
  await signUpThroughMail(shop, customer);
  const staffApi = await staffClient(app, database.db, owner);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const staffContext = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/account/login`);
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password', { exact: true }).fill(customer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${origin}/account`);

    await page.goto(`${origin}/account/testimonials`);
    await expectAccessible(page, 'the account testimonials page');
    await expectFitsPhone(page, 'the account testimonials page');
    await page.getByLabel('Your words').fill(words);
    await page.getByLabel('Your first name: “Henrietta”').check();
    await page.getByLabel(/I agree that the shop shows these words/).check();
    await page.getByRole('button', { name: 'Send my testimonial' }).click();
    await page.waitForLoadState();
    assert.match((await page.locator('main').textContent()) ?? '', /we show it once we have read and approved it/);

    // The owner approves it in the console (password, then a recovery code as the second factor).
    const console = await staffContext.newPage();
    await console.goto(`${origin}/staff/login`);
    await console.getByLabel('Email').fill(owner.email);
    await console.getByLabel('Password').fill(owner.password);
    await console.getByRole('button', { name: 'Sign in' }).click();
    await console.waitForURL(`${origin}/staff/2fa`);
    await console.getByLabel('Code').fill(staffApi.recoveryCodes[0]!);
    await console.getByRole('button', { name: 'Continue' }).click();
    await console.waitForURL(`${origin}/staff`);
    await console.getByRole('link', { name: 'Testimonials' }).first().click();
    await console.waitForURL(`${origin}/staff/testimonials`);
    await expectAccessible(console, 'the staff testimonials page');
    await expectFitsPhone(console, 'the staff testimonials page');
    await console.getByRole('button', { name: 'Approve' }).click();
    await console.waitForURL(`${origin}/staff/testimonials#published`);

    await page.goto(`${origin}/testimonials`);
    const shown = (await page.locator('main').textContent()) ?? '';
    assert.ok(shown.includes(words), 'the words are on the public page');
    assert.ok(shown.includes('— Henrietta'), 'named by first name');
    assert.ok(!shown.includes('Vasquez'), 'never the full name');
    await expectAccessible(page, 'the public testimonials page');
    await expectFitsPhone(page, 'the public testimonials page');

    // The customer asks for it to be removed: from the entry's link, signed in, in one press.
    await page.getByRole('link', { name: 'Ask us to remove this' }).click();
    await page.waitForLoadState();
    await expectAccessible(page, 'the removal request');
    await page.getByRole('button', { name: 'Remove it now' }).click();
    await page.waitForLoadState();
    assert.match((await page.locator('main').textContent()) ?? '', /gone from our site/);
    await page.goto(`${origin}/testimonials`);
    assert.ok(!((await page.locator('main').textContent()) ?? '').includes(words), 'gone at once');

    await console.goto(`${origin}/staff/testimonials`);
    const desk = (await console.locator('main').textContent()) ?? '';
    assert.match(desk, /1 takedown case is open/);
    assert.match(desk, /Due by \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \((24|23) h left\)/);
    await expectAccessible(console, 'the staff page with a takedown case');
    await expectFitsPhone(console, 'the staff page with a takedown case');
  } finally {
    await context.close();
    await staffContext.close();
  }
}

export const testimonialsJourney: Journey = {
  name: '[P001-06] a customer shares a testimonial with consent, staff approve it, it shows with the first name only, and the takedown removes it at once with a 24-hour case',
  run,
};
