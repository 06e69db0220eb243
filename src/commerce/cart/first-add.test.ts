// The first "Add to cart" of a browser with no cookie at all is one click when the browser proves the
// post came from this site's page (Sec-Fetch-Site / Origin); otherwise the confirmation page stays.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { makeShop } from './testing.ts';
import { CART_COOKIE } from './token.ts';

const carts = async (db: Db) => (await sql<{ n: number }>`select count(*)::int as n from cart_carts`.execute(db)).rows[0]!.n;

testEachDatabase(
  '[P002-10][P003-21] a cookieless first add from the shop’s own page adds in one click and sets the cart cookie; a cross-site or unproven post still gets the confirmation page',
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const { db } = database;
      const shop = await makeShop(db);
      const add = (headers: Record<string, string>) =>
        app.inject({
          method: 'POST',
          url: '/cart/add',
          headers: { host: 'shop.test', accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...headers },
          payload: `_csrf=&variant_id=${shop.rtr1}&quantity=1`,
        });

      for (const [what, headers] of [
        ['no Origin nor Sec-Fetch-Site', {}],
        ['another site’s Origin', { origin: 'https://evil.example' }],
        ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site', origin: 'http://shop.test' }],
        ['Sec-Fetch-Site same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
        ['an opaque Origin', { origin: 'null' }],
      ] as const) {
        const res = await add(headers);
        assert.equal(res.statusCode, 200, what);
        assert.match(res.body, /<h1[^>]*>Add to your cart<\/h1>/, what);
        assert.ok(!String(res.headers['set-cookie'] ?? '').includes(`${CART_COOKIE}=`), what);
      }
      assert.equal(await carts(db), 0, 'no cart was made');

      const sameOrigin = await add({ origin: 'http://shop.test', 'sec-fetch-site': 'same-origin' });
      assert.equal(sameOrigin.statusCode, 303, sameOrigin.body);
      assert.equal(sameOrigin.headers.location, '/cart?first=1');
      const cookie = ([] as string[]).concat(sameOrigin.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${CART_COOKIE}=`));
      assert.ok(cookie, 'the cart cookie is set by the add');
      const cart = await app.inject({ url: '/cart?first=1', headers: { host: 'shop.test', accept: 'text/html', cookie: cookie.split(';')[0]! } });
      assert.equal(cart.statusCode, 200);
      assert.match(cart.body, /Nighthawk Router/);
      assert.equal(await carts(db), 1);

      // Only Origin (a browser without Fetch Metadata) is proof enough too.
      assert.equal((await add({ origin: 'http://shop.test' })).statusCode, 303);
      // A browser that dropped the cookie is told why its cart is empty (P003-21).
      const dropped = await app.inject({ url: '/cart?first=1', headers: { host: 'shop.test', accept: 'text/html' } });
      assert.equal(dropped.statusCode, 400);
      assert.match(dropped.body, /<h1>The cart needs a cookie<\/h1>/);
    } finally {
      await app.close();
    }
  },
);
