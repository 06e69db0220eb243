// A visitor, with JavaScript off, opens the support form from the site footer and types a message
// with a card number in it: the confirmation warns that it was removed and gives the reference.
// Staff sign in, see the ticket with the number masked and the reply channel, and answer by mail;
// the answer arrives over SMTP and its link opens the thread. Every page passes axe and fits a phone.
import assert from 'node:assert/strict';
import { staffClient } from '../../../src/accounts/testing.ts';
import type { ServedShop } from '../served-shop.ts';
import { expectAccessible, expectFitsPhone } from '../support.ts';
import type { Journey } from './index.ts';

const agent = { name: 'Sunniva Helpwell', email: 'sunniva.helpwell@shop.example', role: 'support', password: 'harbour-violet-52-compass-sprig' };
const visitor = { name: 'Ottoline Fairweather', email: 'ottoline.fairweather@example.net' };
const CARD = '4111 1111 1111 1111';

async function run(shop: ServedShop): Promise<void> {
  const { browser, origin } = shop;
  const staffLogin = await staffClient(shop.app, shop.database.db, agent);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();

  await page.goto(`${origin}/`);
  await page.getByRole('contentinfo').getByRole('link', { name: 'Support' }).click();
  await page.waitForURL(`${origin}/support`);
  assert.match((await page.locator('#f-message-hint').textContent())!, /Never write card numbers or social security numbers here/);
  await expectAccessible(page, 'the support form');
  await expectFitsPhone(page, 'the support form');

  await page.getByLabel('Your name').fill(visitor.name);
  await page.getByLabel('Your email address').fill(visitor.email);
  await page.getByLabel('Subject').fill('Charged twice');
  await page.getByLabel('Your message').fill(`I was charged twice on my card ${CARD}. Please refund one.`);
  await page.getByLabel('By email').check();
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForLoadState();
  assert.equal(await page.locator('h1').textContent(), 'We received your message');
  assert.match((await page.locator('.support-warning').textContent())!, /We removed what looked like a card number/);
  const reference = (await page.locator('.notice strong').textContent())!;
  assert.match(reference, /^S-\d{6}$/);
  await expectAccessible(page, 'the support confirmation');
  await expectFitsPhone(page, 'the support confirmation');

  // Staff sign in (password, then a recovery code as the second factor) and open the ticket.
  const staff = await browser.newContext({ javaScriptEnabled: false });
  const desk = await staff.newPage();
  await desk.goto(`${origin}/staff/login`);
  await desk.getByLabel('Email').fill(agent.email);
  await desk.getByLabel('Password').fill(agent.password);
  await desk.getByRole('button', { name: 'Sign in' }).click();
  await desk.waitForURL(`${origin}/staff/2fa`);
  await desk.getByLabel('Code').fill(staffLogin.recoveryCodes[0]!);
  await desk.getByRole('button', { name: 'Continue' }).click();
  await desk.waitForURL(`${origin}/staff`);
  await desk.goto(`${origin}/staff/support`);
  await expectAccessible(desk, 'the support tickets');
  await expectFitsPhone(desk, 'the support tickets');
  await desk.getByRole('link', { name: reference }).click();
  await desk.waitForURL(`${origin}/staff/support/${reference}`);
  const text = (await desk.locator('main').textContent())!;
  assert.ok(text.includes('•••• •••• •••• 1111') && !text.includes(CARD), 'staff see the card number masked');
  assert.equal(await desk.locator('.support-facts dd').first().textContent(), 'By email (their preferred contact channel)', 'the reply channel the visitor chose is shown');
  await expectAccessible(desk, 'a support ticket');
  await expectFitsPhone(desk, 'a support ticket');

  await desk.getByLabel('Your answer').fill('We refunded the second charge; it shows within five days.');
  await Promise.all([desk.waitForResponse((r) => r.url() === `${origin}/staff/support/${reference}` && r.request().method() === 'GET'), desk.getByRole('button', { name: 'Send the answer' }).click()]);
  const answer = await shop.sink.waitForMail((m) => m.to.includes(visitor.email) && m.subject === `[${reference}] Our answer to your message`, 20_000);
  assert.ok(answer.text.includes('We refunded the second charge'));

  // The mail's link opens the thread for the visitor.
  const link = /(https?:\/\/\S+\/support\/t\/[A-Za-z0-9_-]{43})/.exec(answer.text)![1]!;
  await page.goto(link);
  assert.match((await page.locator('main').textContent())!, /We refunded the second charge[\s\S]*•••• •••• •••• 1111|•••• •••• •••• 1111[\s\S]*We refunded the second charge/);
  await expectAccessible(page, 'the visitor’s thread');
  await expectFitsPhone(page, 'the visitor’s thread');
  await staff.close();
  await context.close();
}

export const supportJourney: Journey = {
  name: '[P001-11][P002-16][P004-14] support: a visitor writes with a card number on the form, is warned, staff see it masked and answer by mail',
  run,
};
