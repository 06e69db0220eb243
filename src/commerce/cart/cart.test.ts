import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyRequest } from 'fastify';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { updateProduct, reserveStock } from '../catalogue/index.ts';
import { cartOfRequest } from './request.ts';
import { clearCart, sweepCarts } from './store.ts';
import { CART_COOKIE } from './token.ts';
import { CART_SWEEP_JOB, cartModule } from './module.ts';
import type { JobContext } from '../../platform/jobs/index.ts';
import { makeShop, newClient, visitor } from './testing.ts';

const productCsrf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1];

testEachDatabase('the cart through plain forms: add from the product page, change, remove, totals from pricing', async (database) => {
  const { app } = await buildTestApp(database, { SHOP_TAX_RATE: '1000', SHIPPING_FLAT_MINOR: '700' });
  try {
    const shop = await makeShop(database.db);
    const buyer = newClient(app);
    const page = await buyer.get('/products/router');
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['set-cookie'], undefined, 'browsing sets no cookie');
    assert.match(page.body, /name="_csrf" value=""/, 'no cookie yet, so no token to bind');
    assert.match(page.body, new RegExp(`name="variant_id" value="${shop.rtr1}"`));
    assert.doesNotMatch(page.body, new RegExp(`name="variant_id" value="${shop.rtrPro}"`), 'no form for an out-of-stock option');
    assert.match(page.body, /Out of stock/);

    // The first add of a browser without a cookie is confirmed on a page that explains the cookie.
    const confirm = await buyer.post('/cart/add', { variant_id: shop.rtr1, quantity: '2' });
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /<h1[^>]*>Add to your cart<\/h1>/);
    assert.match(confirm.body, new RegExp(`name="variant_id" value="${shop.rtr1}"`));
    assert.ok(!buyer.cookies.has(CART_COOKIE), 'nothing added yet');
    const added = await buyer.post('/cart/add', { variant_id: shop.rtr1, quantity: '2', confirm: '1' });
    assert.equal(added.statusCode, 303);
    assert.equal(added.headers.location, '/cart');
    const next = await buyer.get('/products/vpn-licence');
    const token = productCsrf(next.body);
    assert.ok(token && token !== '__custodian_csrf__' && token === buyer.csrf, "now the form carries the visitor's CSRF token");
    assert.equal(next.headers['set-cookie'], undefined);
    assert.equal((await buyer.post('/cart/add', { variant_id: shop.vpn, quantity: '1' })).statusCode, 303);

    const cart = await buyer.get('/cart');
    assert.equal(cart.statusCode, 200);
    assert.match(cart.body, /Nighthawk Router/);
    assert.match(cart.body, /VPN Licence/);
    // 2 × 129.00 + 49.99 = 307.99; shipping 7.00 (one physical line); tax 10% of 314.99 = 31.499 → 31.50.
    assert.match(cart.body, /\$307\.99/);
    assert.match(cart.body, /\$7\.00/);
    assert.match(cart.body, /\$31\.50/);
    assert.match(cart.body, /\$346\.49/);
    assert.match(cart.body, /href="\/checkout"/);

    assert.equal((await buyer.post('/cart/update', { variant_id: shop.rtr1, quantity: '3' })).statusCode, 303);
    const removed = await buyer.post('/cart/remove', { variant_id: shop.vpn });
    assert.equal(removed.statusCode, 303);
    assert.match(String(removed.headers['set-cookie']), /__Host-flash=cart\.removed;/, 'the notice travels as a code, nothing more');
    assert.match((await buyer.get('/cart')).body, /<p class="notice flash" role="status">The item is out of your cart\.<\/p>/);
    assert.doesNotMatch((await buyer.get('/cart')).body, /out of your cart/, 'the notice shows once');
    const json = (await buyer.call('GET', '/api/cart')).json() as { lines: { sku: string; quantity: number }[]; total_minor: number };
    assert.deepEqual(
      json.lines.map((l) => [l.sku, l.quantity]),
      [['RTR-1', 3]],
    );
    assert.equal(json.total_minor, 38_700 + 700 + 3_940);
    assert.equal((await buyer.post('/cart/update', { variant_id: shop.rtr1, quantity: '0' })).statusCode, 303, '0 removes the line');
    assert.match((await buyer.get('/cart')).body, /Your cart is empty/);
  } finally {
    await app.close();
  }
});

