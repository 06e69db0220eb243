import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { staffClient, staffTokenHeaders } from '../../accounts/testing.ts';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { testActor } from '../../privacy/testing.ts';
import { verifyAuditLog } from '../../privacy/index.ts';
import { ordersDeps, orderRef } from './deps.ts';
import { STATUS_TEMPLATE } from './mail.ts';
import { createOrder, getOrder, historyOf } from './orders.ts';
import { buyer, pricedCart, testCustomer } from './test-support.ts';
import { transitionOrder } from './transitions.ts';

const system = testActor('test.checkout');
const password = 'granite-heron-58-waits-patiently';
const TRACKING = '9400111899223856';

async function paidOrder(app: FastifyInstance, db: Db, options: { physical?: boolean } = {}) {
  const id = randomUUID();
  const subject = await testCustomer(app.privacy, db, id);
  const physical = options.physical ?? true;
  const order = await createOrder(ordersDeps(app), db, {
    id,
    customerSubject: subject,
    customerUserId: null,
    priced: pricedCart({ physical }),
    paymentMethod: 'card',
    fulfilment: physical ? 'ship' : 'digital',
    actor: system,
  });
  await transitionOrder(ordersDeps(app), db, { orderId: id, to: 'paid', actor: system });
  return { order, subject };
}

async function auditEntries(app: FastifyInstance, db: Db): Promise<number> {
  await app.privacy.flush();
  const report = await verifyAuditLog(db);
  assert.ok(report.ok);
  return report.sealed + report.pending;
}

testEachDatabase('[P000-02][P002-01] staff read order data only under fulfillment or order-status; another purpose is refused with 403 and audited', async (database) => {
  const { app, staffHeaders } = await buildTestApp(database);
  try {
    const { db } = database;
    const { order } = await paidOrder(app, db);
    await transitionOrder(ordersDeps(app), db, { orderId: order.id, to: 'fulfilling', actor: system });
    await transitionOrder(ordersDeps(app), db, { orderId: order.id, to: 'shipped', actor: system, carrier: 'USPS', tracking: TRACKING });
    const ownerClient = await staffClient(app, db, { name: 'Cordelia Ravensworth', email: 'cordelia@shop.example', role: 'owner', password });

    const ok = await ownerClient.json('GET', `/api/staff/orders/${order.number}/delivery?purpose=fulfillment`);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { name: buyer.name, address: buyer.address, carrier: 'USPS', tracking: TRACKING });
    const status = await ownerClient.json('GET', `/api/staff/orders/${order.number}/delivery?purpose=order-status`);
    assert.equal(status.statusCode, 200, status.body);
    assert.deepEqual(status.json(), { name: buyer.name, address: null, carrier: 'USPS', tracking: TRACKING });

    // The owner role may act under `offers` (marketing mail) and `support`, but order data is not for them.
    for (const purpose of ['offers', 'newsletters', 'support', 'recommendations']) {
      const before = await auditEntries(app, db);
      const refused = await ownerClient.json('GET', `/api/staff/orders/${order.number}/delivery?purpose=${purpose}`);
      assert.equal(refused.statusCode, 403, `${purpose}: ${refused.body}`);
      assert.equal(refused.json().error.code, 'PRIVACY_REFUSED');
      assert.ok(!refused.body.includes(TRACKING) && !refused.body.includes(buyer.address));
      assert.equal(await auditEntries(app, db), before + 1, `the refused read under ${purpose} is audited`);
    }
    // The shop's shared API token reaches no personal route at all (decision 0026).
    const token = await app.inject({ method: 'GET', url: `/api/staff/orders/${order.number}/delivery?purpose=offers`, headers: staffHeaders });
    assert.equal(token.statusCode, 401);

    // A marketing member of staff does not work with orders at all.
    const marketer = await staffClient(app, db, { name: 'Ignatius Pemberton', email: 'ignatius@shop.example', role: 'marketing', password });
    assert.equal((await marketer.json('GET', `/api/staff/orders/${order.number}/delivery?purpose=fulfillment`)).statusCode, 403);
    assert.equal((await marketer.get(`/staff/orders/${order.number}`)).statusCode, 403);
  } finally {
    await app.close();
  }
});

