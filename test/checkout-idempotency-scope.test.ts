// An idempotency key belongs to the browser (cart cookie) that sent it: the same key and body from
// another browser is another order, never a replay of the first buyer's; keys up to 255 characters
// work as the OpenAPI contract says, on the card path too (decision 0029).
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { CartClient, makeShop } from '../src/commerce/cart/testing.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';

const guest = { name: 'Ada Lovelace', email: 'ada@example.com', age: 'adult' };
const billing = { organization: 'Difference Engines Ltd', billing_line1: '1 Babbage Court', billing_line2: '', billing_postal_code: 'N1 1AA', billing_city: 'London', billing_country: 'GB' };
const address = { ship_line1: '12 Analytical Row', ship_line2: '', ship_postal_code: 'N1 9GU', ship_city: 'London', ship_country: 'GB' };

async function buyerWith(app: FastifyInstance, slug: string, variantId: string, ip: string): Promise<CartClient> {
  const buyer = new CartClient(app, ip);
  await buyer.get(`/products/${slug}`);
  let res = await buyer.post('/cart/add', { variant_id: variantId, quantity: '1' });
  if (res.statusCode !== 303 && /name="confirm"/.test(res.body)) res = await buyer.post('/cart/add', { variant_id: variantId, quantity: '1', confirm: '1' });
  assert.equal(res.statusCode, 303, res.body);
  return buyer;
}

const checkout = (app: FastifyInstance, buyer: CartClient, key: string, body: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: '/api/checkout',
    remoteAddress: buyer.ip,
    headers: { cookie: buyer.cookieHeaderValue(), 'content-type': 'application/json', 'idempotency-key': key },
    payload: JSON.stringify(body),
  });

testEachDatabase('checkout: the same Idempotency-Key and body from another browser makes its own order, not a replay of the first buyer’s', async (database) => {
  const { app } = await buildTestApp(database, { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency' });
  try {
    const shop = await makeShop(database.db);
    const first = await buyerWith(app, 'vpn-licence', shop.vpn, '203.0.113.31');
    const other = await buyerWith(app, 'vpn-licence', shop.vpn, '198.51.100.32');
    const body = { method: 'invoice', ...guest, ...billing };
    const a = await checkout(app, first, 'shared-key-0000001', body);
    assert.equal(a.statusCode, 201, a.body);
    const b = await checkout(app, other, 'shared-key-0000001', body);
    assert.equal(b.statusCode, 201, b.body);
    assert.equal(b.headers['idempotent-replayed'], undefined, 'not a replay');
    assert.notEqual((b.json() as { order_number: string }).order_number, (a.json() as { order_number: string }).order_number, 'the other browser does not get the first buyer’s order');
    // The first browser's repeat still replays its own answer.
    const again = await checkout(app, first, 'shared-key-0000001', body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json(), a.json());
  } finally {
    await app.close();
  }
});

testEachDatabase('checkout: an Idempotency-Key of 255 characters is accepted on the card path, and one of 256 is refused naming the header', async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const { app } = bed;
  const shop = await makeShop(database.db);
  const buyer = await buyerWith(app, 'router', shop.rtr1, '203.0.113.33');
  const body = { method: 'card', ...guest, ...address };
  const long = await checkout(app, buyer, 'k'.repeat(255), body);
  assert.equal(long.statusCode, 201, long.body);
  assert.match((long.json() as { next_url: string }).next_url, /^http/);
  const tooLong = await checkout(app, buyer, 'k'.repeat(256), body);
  assert.equal(tooLong.statusCode, 400);
  assert.match(tooLong.body, /idempotency-key/);
});