testEachDatabase('bad cart input answers 4xx naming the field, on the page and in the API', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const shop = await makeShop(database.db);
    const buyer = await visitor(app, shop.rtr1);
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ variant_id: shop.rtr1, quantity: '0' }, 400, /quantity: must be a whole number from 1 to 99/],
      [{ variant_id: shop.rtr1, quantity: 'lots' }, 400, /quantity/],
      [{ variant_id: shop.rtr1, quantity: '100' }, 400, /quantity/],
      [{ variant_id: 'RTR-1', quantity: '1' }, 400, /variant_id/],
      [{ variant_id: '6f1c2b8e-1d2a-4c3b-9e4f-5a6b7c8d9e0f', quantity: '1' }, 404, /variant_id: no product option has this id/],
      [{ variant_id: shop.modem, quantity: '1' }, 422, /variant_id: MDM-0 is not on sale/],
      [{ variant_id: shop.rtrPro, quantity: '1' }, 409, /quantity: RTR-PRO is out of stock/],
      [{ variant_id: shop.rtr1, quantity: '6' }, 409, /quantity: RTR-1 has only 5 in stock/],
    ];
    for (const [form, status, message] of cases) {
      const res = await buyer.post('/cart/add', form);
      assert.equal(res.statusCode, status, `${JSON.stringify(form)}: ${res.body.slice(0, 200)}`);
      assert.match(res.body, message);
      assert.match(res.body, /<h1>Your cart<\/h1>/, 'the cart page again, with the problem');
    }
    assert.equal((await buyer.post('/cart/add', { variant_id: shop.vpn, quantity: '1' })).statusCode, 303);
    const mixed = await buyer.post('/cart/add', { variant_id: shop.eur, quantity: '1' });
    assert.equal(mixed.statusCode, 422);
    assert.match(mixed.body, /EU-1 is priced in EUR/);
    assert.equal((await buyer.post('/cart/update', { variant_id: shop.rtr1, quantity: '1' })).statusCode, 404, 'not in the cart');

    const api = async (method: 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
      const res = await buyer.call(method, url, body);
      return { status: res.statusCode, fields: ((res.json() as { error?: { fields: { field: string }[] } }).error?.fields ?? []).map((f) => f.field) };
    };
    assert.deepEqual(await api('POST', '/api/cart/lines', { variant_id: shop.vpn, quantity: 0 }), { status: 400, fields: ['body.quantity'] });
    assert.deepEqual(await api('POST', '/api/cart/lines', { variant_id: shop.vpn }), { status: 400, fields: ['body.quantity'] });
    assert.deepEqual(await api('POST', '/api/cart/lines', { variant_id: shop.vpn, quantity: 1, price: 0 }), { status: 400, fields: ['body.price'] });
    assert.deepEqual(await api('POST', '/api/cart/lines', { variant_id: '6f1c2b8e-1d2a-4c3b-9e4f-5a6b7c8d9e0f', quantity: 1 }), { status: 404, fields: ['body.variant_id'] });
    assert.deepEqual(await api('POST', '/api/cart/lines', { variant_id: shop.modem, quantity: 1 }), { status: 422, fields: ['body.variant_id'] });
    assert.deepEqual(await api('POST', '/api/cart/lines', { variant_id: shop.vpn, quantity: 99 }), { status: 400, fields: ['body.quantity'] }, '1 + 99 is over the limit');
    assert.deepEqual(await api('PUT', `/api/cart/lines/${shop.rtr1}`, { quantity: 1 }), { status: 404, fields: ['params.variant_id'] });
    assert.deepEqual(await api('PUT', `/api/cart/lines/not-a-uuid`, { quantity: 1 }), { status: 400, fields: ['params.variant_id'] });
    assert.deepEqual(await api('DELETE', `/api/cart/lines/${shop.rtr1}`, {}), { status: 404, fields: ['params.variant_id'] });
    assert.equal((await buyer.call('PUT', `/api/cart/lines/${shop.vpn}`, { quantity: 4 })).statusCode, 200);
    const after = await buyer.call('DELETE', `/api/cart/lines/${shop.vpn}`, {});
    assert.deepEqual((after.json() as { lines: unknown[] }).lines, []);
    const openapi = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    assert.ok(openapi.paths['/api/cart'] && openapi.paths['/api/cart/lines'] && openapi.paths['/api/cart/lines/{variant_id}']);
  } finally {
    await app.close();
  }
});