testEachDatabase(
  "[P000-05][P001-03] fulfilment staff move an order along in the console: fulfilling, shipped with carrier and tracking (the carrier's share ledgered with the order), delivered, completed, each step mailing the buyer; a bad step is answered on the page",
  async (database) => {
    const { app } = await buildTestApp(database);
    try {
      const { db } = database;
      const { order, subject } = await paidOrder(app, db);
      const packer = await staffClient(app, db, { name: 'Leopold Hawthorne', email: 'leopold@shop.example', role: 'fulfilment', password });

      const list = await packer.get('/staff/orders?status=paid');
      assert.equal(list.statusCode, 200);
      assert.ok(list.body.includes(`href="/staff/orders/${order.number}"`));
      assert.ok(!(await packer.get('/staff/orders?status=shipped')).body.includes(order.number));

      const page = await packer.get(`/staff/orders/${order.number}`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(buyer.address), 'the shipping address, read through the kernel under fulfillment');
      assert.match(page.body, /value="fulfilling"/);
      assert.doesNotMatch(page.body, /value="shipped"/, 'only the steps allowed from paid are offered');

      const step = async (form: Record<string, string>) => {
        await packer.get(`/staff/orders/${order.number}`);
        return packer.post(`/staff/orders/${order.number}/transition`, form);
      };
      assert.equal((await step({ to: 'fulfilling' })).statusCode, 303);
      const noTracking = await step({ to: 'shipped', carrier: 'DHL', tracking: '' });
      assert.equal(noTracking.statusCode, 400);
      assert.match(noTracking.body, /tracking: is required to ship an order/);
      const illegal = await step({ to: 'completed' });
      assert.equal(illegal.statusCode, 409);
      assert.ok(illegal.body.includes(`Order ${order.number} is being prepared; it cannot become completed. It can become: shipped, cancelled, refunded.`));
      const shipped = await step({ to: 'shipped', carrier: 'DHL', tracking: TRACKING });
      assert.equal(shipped.statusCode, 303);
      assert.equal(shipped.headers.location, `/staff/orders/${order.number}?done=shipped`);
      const after = await packer.get(shipped.headers.location as string);
      assert.ok(after.body.includes(TRACKING));
      assert.equal((await step({ to: 'delivered' })).statusCode, 303);
      assert.equal((await step({ to: 'completed' })).statusCode, 303);

      assert.equal((await getOrder(db, order.id))?.status, 'completed');
      const history = await historyOf(db, order.id);
      const staffRef = history.at(-1)!.actor_ref;
      assert.match(staffRef, /^staff:[0-9a-f-]{36}$/);
      assert.deepEqual(
        history.map((h) => h.to_status),
        ['pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered', 'completed'],
      );
      // Every step taken on the console queued a status mail to the buyer (addressed by subject; the address is read when it is sent).
      const { rows: mails } = await sql<{ subject_id: string; status: string; number: string }>`
      select subject_id, params->>'status' as status, params->>'number' as number from comms_outbox where template = ${STATUS_TEMPLATE}`.execute(db);
      // (Being paid sends the receipt instead of a status mail, decision 0038.)
      assert.deepEqual(mails.map((m) => m.status).sort(), ['completed', 'delivered', 'fulfilling', 'shipped']);
      assert.ok(
        mails.every((m) => m.subject_id === subject && m.number === order.number),
        'each to the buyer, about this order',
      );
      // Shipping shared the buyer with the carrier: the only share, ledgered with the order, on the fulfilment basis.
      const disclosures = await app.privacy.disclosuresOf(db, { subject, actor: testActor('test'), purpose: 'fulfillment' });
      assert.deepEqual(
        disclosures.map((d) => [d.recipient, d.recipientRef, d.order, d.basis]),
        [['carriers', 'DHL', order.id, 'fulfillment']],
      );
      assert.deepEqual([...disclosures[0]!.asked].sort(), ['user.contact.address', 'user.contact.phone_number', 'user.name'], 'only what the carrier is declared to receive');
      assert.deepEqual([...disclosures[0]!.categories].sort(), ['user.contact.address', 'user.name'], 'released: what the buyer gave (no phone)');
      const kept = await app.privacy.read(db, { subject, actor: system, purpose: 'fulfillment', categories: ['user.behavior.purchase_history'], ref: orderRef(order.id) });
      assert.deepEqual(kept.values['user.behavior.purchase_history'], { carrier: 'DHL', tracking: TRACKING });

      // Support moves orders along too, but reads them under order-status: tracking, no address.
      const support = await staffClient(app, db, { name: 'Araminta Coldwell', email: 'araminta@shop.example', role: 'support', password });
      const seen = await support.get(`/staff/orders/${order.number}`);
      assert.equal(seen.statusCode, 200);
      assert.ok(seen.body.includes(TRACKING));
      assert.ok(!seen.body.includes(buyer.address));
      assert.match(seen.body, /Not shown to your role/);

      const signedOut = await app.inject({ method: 'GET', url: `/staff/orders/${order.number}`, headers: { accept: 'text/html' } });
      assert.equal(signedOut.statusCode, 303);
      assert.equal(signedOut.headers.location, '/staff/login');
    } finally {
      await app.close();
    }
  },
);

