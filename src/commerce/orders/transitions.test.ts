import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { mailFixture } from '../../comms/testing/mail-fixture.ts';
import { startSmtpSink, type ReceivedMail } from '../../comms/testing/smtp-sink.ts';
import type { Db } from '../../platform/db/database.ts';
import { isAppError } from '../../platform/errors.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { isPrivacyRefusal, staffActor } from '../../privacy/index.ts';
import { testActor, testKernel } from '../../privacy/testing.ts';
import { orderRef } from './deps.ts';
import { statusTemplate } from './mail.ts';
import { receiptTemplate } from './receipt.ts';
import { createOrder, getOrder } from './orders.ts';
import { buyer, pricedCart, testCustomer, testDeps } from './test-support.ts';
import { transitionOrder } from './transitions.ts';

const checkout = testActor('checkout');
const packer = staffActor(randomUUID(), 'fulfilment');
const TRACKING = '1Z999AA10123456784';

async function counts(db: Db) {
  const { rows } = await sql<{ transitions: number; outbox: number }>`
    select (select count(*)::int from orders_transitions) as transitions, (select count(*)::int from comms_outbox) as outbox`.execute(db);
  return rows[0]!;
}

testEachDatabase('each order state change mails the buyer over SMTP (the payment: a receipt): number, status, what happens next, tracking when shipped, a link to the order', async (database, t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.stop());
  const f = await mailFixture(database, { SMTP_URL: sink.url, PUBLIC_URL: 'https://shop.example' }, [statusTemplate, receiptTemplate]);
  t.after(() => f.stop());
  const { db } = database;
  const deps = testDeps(f.kernel, 'https://shop.example');
  const id = randomUUID();
  const subject = await testCustomer(f.kernel, db, id);
  const order = await createOrder(deps, db, { id, customerSubject: subject, customerUserId: null, priced: pricedCart(), paymentMethod: 'card', fulfilment: 'ship', actor: checkout });
  await transitionOrder(deps, db, { orderId: id, to: 'paid', actor: checkout });
  await transitionOrder(deps, db, { orderId: id, to: 'fulfilling', actor: packer });
  await transitionOrder(deps, db, { orderId: id, to: 'shipped', actor: packer, carrier: 'DHL', tracking: TRACKING });
  await f.startWorker();

  const mails: ReceivedMail[] = [];
  for (let i = 0; i < 3; i++) mails.push(await sink.waitForMail((m) => !mails.includes(m)));
  const bySubject = new Map(mails.map((m) => [m.subject, m]));
  const receiptSubject = `Receipt for your order ${order.number} at ${f.config.shopName}`;
  assert.deepEqual([...bySubject.keys()].sort(), [`Order ${order.number}: Being prepared`, receiptSubject, `Order ${order.number}: Shipped`].sort());
  for (const m of mails) {
    assert.deepEqual(m.to, [buyer.email]);
    assert.ok(m.text.includes(`https://shop.example/account/orders/${order.number}`), 'links to the order page');
  }
  const paid = bySubject.get(receiptSubject)!;
  assert.match(paid.text, /We have your payment; this is your receipt/);
  assert.doesNotMatch(paid.text, /Tracking number/);
  const shipped = bySubject.get(`Order ${order.number}: Shipped`)!;
  assert.match(shipped.text, /on its way/);
  assert.ok(shipped.text.includes(`Carrier: DHL`));
  assert.ok(shipped.text.includes(`Tracking number: ${TRACKING}`), 'the tracking number, read through the kernel at send time');
  assert.ok(shipped.html?.includes(TRACKING));

  const { rows } = await sql<{ text: string }>`select coalesce(string_agg(row_to_json(o)::text, ' '), '') as text from comms_outbox o`.execute(db);
  assert.ok(!rows[0]!.text.includes(TRACKING), 'the outbox never holds the tracking number');
});