testEachDatabase('[P003-21] without cookies the catalogue browses, and adding to the cart explains why it cannot go on', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const shop = await makeShop(database.db);
    // A browser that keeps no cookies: it never sends a Cookie header, whatever it was told to set.
    const get = (url: string) => app.inject({ url, headers: { accept: 'text/html' } });
    for (const url of ['/', '/catalogue', '/categories/networking', '/products/router', '/search?q=router', '/cart']) {
      assert.equal((await get(url)).statusCode, 200, url);
    }
    const post = (url: string, form: Record<string, string>) =>
      app.inject({ method: 'POST', url, headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });
    const product = await get('/products/router');
    const first = await post('/cart/add', { _csrf: productCsrf(product.body) ?? '', variant_id: shop.rtr1, quantity: '1' });
    assert.equal(first.statusCode, 200, 'first the add is confirmed (a first visit looks the same)');
    const res = await post('/cart/add', { _csrf: productCsrf(first.body)!, variant_id: shop.rtr1, quantity: '1', confirm: '1' });
    assert.equal(res.statusCode, 400);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.match(res.body, /<h1>The cart needs a cookie<\/h1>/);
    assert.match(res.body, /allow cookies for this site/i);
    assert.match(res.body, /href="\/catalogue"/);
    assert.doesNotMatch(res.body, /form has expired|Incident|stack/i);
    // Even without a CSRF field at all (the form's token was bound to a cookie the browser dropped).
    const bare = await app.inject({
      method: 'POST',
      url: '/cart/update',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: `variant_id=${shop.rtr1}&quantity=1`,
    });
    assert.equal(bare.statusCode, 400);
    assert.match(bare.body, /The cart needs a cookie/);
    const { count } = (await sql<{ count: number }>`select count(*)::int as count from cart_carts`.execute(database.db)).rows[0]!;
    assert.equal(count, 0, 'no cart was made');
  } finally {
    await app.close();
  }
});

testEachDatabase('[P002-10] the cart cookie: set only on the first add, __Host-, Secure, HttpOnly, SameSite=Lax, an opaque random token stored only as its hash', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const { db } = database;
    const shop = await makeShop(db);
    const buyer = newClient(app);
    for (const url of ['/', '/products/router', '/cart']) await buyer.get(url);
    await buyer.call('GET', '/api/cart');
    assert.equal(buyer.setCookies.length, 0, 'browsing, even the empty cart, sets no cookie at all');

    await buyer.post('/cart/add', { variant_id: shop.rtr1, quantity: '1' });
    assert.ok(!buyer.setCookies.some((c) => c.startsWith(`${CART_COOKIE}=`)), 'not before the add is confirmed');
    await buyer.post('/cart/add', { variant_id: shop.rtr1, quantity: '1', confirm: '1' });
    const set = buyer.setCookies.filter((c) => c.startsWith(`${CART_COOKIE}=`));
    assert.equal(set.length, 1);
    const attrs = set[0]!.split(';').map((a) => a.trim().toLowerCase());
    for (const want of ['secure', 'httponly', 'samesite=lax', 'path=/']) assert.ok(attrs.includes(want), `${want} in ${set[0]}`);
    assert.ok(!attrs.some((a) => a.startsWith('domain=')), '__Host- cookies name no domain');
    const token = buyer.cookies.get(CART_COOKIE)!;
    assert.match(token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, nothing else');

    await buyer.post('/cart/add', { variant_id: shop.vpn, quantity: '1' });
    await buyer.post('/cart/update', { variant_id: shop.vpn, quantity: '2' });
    assert.equal(buyer.setCookies.filter((c) => c.startsWith(`${CART_COOKIE}=`)).length, 1, 'later changes set no cookie');

    const other = await visitor(app, shop.rtr1);
    await other.post('/cart/add', { variant_id: shop.rtr1, quantity: '1' });
    assert.notEqual(other.cookies.get(CART_COOKIE), token, 'each browser gets its own random token');

    const { rows } = await sql<{ token_hash: Buffer }>`select token_hash from cart_carts`.execute(db);
    assert.equal(rows.length, 2);
    assert.ok(
      rows.some((r) => Buffer.from(r.token_hash).equals(createHash('sha256').update(token).digest())),
      'the database holds the SHA-256',
    );
    const dump = JSON.stringify((await sql`select * from cart_carts c join cart_lines l on l.cart_id = c.id`.execute(db)).rows);
    assert.ok(!dump.includes(token), 'the token itself is stored nowhere');

    // A forged or unknown cookie is simply no cart, and the next add starts a new one.
    const forger = newClient(app);
    forger.cookies.set(CART_COOKIE, 'x'.repeat(43));
    assert.deepEqual(((await forger.call('GET', '/api/cart')).json() as { lines: unknown[] }).lines, []);
  } finally {
    await app.close();
  }
});