testEachDatabase('the staff orders API lists, shows and moves orders with a personal API token; errors name the field or the allowed steps', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const { db } = database;
    const { order } = await paidOrder(app, db, { physical: false });
    const staffHeaders = await staffTokenHeaders(app, db, 'owner');
    const ownerId = (await sql<{ id: string }>`select id from accounts_users where kind = 'staff'`.execute(db)).rows[0]!.id;
    const call = (method: 'GET' | 'POST', url: string, payload?: unknown) => app.inject({ method, url, headers: staffHeaders, ...(payload ? { payload: payload as object } : {}) });

    assert.equal((await app.inject({ method: 'GET', url: '/api/staff/orders' })).statusCode, 401);
    const list = await call('GET', '/api/staff/orders?status=paid');
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json().items.map((o: { number: string }) => o.number),
      [order.number],
    );
    const shown = await call('GET', `/api/staff/orders/${order.number}`);
    assert.equal(shown.statusCode, 200);
    assert.deepEqual([...shown.json().next].sort(), ['cancelled', 'completed', 'fulfilling', 'on_hold', 'refunded'], 'a digital order may be completed once paid');
    assert.equal(shown.json().lines.length, 2);

    const illegal = await call('POST', `/api/staff/orders/${order.number}/transitions`, { to: 'shipped', carrier: 'DHL', tracking: TRACKING });
    assert.equal(illegal.statusCode, 409);
    assert.equal(illegal.json().error.code, 'ORDER_TRANSITION_INVALID');
    assert.match(illegal.json().error.message, /is paid; it cannot become shipped/);
    const noReason = await call('POST', `/api/staff/orders/${order.number}/transitions`, { to: 'on_hold' });
    assert.equal(noReason.statusCode, 400);
    assert.equal(noReason.json().error.fields[0].field, 'body.reason');
    const tooMuch = await call('POST', `/api/staff/orders/${order.number}/transitions`, { to: 'refunded', amount_minor: 1_000_000 });
    assert.equal(tooMuch.statusCode, 400);
    assert.equal(tooMuch.json().error.fields[0].field, 'body.amount_minor');

    const cancelled = await call('POST', `/api/staff/orders/${order.number}/transitions`, { to: 'cancelled', reason: 'customer_request' });
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    assert.equal(cancelled.json().status, 'cancelled');
    assert.equal(cancelled.json().refunded_minor, order.total_minor, 'a cancellation after payment notes the amount to give back');
    assert.deepEqual(cancelled.json().history.at(-1), { ...cancelled.json().history.at(-1), to: 'cancelled', actor: `staff:${ownerId}`, reason: 'customer_request', amount_minor: order.total_minor });
    assert.deepEqual(cancelled.json().next, []);

    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    assert.ok(spec.paths['/api/staff/orders/{number}/transitions'], 'the API is published');
  } finally {
    await app.close();
  }
});
