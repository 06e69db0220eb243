// The cookie inventory kept in a real browser (P000-18, P002-10, decision 0062), and the card typed
// on the processor's page only, never posted to the shop (P002-15): a buyer in Chromium
// (JavaScript off) browses, adds to the cart, checks out, pays on the sandbox processor's page, sees
// the confirmation, sets a password from the mailed link, signs out and signs in again. Every cookie
// the shop's origin set on the way is declared in the inventory with the same flags, and each value
// is an opaque token (or a registered message code) that holds nothing of the buyer, not even
// encoded; the processor's pages set none. Every request went to the shop or the processor only,
// and the card number went to the processor, never in a request to the shop.
import assert from 'node:assert/strict';
import type { Cookie, Request, Response } from 'playwright-core';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { sandboxProcessorCookies } from '../../src/sandbox-processor/index.ts';
import { TEST_CARD } from '../../src/sandbox-processor/testing.ts';
import type { CookieDeclaration } from '../../src/web/cookies.ts';
import { servedShop } from './served-shop.ts';

const buyer = {
  name: 'Wilhelmina Quartermaine',
  email: 'wilhelmina.quartermaine@example.net',
  street: '17 Juniper Terrace',
  postal: '93101',
  city: 'Santa Barbara',
  password: 'copper-lantern-48-orchard',
};

/** Every reading of a cookie value a script could try: as sent, URL-decoded, base64 and base64url decoded. */
function readings(value: string): string[] {
  const out = [value];
  try {
    out.push(decodeURIComponent(value));
  } catch {
    /* not URL-encoded */
  }
  for (const encoding of ['base64', 'base64url'] as const) out.push(Buffer.from(value, encoding).toString('latin1'));
  return out;
}

/** What the buyer gave and was given: none of it may be in a cookie, in any reading. */
function secretsOf(orderNumber: string): string[] {
  const [first, last] = buyer.name.split(' ') as [string, string];
  const [local] = buyer.email.split('@') as [string];
  return [buyer.name, first, last, buyer.email, local, buyer.street, 'Juniper', buyer.postal, buyer.city, orderNumber, orderNumber.replace(/^C-/, '')].map((s) => s.toLowerCase());
}

function assertDeclared(cookie: Cookie, inventory: readonly CookieDeclaration[], flashCodes: ReadonlySet<string>, secrets: readonly string[]): void {
  const declared = inventory.find((d) => d.name === cookie.name);
  assert.ok(declared, `${cookie.name} is in the cookie inventory`);
  assert.equal(cookie.secure, declared.attributes.secure, `${cookie.name}: Secure as declared`);
  assert.equal(cookie.httpOnly, declared.attributes.httpOnly, `${cookie.name}: HttpOnly as declared`);
  assert.equal(cookie.sameSite.toLowerCase(), declared.attributes.sameSite, `${cookie.name}: SameSite as declared`);
  assert.equal(cookie.path, declared.attributes.path, `${cookie.name}: path as declared`);
  if (/random id/i.test(declared.contents)) {
    // 32 random bytes, base64url: 43 characters of which many are distinct.
    assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/, `${cookie.name} is an opaque random token`);
    assert.ok(new Set(cookie.value).size >= 20, `${cookie.name} looks random`);
  } else {
    assert.match(declared.contents, /message code/i);
    assert.ok(flashCodes.has(cookie.value), `${cookie.name} holds a registered message code, not "${cookie.value}"`);
  }
  for (const reading of readings(cookie.value)) {
    const lower = reading.toLowerCase();
    for (const secret of secrets) assert.ok(!lower.includes(secret), `${cookie.name} holds "${secret}"`);
    assert.throws(() => JSON.parse(reading), SyntaxError, `${cookie.name} is no JSON`);
  }
}