testEachDatabase('cartOfRequest and clearCart for checkout; idle carts expire and the sweep deletes them', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const { db } = database;
    const shop = await makeShop(db);
    const buyer = newClient(app);
    await buyer.call('POST', '/api/cart/lines', { variant_id: shop.rtr1, quantity: 2 });
    await buyer.call('POST', '/api/cart/lines', { variant_id: shop.vpn, quantity: 1 });
    const request = { cookies: Object.fromEntries(buyer.cookies), server: app, headers: {} } as unknown as FastifyRequest;
    const cart = await cartOfRequest(request);
    assert.ok(cart);
    assert.deepEqual(cart.lines, [
      { variantId: shop.rtr1, quantity: 2 },
      { variantId: shop.vpn, quantity: 1 },
    ]);

    await updateProduct(db, shop.licence.id, { status: 'archived' });
    const view = (await buyer.call('GET', '/api/cart')).json() as { lines: { sku: string }[]; unavailable: { sku: string }[] };
    assert.deepEqual([view.lines.map((l) => l.sku), view.unavailable.map((u) => u.sku)], [['RTR-1'], ['VPN-1Y']], 'a withdrawn item is set apart, not priced');
    assert.match((await buyer.get('/cart')).body, /No longer available/);

    await clearCart(db, cart.cartId);
    assert.deepEqual((await cartOfRequest(request))?.lines, [], 'cleared, and the cookie still names the cart');

    const later = new Date(Date.now() + 31 * 86_400_000);
    assert.equal(await cartOfRequest(request, later), null, 'idle for 30 days: gone');
    assert.equal(await sweepCarts(db, new Date()), 0);
    assert.equal(await sweepCarts(db, later), 1);
    assert.equal(await cartOfRequest(request), null);

    // The scheduled job runs the sweep: an expired cart goes, a live one stays.
    await buyer.call('POST', '/api/cart/lines', { variant_id: shop.rtr1, quantity: 1 });
    await sql`update cart_carts set expires_at = now() - interval '1 minute'`.execute(db);
    const fresh = newClient(app);
    await fresh.call('POST', '/api/cart/lines', { variant_id: shop.rtr1, quantity: 1 });
    assert.deepEqual(
      cartModule.schedules?.map((s) => [s.job, s.everySeconds]),
      [[CART_SWEEP_JOB, 3600]],
    );
    const logged: unknown[] = [];
    const log = { info: (o: unknown) => logged.push(o) } as unknown as JobContext['log'];
    await cartModule.jobs![CART_SWEEP_JOB]!({}, { db, log, jobId: 1, attempt: 1, services: {} });
    const { count } = (await sql<{ count: number }>`select count(*)::int as count from cart_carts`.execute(db)).rows[0]!;
    assert.equal(count, 1);
    assert.deepEqual(logged, [{ swept: 1 }]);
  } finally {
    await app.close();
  }
});

