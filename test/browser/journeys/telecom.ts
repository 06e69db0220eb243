// Telecom (decision 0057): a customer with a phone line and last month's usage reads their lines and
// the month's statement with JavaScript off (accessible, fitting a phone), sees "a plan that fits",
// turns CPNI-based offers off in the privacy centre, and the statement goes on without the offer.
import assert from 'node:assert/strict';
import { staffClient } from '../../../src/accounts/testing.ts';
import { createProduct, createVendor } from '../../../src/commerce/catalogue/index.ts';
import type { ServedShop } from '../served-shop.ts';
import { expectAccessible, expectFitsPhone } from '../support.ts';
import type { Journey } from './index.ts';
import { signUpThroughMail } from './sign-up.ts';

const who = { name: 'Perpetua Hollingsworth', email: 'perpetua.hollingsworth@example.com', password: 'granite-heron-58-waits-patiently' };

async function run(shop: ServedShop): Promise<void> {
  const { app, database, browser, origin } = shop;
  const db = database.db;
  const vendor = await createVendor(db, { slug: 'journey-telecom', name: 'Journey Telecom' });
  await createProduct(
    db,
    {
      vendor_id: vendor.id,
      slug: 'journey-mobile',
      name: 'Journey Mobile',
      kind: 'service',
      variants: [
        { sku: 'JM-5GB', name: 'Essentials, 5 GB', price_minor: 1_500 },
        { sku: 'JM-UNL', name: 'Unlimited data', price_minor: 4_500 },
      ],
    },
    { currency: 'USD' },
  );
  await signUpThroughMail(shop, who);
  const owner = await staffClient(app, db, { name: 'Journey Owner', email: 'journey-owner@shop.example', role: 'owner', password: 'amber-lighthouse-27-quietly-sings' });
  await owner.get('/staff/telecom');
  const opened = await owner.post('/staff/telecom/lines', { email: who.email, sku: 'JM-5GB', number: '+1 207 555 0177' });
  const line = /Line ([0-9a-f-]{36}) is open/.exec(opened.body)![1]!;
  const key = /value="(ctn_[A-Za-z0-9_-]+)"/.exec((await owner.post('/staff/telecom/keys', { label: 'journey' })).body)![1]!;
  const now = new Date();
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 3, 9);
  const month = new Date(start).toISOString().slice(0, 7);
  const at = (h: number) => new Date(start + h * 3_600_000).toISOString();
  const records = [
    ...Array.from({ length: 30 }, (_, i) => ({ line, kind: 'call', at: at(i * 3), seconds: 95, other: '+12125550190', cell: 'ME-PWM-1' })),
    ...Array.from({ length: 20 }, (_, i) => ({ line, kind: 'data', at: at(i * 5 + 1), bytes: 250_000_000, cell: 'ME-PWM-2' })),
  ];
  const posted = await app.inject({ method: 'POST', url: '/api/telecom/usage', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: JSON.stringify({ records }) });
  assert.equal(posted.statusCode, 201, posted.body);

  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/account/login`);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
    await page.goto(`${origin}/account/telecom`);
    await page.getByRole('navigation', { name: 'Your account' }).getByRole('link', { name: 'Phone lines' }).waitFor();
    await expectAccessible(page, 'the phone lines page');
    await page.getByRole('link', { name: month }).click();
    await page.getByRole('heading', { name: `Statement for ${month}` }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'A plan that fits' }).count(), 1);
    await expectAccessible(page, 'the statement');
    await expectFitsPhone(page, 'the statement');

    await page.goto(`${origin}/account/privacy`);
    await page.getByRole('button', { name: 'Turn off CPNI-based offers' }).click();
    await page.waitForLoadState();
    await page.goto(`${origin}/account/telecom/statements/${month}`);
    await page.getByRole('heading', { name: `Statement for ${month}` }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'A plan that fits' }).count(), 0, 'no CPNI-based offer after the opt-out');
    assert.equal(await page.getByRole('cell', { name: '30 (60)' }).count(), 1, 'the statement goes on');
  } finally {
    await context.close();
  }
}

export const telecomJourney: Journey = {
  name: '[P003-17] telecom: a customer reads their phone statement without JavaScript, turns CPNI-based offers off, and the statement goes on without the offer',
  run,
};
