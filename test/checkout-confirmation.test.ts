// The confirmation page belongs to the browser that placed the order (its cart cookie) or to the
// buyer signed in; anyone else holding the link gets the same 404 as for an order that does not exist.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { makeShop, newClient } from '../src/commerce/cart/testing.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { addToCart, guest, keyOf } from './checkout-support.ts';

testEachDatabase('checkout: /checkout/done/:orderId answers only the browser that placed the order; another browser, with or without a cart, gets 404', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const shop = await makeShop(database.db);
    await sql`update catalogue_variants set price_minor = 0 where id = ${shop.vpn}`.execute(database.db);
    const buyer = newClient(app);
    await addToCart(buyer, 'vpn-licence', shop.vpn);
    const form = await buyer.get('/checkout');
    const res = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'free', ...guest });
    assert.equal(res.statusCode, 303, res.body);
    const done = res.headers.location as string;
    assert.match(done, /^\/checkout\/done\/[0-9a-f-]{36}$/);
    const own = await buyer.get(done);
    assert.equal(own.statusCode, 200);
    assert.match(own.body, /C-\d+/);

    const stranger = newClient(app);
    const noCookie = await stranger.get(done);
    assert.equal(noCookie.statusCode, 404);
    assert.doesNotMatch(noCookie.body, /C-\d+/);
    await addToCart(stranger, 'router', shop.rtr1);
    const otherCart = await stranger.get(done);
    assert.equal(otherCart.statusCode, 404, 'a cart of its own does not open another buyer’s order');
    // Asked by the same browser (its header shows its own cart), an order that does not exist.
    const unknown = await stranger.get('/checkout/done/00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.statusCode, 404);
    assert.equal(otherCart.body.replace(/[0-9a-f-]{36}/g, ''), unknown.body.replace(/[0-9a-f-]{36}/g, ''), 'the same answer as for no order at all');
  } finally {
    await app.close();
  }
});