testEachDatabase('the product page offers Add to cart only while an option can be bought, and follows stock changes', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const { db } = database;
    const shop = await makeShop(db);
    const formFor = (body: string, id: string) => new RegExp(`name="variant_id" value="${id}"`).test(body);
    const router = await app.inject({ url: '/products/router', headers: { accept: 'text/html' } });
    assert.ok(formFor(router.body, shop.rtr1), 'in stock: a form');
    assert.match(router.body, /max="5"/, 'no more than the stock on hand');
    assert.ok(!formFor(router.body, shop.rtrPro), 'out of stock: no form');
    assert.ok(formFor((await app.inject({ url: '/products/vpn-licence' })).body, shop.vpn), 'untracked stock: a form');
    assert.equal((await app.inject({ url: '/products/old-modem' })).statusCode, 404, 'archived: no page at all');

    // The page is cached; selling the last units must still take the form away.
    await reserveStock(db, [{ variantId: shop.rtr1, quantity: 5 }]);
    let body = '';
    for (let i = 0; i < 100; i++) {
      body = (await app.inject({ url: '/products/router' })).body;
      if (!formFor(body, shop.rtr1)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(!formFor(body, shop.rtr1), 'sold out: the cached page was dropped and the form is gone');
    assert.doesNotMatch(body, /In stock/);
  } finally {
    await app.close();
  }
});

testEachDatabase(
  'an add through the API answers the cart exactly as reading it again shows it: a new cart, a repeat of a line, a second item, and a cookie of a cart that is gone',
  async (database) => {
    const { app } = await buildTestApp(database, { SHOP_TAX_RATE: '1000', SHIPPING_FLAT_MINOR: '700' });
    try {
      const shop = await makeShop(database.db);
      const buyer = newClient(app);
      const carts = async () => (await sql<{ n: number }>`select count(*)::int as n from cart_carts`.execute(database.db)).rows[0]!.n;
      const addAndCompare = async (variantId: string, quantity: number) => {
        const added = await buyer.call('POST', '/api/cart/lines', { variant_id: variantId, quantity });
        assert.equal(added.statusCode, 200, added.body);
        assert.deepEqual(added.json(), (await buyer.call('GET', '/api/cart')).json());
        return added.json() as { lines: { sku: string; quantity: number }[]; total_minor: number };
      };
      assert.deepEqual(
        (await addAndCompare(shop.rtr1, 2)).lines.map((l) => [l.sku, l.quantity]),
        [['RTR-1', 2]],
      );
      assert.equal(await carts(), 1);
      const cookie = buyer.cookies.get(CART_COOKIE);
      assert.ok(cookie);
      assert.deepEqual(
        (await addAndCompare(shop.vpn, 1)).lines.map((l) => [l.sku, l.quantity]),
        [
          ['RTR-1', 2],
          ['VPN-1Y', 1],
        ],
      );
      const last = await addAndCompare(shop.rtr1, 1);
      assert.deepEqual(
        last.lines.map((l) => [l.sku, l.quantity]),
        [
          ['RTR-1', 3],
          ['VPN-1Y', 1],
        ],
        'a repeat adds to its line, which keeps its place',
      );
      assert.equal(last.total_minor, Math.round((3 * 12_900 + 4_999 + 700) * 1.1));
      assert.equal(buyer.cookies.get(CART_COOKIE), cookie, 'the same cart all along');
      assert.equal(await carts(), 1);
      // Refused adds change nothing: over the stock, then the cart's cookie kept.
      assert.equal((await buyer.call('POST', '/api/cart/lines', { variant_id: shop.rtr1, quantity: 3 })).statusCode, 409);
      assert.deepEqual(
        ((await buyer.call('GET', '/api/cart')).json() as { lines: { quantity: number }[] }).lines.map((l) => l.quantity),
        [3, 1],
      );

      // A cookie whose cart expired gets a new cart and a new cookie; the old cart is not touched.
      await sql`update cart_carts set expires_at = now() - interval '1 minute'`.execute(database.db);
      assert.deepEqual(
        (await addAndCompare(shop.vpn, 1)).lines.map((l) => [l.sku, l.quantity]),
        [['VPN-1Y', 1]],
      );
      assert.notEqual(buyer.cookies.get(CART_COOKIE), cookie);
      assert.equal(await carts(), 2);
    } finally {
      await app.close();
    }
  },
);