testEachDatabase('an illegal transition is a 409 that names the order and the allowed next states, and writes nothing', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const deps = testDeps(kernel);
  const id = randomUUID();
  const subject = await testCustomer(kernel, db, id);
  const order = await createOrder(deps, db, { id, customerSubject: subject, customerUserId: null, priced: pricedCart(), paymentMethod: 'card', fulfilment: 'ship', actor: checkout });
  const before = await counts(db);
  await assert.rejects(transitionOrder(deps, db, { orderId: id, to: 'shipped', actor: packer, carrier: 'DHL', tracking: TRACKING }), (err) => {
    assert.ok(isAppError(err));
    assert.equal(err.code, 'ORDER_TRANSITION_INVALID');
    assert.equal(err.status, 409);
    assert.equal(err.message, `Order ${order.number} is awaiting payment; it cannot become shipped. It can become: paid, on_hold, cancelled.`);
    return true;
  });
  await assert.rejects(transitionOrder(deps, db, { orderId: id, to: 'delivered' as never, actor: packer }), (err) => isAppError(err) && err.status === 409);
  await assert.rejects(transitionOrder(deps, db, { orderId: id, to: 'lost' as never, actor: packer }), (err) => isAppError(err) && err.fields[0]?.field === 'to');
  await assert.rejects(transitionOrder(deps, db, { orderId: id, to: 'cancelled', actor: packer }), (err) => isAppError(err) && err.fields[0]?.field === 'reason');
  await assert.rejects(transitionOrder(deps, db, { orderId: randomUUID(), to: 'paid', actor: packer }), (err) => isAppError(err) && err.status === 404);
  assert.deepEqual(await counts(db), before);
  assert.equal((await getOrder(db, id))?.status, 'pending_payment');
  assert.deepEqual(await kernel.disclosuresOf(db, { subject, actor: testActor('test'), purpose: 'fulfillment' }), [], 'nothing disclosed to a carrier');
  const shipment = await kernel.read(db, { subject, actor: packer, purpose: 'fulfillment', categories: ['user.behavior.purchase_history'], ref: orderRef(id) });
  assert.equal(shipment.values['user.behavior.purchase_history'], undefined, 'no tracking number stored');
});

testEachDatabase(
  'shipping keeps carrier and tracking through the kernel under the order and discloses name, shipping address and phone to the carrier; the kernel refuses the carrier a field it is not declared for, and a recipient the data map does not name',
  async ({ db }) => {
    const { kernel } = await testKernel(db);
    const deps = testDeps(kernel);
    const id = randomUUID();
    const subject = await testCustomer(kernel, db, id);
    await createOrder(deps, db, { id, customerSubject: subject, customerUserId: null, priced: pricedCart(), paymentMethod: 'card', fulfilment: 'ship', actor: checkout });
    await transitionOrder(deps, db, { orderId: id, to: 'paid', actor: checkout });
    await transitionOrder(deps, db, { orderId: id, to: 'fulfilling', actor: packer });
    await assert.rejects(transitionOrder(deps, db, { orderId: id, to: 'shipped', actor: packer, carrier: 'DHL' }), (err) => isAppError(err) && err.fields[0]?.field === 'tracking');
    await assert.rejects(transitionOrder(deps, db, { orderId: id, to: 'shipped', actor: packer, tracking: TRACKING }), (err) => isAppError(err) && err.fields[0]?.field === 'carrier');
    await transitionOrder(deps, db, { orderId: id, to: 'shipped', actor: packer, carrier: 'DHL', tracking: TRACKING });

    const record = await kernel.read(db, { subject, actor: packer, purpose: 'fulfillment', categories: ['user.behavior.purchase_history'], ref: orderRef(id) });
    assert.deepEqual(record.values['user.behavior.purchase_history'], { carrier: 'DHL', tracking: TRACKING });
    const disclosures = await kernel.disclosuresOf(db, { subject, order: id, actor: testActor('test'), purpose: 'fulfillment' });
    assert.equal(disclosures.length, 1);
    assert.equal(disclosures[0]!.recipient, 'carriers');
    assert.equal(disclosures[0]!.basis, 'fulfillment');
    assert.equal(disclosures[0]!.recipientRef, 'DHL');
    // Asked for what the carrier is declared to receive; released what the buyer gave (no phone here).
    assert.deepEqual([...disclosures[0]!.asked].sort(), ['user.contact.address', 'user.contact.phone_number', 'user.name']);
    assert.deepEqual([...disclosures[0]!.categories].sort(), ['user.contact.address', 'user.name']);

    // More than the carrier is declared for, or a recipient outside the data map: refused, nothing ledgered.
    const share = { subject, recipient: 'carriers', recipientRef: 'DHL', purpose: 'fulfillment', basis: 'fulfillment', order: id, ref: orderRef(id), actor: packer };
    await assert.rejects(kernel.disclose(db, { ...share, categories: ['user.name', 'user.contact.email'] }), (err) => isPrivacyRefusal(err) && err.reason === 'recipient-may-not-receive');
    await assert.rejects(kernel.disclose(db, { ...share, recipient: 'ad-network', categories: ['user.name'] }), (err) => isPrivacyRefusal(err) && err.reason === 'unknown-recipient');
    assert.equal((await kernel.disclosuresOf(db, { subject, order: id, actor: testActor('test'), purpose: 'fulfillment' })).length, 1, 'nothing more was ledgered');

    const { rows } = await sql<{ text: string }>`select (select json_agg(o)::text from orders o) || (select json_agg(t)::text from orders_transitions t) as text`.execute(db);
    assert.ok(!rows[0]!.text.includes(TRACKING), 'the order tables never hold the tracking number');
  },
);
