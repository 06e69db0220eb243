import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { FormClient, signUpAndConfirm } from '../../accounts/testing.ts';
import type { Db } from '../../platform/db/database.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { staffActor } from '../../privacy/index.ts';
import { testActor } from '../../privacy/testing.ts';
import { ordersDeps, orderRef } from './deps.ts';
import { createOrder } from './orders.ts';
import { pricedCart } from './test-support.ts';
import { transitionOrder } from './transitions.ts';

const owner = { name: 'Wilhelmina Ashcombe', email: 'wilhelmina.ashcombe@example.com', password: 'copper-kettle-91-hums-softly' };
const other = { name: 'Bartholomew Quince', email: 'bartholomew.quince@example.com', password: 'silver-otter-42-naps-often' };
const address = '4 Larkspur Row, Thistlewick TW9 2LP';
const TRACKING = 'JD0146000062817';
const system = testActor('test.checkout');

async function subjectOf(app: FastifyInstance, db: Db, email: string): Promise<string> {
  const [subject] = await app.privacy.findSubjects(db, { category: 'user.contact.email', value: email, actor: system, purpose: 'account' });
  return subject!;
}

/** An order as checkout leaves it (name and address under the order's ref), then paid, fulfilled and shipped. */
async function shippedOrder(app: FastifyInstance, db: Db, subject: string) {
  const deps = ordersDeps(app);
  const id = randomUUID();
  await app.privacy.write(db, { subject, actor: system, purpose: 'fulfillment', ref: orderRef(id), values: { 'user.name': owner.name, 'user.contact.address': address } });
  const order = await createOrder(deps, db, { id, customerSubject: subject, customerUserId: null, priced: pricedCart(), paymentMethod: 'card', fulfilment: 'ship', actor: system });
  const packer = staffActor(randomUUID(), 'fulfilment');
  await transitionOrder(deps, db, { orderId: id, to: 'paid', actor: system });
  await transitionOrder(deps, db, { orderId: id, to: 'fulfilling', actor: packer });
  await transitionOrder(deps, db, { orderId: id, to: 'shipped', actor: packer, carrier: 'UPS', tracking: TRACKING });
  return order;
}

testEachDatabase(
  '[P002-07][P002-04] the signed-in buyer sees their orders, and each with items, totals, history, carrier, tracking number, shipping address and who received their data',
  async (database) => {
    const { app, logs } = await buildTestApp(database);
    try {
      const client = new FormClient(app);
      await signUpAndConfirm(client, database.db, owner);
      const subject = await subjectOf(app, database.db, owner.email);
      const order = await shippedOrder(app, database.db, subject);

      const list = await client.get('/account/orders');
      assert.equal(list.statusCode, 200);
      assert.ok(list.body.includes(`href="/account/orders/${order.number}"`));
      assert.match(list.body, /Shipped/);
      assert.ok(list.body.includes('€135.80'), 'the total');
      assert.doesNotMatch(list.body, /class="pagination"/, 'one page of orders needs no page links');
      assert.ok((await client.get('/account/orders?page=9')).body.includes(order.number), 'a page past the end shows the last');
      const badPage = await client.get('/account/orders?page=0');
      assert.equal(badPage.statusCode, 400);
      assert.match(badPage.body, /page/);

      const page = await client.get(`/account/orders/${order.number}`);
      assert.equal(page.statusCode, 200);
      assert.equal(page.headers['cache-control'], 'no-store');
      for (const text of [
        'Mechanical keyboard',
        'KB-01',
        '€99.00',
        'Subtotal',
        '€109.00',
        '€5.00',
        '€21.80',
        '€135.80',
        'Order placed',
        'Paid',
        'Being prepared',
        'Shipped',
        'UPS',
        TRACKING,
        owner.name,
        address,
      ]) {
        assert.ok(page.body.includes(text), `the order page shows ${text}`);
      }
      assert.match(page.body, /Who received my data for this order/);
      assert.match(page.body, /<th scope="row" data-label="Recipient">Shipping carriers \(DHL, FedEx, UPS, USPS\) \(UPS\)<\/th><td data-label="Fields">Name, Postal address<\/td>/);
      assert.match(page.body, /<td data-label="Basis">Needed to fill the order the data belongs to<\/td><td data-label="Purpose">Order fulfilment<\/td>/);
      const logged = JSON.stringify(logs);
      for (const secret of [TRACKING, address, owner.email]) assert.ok(!logged.includes(secret), 'no personal data in the logs');
    } finally {
      await app.close();
    }
  },
);

testEachDatabase('[P002-07] another customer gets 404 for an order that is not theirs; a signed-out visitor is sent to sign in', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const buyer = new FormClient(app);
    await signUpAndConfirm(buyer, database.db, owner);
    const order = await shippedOrder(app, database.db, await subjectOf(app, database.db, owner.email));

    const stranger = new FormClient(app, '127.0.0.2');
    await signUpAndConfirm(stranger, database.db, other);
    const theirs = await stranger.get(`/account/orders/${order.number}`);
    assert.equal(theirs.statusCode, 404);
    assert.ok(!theirs.body.includes(TRACKING) && !theirs.body.includes(address));
    const missing = await stranger.get('/account/orders/C-999999');
    assert.equal(missing.statusCode, 404);
    assert.equal(theirs.body.replace(/C-\d+/g, ''), missing.body.replace(/C-\d+/g, ''), 'not theirs and not there look the same');
    const list = await stranger.get('/account/orders');
    assert.ok(!list.body.includes(order.number));
    assert.match(list.body, /no orders yet/);
    assert.deepEqual(JSON.parse((await stranger.get('/api/account/orders')).body), { items: [] }, 'the JSON list holds only their own orders');
    const own = JSON.parse((await buyer.get('/api/account/orders')).body) as { items: { number: string; status: string }[] };
    assert.deepEqual(
      own.items.map((o) => [o.number, o.status]),
      [[order.number, 'shipped']],
    );

    const anonymous = new FormClient(app, '127.0.0.3');
    assert.equal((await anonymous.get('/api/account/orders')).statusCode, 401);
    for (const url of ['/account/orders', `/account/orders/${order.number}`]) {
      const res = await anonymous.get(url);
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/account/login');
    }
  } finally {
    await app.close();
  }
});
