// Stock held by orders that wait for payment is bounded per source network (decision 0029): an
// anonymous visitor can no longer hold a product's whole stock with two requests.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { CartClient, makeShop } from '../src/commerce/cart/testing.ts';
import { expireWaitingPayments, jobPorts, PAYMENT_WAIT_MINUTES, UNPAID_UNITS_PER_SOURCE } from '../src/commerce/checkout/index.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import type { Db } from '../src/platform/db/database.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';

const guest = { name: 'Mallory Holder', email: 'mallory@example.org', age: 'adult' };
const address = { ship_line1: '1 Warehouse Lane', ship_line2: '', ship_postal_code: '10001', ship_city: 'New York', ship_country: 'US' };
const stockOf = async (db: Db) => (await sql<{ stock: number }>`select stock from catalogue_variants where sku = 'RTR-1'`.execute(db)).rows[0]!.stock;

async function cardCheckout(app: FastifyInstance, ip: string, variantId: string, quantity: number) {
  const buyer = new CartClient(app, ip);
  await buyer.get('/products/router');
  let added = await buyer.post('/cart/add', { variant_id: variantId, quantity: String(quantity) });
  if (added.statusCode !== 303 && /name="confirm"/.test(added.body)) added = await buyer.post('/cart/add', { variant_id: variantId, quantity: String(quantity), confirm: '1' });
  assert.equal(added.statusCode, 303, added.body);
  return app.inject({
    method: 'POST',
    url: '/api/checkout',
    remoteAddress: ip,
    headers: { cookie: buyer.cookieHeaderValue(), 'content-type': 'application/json', 'idempotency-key': `hold-${ip}-${quantity}-${Math.random().toString(36).slice(2)}` },
    payload: JSON.stringify({ method: 'card', ...guest, ...address }),
  });
}

testEachDatabase('an anonymous visitor cannot hold a product’s whole stock with unpaid card orders; other networks still buy', async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const { app } = bed;
  const { db } = database;
  const shop = await makeShop(db);
  await sql`update catalogue_variants set stock = 30 where sku = 'RTR-1'`.execute(db);

  const all = await cardCheckout(app, '198.51.100.150', shop.rtr1, 30);
  assert.equal(all.statusCode, 409, all.body);
  assert.equal(all.json().error.code, 'UNPAID_HOLD_LIMIT');
  assert.equal(await stockOf(db), 30, 'nothing held');

  const some = await cardCheckout(app, '198.51.100.150', shop.rtr1, UNPAID_UNITS_PER_SOURCE);
  assert.equal(some.statusCode, 201, some.body);
  assert.equal(await stockOf(db), 30 - UNPAID_UNITS_PER_SOURCE);
  const more = await cardCheckout(app, '198.51.100.150', shop.rtr1, 1);
  assert.equal(more.statusCode, 409, 'the network already holds its bound while it has not paid');

  const elsewhere = await cardCheckout(app, '203.0.113.151', shop.rtr1, 2);
  assert.equal(elsewhere.statusCode, 201, elsewhere.body);

  // When the unpaid order lapses, its network may hold stock again; the digest of the network goes with it.
  await sql`update checkout_attempts set created_at = now() - interval '2 hours' where order_id = ${(some.json() as { order_id: string }).order_id}::uuid`.execute(db);
  assert.equal(await expireWaitingPayments(jobPorts({ services: { config: bed.config, privacy: app.privacy, wiring: app.wiring } }), db, PAYMENT_WAIT_MINUTES), 1);
  assert.equal((await cardCheckout(app, '198.51.100.150', shop.rtr1, 1)).statusCode, 201);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from checkout_attempts where source is not null and state <> 'awaiting_payment'`.execute(db);
  assert.equal(rows[0]!.n, 0);
});

testEachDatabase('invoice orders waiting for their credit decision count towards the same bound', async (database) => {
  const { app } = await buildTestApp(database, { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency' });
  try {
    const { db } = database;
    const shop = await makeShop(db);
    await sql`update catalogue_variants set stock = 30 where sku = 'RTR-1'`.execute(db);
    const billing = { organization: 'Hoarders Ltd', billing_line1: '2 Shelf Street', billing_line2: '', billing_postal_code: '10001', billing_city: 'New York', billing_country: 'US' };
    const invoice = async (ip: string, quantity: number) => {
      const buyer = new CartClient(app, ip);
      await buyer.get('/products/router');
      let added = await buyer.post('/cart/add', { variant_id: shop.rtr1, quantity: String(quantity) });
      if (added.statusCode !== 303 && /name="confirm"/.test(added.body)) added = await buyer.post('/cart/add', { variant_id: shop.rtr1, quantity: String(quantity), confirm: '1' });
      return app.inject({
        method: 'POST',
        url: '/api/checkout',
        remoteAddress: ip,
        headers: { cookie: buyer.cookieHeaderValue(), 'content-type': 'application/json', 'idempotency-key': `inv-${ip}-${quantity}-${Math.random().toString(36).slice(2)}` },
        payload: JSON.stringify({ method: 'invoice', ...guest, ...address, ...billing }),
      });
    };
    assert.equal((await invoice('198.51.100.160', 30)).statusCode, 409);
    assert.equal((await invoice('198.51.100.160', UNPAID_UNITS_PER_SOURCE)).statusCode, 201);
    assert.equal((await invoice('198.51.100.160', 1)).statusCode, 409);
    assert.equal(await stockOf(db), 30 - UNPAID_UNITS_PER_SOURCE);
  } finally {
    await app.close();
  }
});