testEachDatabase(
  'browser: [P000-18][P002-10][P002-15] through a whole purchase and sign-in, every cookie the shop sets is in the inventory with its flags and holds an opaque token, never the buyer; the card is posted to the processor only, never to the shop; no request leaves the shop and the processor',
  async (database, t) => {
    const { app, sink, sandbox, origin, browser } = await servedShop(database, t);
    const sandboxOrigin = new URL(sandbox.url).origin;
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();

    const requests: { url: string; navigation: boolean; from: string; body: string }[] = [];
    context.on('request', (request: Request) => {
      requests.push({ url: request.url(), navigation: request.isNavigationRequest(), from: request.frame().url(), body: request.postData() ?? '' });
    });
    // Every Set-Cookie header of every answer, redirects included (a cookie set and cleared within one step).
    const headerReads: Promise<void>[] = [];
    const setCookies: { from: string; header: string }[] = [];
    context.on('response', (response: Response) => {
      const from = new URL(response.url()).origin;
      headerReads.push(
        response.headersArray().then(
          (headers) => {
            for (const h of headers) if (h.name.toLowerCase() === 'set-cookie') for (const header of h.value.split('\n')) setCookies.push({ from, header });
          },
          () => undefined,
        ),
      );
    });
    // Every cookie the browser kept: snapshots after each step.
    const seen = new Map<string, Cookie>();
    const snapshot = async () => {
      for (const cookie of await context.cookies(origin)) seen.set(`${cookie.name}=${cookie.value}`, cookie);
      assert.deepEqual(
        (await context.cookies(sandboxOrigin)).map((c) => c.name),
        sandboxProcessorCookies.map((c) => c.name),
        'the processor’s pages set only the cookies listed for them: none',
      );
    };
    const step = async (action: () => Promise<unknown>) => {
      await action();
      await page.waitForLoadState();
      await snapshot();
    };

    // Browse: no cookie yet.
    await step(() => page.goto(`${origin}/`));
    await step(() => page.goto(`${origin}/products/router`));
    assert.equal(seen.size, 0, 'browsing sets no cookie');

    // Add to the cart (the first add may ask to confirm the cart's cookie), then check out.
    await step(() =>
      page
        .getByRole('button', { name: /to cart/ })
        .first()
        .click(),
    );
    if (new URL(page.url()).pathname !== '/cart') await step(() => page.getByRole('button', { name: 'Add to cart' }).click());
    assert.equal(new URL(page.url()).pathname, '/cart');
    await step(() => page.getByRole('link', { name: 'Check out' }).click());
    // The store's checkout form asks for no card (P002-15: card entry happens on the processor's page).
    assert.equal(await page.locator('input[autocomplete^="cc-"], input[name*="card" i], input[id*="card" i]').count(), 0, 'the checkout form has no card field');
    await page.getByLabel('Full name').fill(buyer.name);
    await page.getByLabel('Email').fill(buyer.email);
    await page.getByLabel('I am of age (18 or older)').check();
    await page.getByLabel('Delivery address: street and number').fill(buyer.street);
    await page.getByLabel('Delivery address: postal code').fill(buyer.postal);
    await page.getByLabel('Delivery address: city').fill(buyer.city);
    await page.getByLabel('Delivery address: country').selectOption('US');
    await step(() => page.getByRole('button', { name: 'Continue to payment' }).click());

    // Pay on the processor's own page, back to the confirmation.
    assert.ok(page.url().startsWith(sandbox.url), `on the processor's page (${page.url()})`);
    await page.getByLabel('Card number').fill(TEST_CARD.number);
    await page.getByLabel('Expiry (MM/YY)').fill(TEST_CARD.expiry);
    await page.getByLabel('Security code (CVC)').fill(TEST_CARD.cvc);
    await page.getByLabel('Name on the card').fill(buyer.name);
    await step(() => page.getByRole('button', { name: /^Pay/ }).click());
    assert.equal(await page.locator('h1').textContent(), 'Thank you for your order');
    const orderNumber = (await page.locator('#order-number').textContent())!;

    // Set a password from the mailed link, sign out, sign in again, open the orders.
    const mail = await sink.waitForMail((m) => m.to.includes(buyer.email) && m.text.includes('/account/reset/confirm'), 30_000);
    const link = /https?:\/\/[^\s]+(\/account\/reset\/confirm\?token=[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    await step(() => page.goto(`${origin}${link}`));
    await page.getByLabel('New password').fill(buyer.password);
    await step(() => page.getByRole('button', { name: 'Set new password' }).click());
    await step(() => page.goto(`${origin}/account`));
    await step(() => page.getByRole('button', { name: 'Sign out' }).click());
    await step(() => page.goto(`${origin}/account/login`));
    await page.getByLabel('Email').fill(buyer.email);
    await page.getByLabel('Password').fill(buyer.password);
    await step(() => page.getByRole('button', { name: 'Sign in' }).click());
    await step(() => page.goto(`${origin}/account/orders`));
    assert.match((await page.locator('main').textContent()) ?? '', new RegExp(orderNumber), 'signed in, the order is there');

    // Every cookie the shop set is declared, flagged as declared, and opaque.
    const inventory = app.wiring.cookies;
    const secrets = secretsOf(orderNumber);
    const names = new Set([...seen.values()].map((c) => c.name));
    assert.ok(names.has('__Host-session') && names.has('__Host-cart'), `the session and cart cookies were seen (${[...names].join(', ')})`);
    await Promise.all(headerReads);
    assert.deepEqual(
      setCookies.filter((c) => c.from !== origin),
      [],
      'only the shop sets cookies',
    );
    for (const { header } of setCookies) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const attribute = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(key.toLowerCase()));
      const cleared = value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(header);
      if (cleared) {
        assert.ok(
          inventory.some((d) => d.name === name),
          `${name} (cleared) is in the inventory`,
        );
        continue;
      }
      const cookie = {
        name,
        value,
        secure: attribute('Secure') !== undefined,
        httpOnly: attribute('HttpOnly') !== undefined,
        sameSite: (attribute('SameSite=')?.slice('SameSite='.length) ?? 'None') as Cookie['sameSite'],
        path: attribute('Path=')?.slice('Path='.length) ?? '',
      } as Cookie;
      assertDeclared(cookie, inventory, new Set(app.flashMessages.keys()), secrets);
    }
    for (const cookie of seen.values()) assertDeclared(cookie, inventory, new Set(app.flashMessages.keys()), secrets);

    // No request to a third party: pages of the shop load only from the shop; navigations go only to the shop or the processor.
    assert.ok(requests.length > 10);
    const card = TEST_CARD.number.replace(/\D/g, '');
    assert.ok(
      requests.some((r) => new URL(r.url).origin === sandboxOrigin && r.body.replace(/\D/g, '').includes(card)),
      'the card was posted to the processor',
    );
    for (const r of requests.filter((r) => new URL(r.url).origin === origin))
      assert.ok(!r.body.replace(/\D/g, '').includes(card), `the card number was posted to the shop (${new URL(r.url).pathname})`);
    for (const r of requests) {
      const to = new URL(r.url).origin;
      if (r.navigation) assert.ok(to === origin || to === sandboxOrigin, `navigation to ${to}`);
      else if (r.from.startsWith(`${origin}/`)) assert.equal(to, origin, `a shop page (${new URL(r.from).pathname}) loaded ${r.url}`);
      else assert.ok(to === sandboxOrigin || to === origin, `the processor's page loaded ${r.url}`);
    }
    await context.close();
  },
  { timeout: 240_000 },
);
