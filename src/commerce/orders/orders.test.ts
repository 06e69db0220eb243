import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { isAppError } from '../../platform/errors.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { staffActor } from '../../privacy/index.ts';
import { testActor, testKernel } from '../../privacy/testing.ts';
import { createOrder, getOrder, getOrderByNumber, historyOf, linesOf, ordersOfCustomer } from './orders.ts';
import { type TransitionListener, transitionOrder } from './transitions.ts';
import { pricedCart, testCustomer, testDeps } from './test-support.ts';

const checkout = testActor('checkout');
const fulfilment = staffActor(randomUUID(), 'fulfilment');

testEachDatabase('createOrder stores the order in pending payment with a C- number, line snapshots and no personal data', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const deps = testDeps(kernel);
  const subject = await testCustomer(kernel, db);
  const priced = pricedCart();
  const order = await db.transaction().execute((trx) => createOrder(deps, trx, { customerSubject: subject, customerUserId: null, priced, paymentMethod: 'card', fulfilment: 'ship', actor: checkout }));
  assert.equal(order.status, 'pending_payment');
  assert.match(order.number, /^C-\d{6}$/);
  assert.equal(order.total_minor, priced.totalMinor);
  const second = await createOrder(deps, db, { customerSubject: subject, customerUserId: null, priced, paymentMethod: 'card', fulfilment: 'ship', actor: checkout });
  assert.equal(Number(second.number.slice(2)), Number(order.number.slice(2)) + 1);

  assert.deepEqual((await getOrder(db, order.id))?.number, order.number);
  assert.deepEqual((await getOrderByNumber(db, order.number))?.id, order.id);
  assert.deepEqual((await ordersOfCustomer(db, subject)).map((o) => o.number).sort(), [order.number, second.number].sort());
  assert.deepEqual(await ordersOfCustomer(db, randomUUID()), []);
  const lines = await linesOf(db, order.id);
  assert.deepEqual(
    lines.map((l) => [l.sku, l.quantity, l.unit_minor, l.total_minor]),
    priced.lines.map((l) => [l.sku, l.quantity, l.unitMinor, l.totalMinor]),
  );
  const history = await historyOf(db, order.id);
  assert.deepEqual(
    history.map((h) => [h.from_status, h.to_status, h.actor_ref]),
    [[null, 'pending_payment', 'system:checkout']],
  );

  const { rows } = await sql<{
    json: string;
  }>`select (select json_agg(o)::text from orders o) || (select json_agg(l)::text from orders_lines l) || (select json_agg(t)::text from orders_transitions t) as json`.execute(db);
  assert.doesNotMatch(rows[0]!.json, /Ottoline|Fairweather|example\.com|Quillfeather/);
});

testEachDatabase('createOrder refuses priced carts whose sums do not add up, naming the field', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const deps = testDeps(kernel);
  const subject = await testCustomer(kernel, db);
  const base = { customerSubject: subject, customerUserId: null, paymentMethod: 'card', fulfilment: 'ship' as const, actor: checkout };
  const bad = async (priced: ReturnType<typeof pricedCart>, field: string, extra: Partial<typeof base> = {}) => {
    await assert.rejects(createOrder(deps, db, { ...base, ...extra, priced }), (err) => isAppError(err) && err.code === 'VALIDATION_FAILED' && err.fields[0]?.field === field);
  };
  await bad({ ...pricedCart(), totalMinor: 1 }, 'priced.totalMinor');
  await bad({ ...pricedCart(), subtotalMinor: 1 }, 'priced.subtotalMinor');
  await bad({ ...pricedCart(), lines: [] }, 'priced.lines');
  await bad(pricedCart(), 'fulfilment', { fulfilment: 'digital' as never });
  const count = await sql<{ n: number }>`select count(*)::int as n from orders`.execute(db);
  assert.equal(count.rows[0]!.n, 0);
});

testEachDatabase('transitionOrder records each step with a pseudonymous actor and tells the listeners, inside one transaction', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const events: string[] = [];
  const listener: TransitionListener = async (_trx, e) => {
    events.push(`${e.from}>${e.to}:${e.refundMinor ?? '-'}`);
  };
  const deps = { ...testDeps(kernel), listeners: { orderTransition: [listener] } };
  const subject = await testCustomer(kernel, db);
  const order = await createOrder(deps, db, { customerSubject: subject, customerUserId: null, priced: pricedCart({ physical: false }), paymentMethod: 'card', fulfilment: 'digital', actor: checkout });
  await transitionOrder(deps, db, { orderId: order.id, to: 'paid', actor: testActor('payments.settle') });
  await transitionOrder(deps, db, { orderId: order.id, to: 'completed', actor: fulfilment });
  const refunded = await transitionOrder(deps, db, { orderId: order.id, to: 'refunded', actor: fulfilment, amountMinor: 500, reason: 'damaged' });
  assert.equal(refunded.order.refunded_minor, 500);
  assert.deepEqual(events, ['pending_payment>paid:-', 'paid>completed:-', 'completed>refunded:500']);
  const history = await historyOf(db, order.id);
  assert.deepEqual(
    history.map((h) => [h.from_status, h.to_status, h.actor_ref, h.amount_minor]),
    [
      [null, 'pending_payment', 'system:checkout', null],
      ['pending_payment', 'paid', 'system:payments.settle', null],
      ['paid', 'completed', `staff:${(fulfilment as { staffId: string }).staffId}`, null],
      ['completed', 'refunded', `staff:${(fulfilment as { staffId: string }).staffId}`, 500],
    ],
  );
});

testEachDatabase('a listener that throws undoes the whole step', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const deps = testDeps(kernel);
  const subject = await testCustomer(kernel, db);
  const order = await createOrder(deps, db, { customerSubject: subject, customerUserId: null, priced: pricedCart(), paymentMethod: 'card', fulfilment: 'ship', actor: checkout });
  await transitionOrder(deps, db, { orderId: order.id, to: 'paid', actor: checkout });
  const failing: TransitionListener = async () => {
    throw new Error('refund failed');
  };
  await assert.rejects(transitionOrder({ ...deps, listeners: { orderTransition: [failing] } }, db, { orderId: order.id, to: 'cancelled', actor: fulfilment, reason: 'out_of_stock' }), /refund failed/);
  assert.equal((await getOrder(db, order.id))?.status, 'paid');
  assert.equal((await historyOf(db, order.id)).length, 2);
});

testEachDatabase('on hold remembers where it came from and releases back there', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const deps = testDeps(kernel);
  const subject = await testCustomer(kernel, db);
  const order = await createOrder(deps, db, { customerSubject: subject, customerUserId: null, priced: pricedCart(), paymentMethod: 'invoice', fulfilment: 'ship', actor: checkout });
  await transitionOrder(deps, db, { orderId: order.id, to: 'on_hold', actor: checkout, reason: 'awaiting_credit' });
  await assert.rejects(transitionOrder(deps, db, { orderId: order.id, to: 'paid', actor: fulfilment }), (err) => isAppError(err) && err.code === 'ORDER_TRANSITION_INVALID');
  const released = await transitionOrder(deps, db, { orderId: order.id, to: 'pending_payment', actor: fulfilment });
  assert.equal(released.order.status, 'pending_payment');
  assert.equal(released.order.held_from, null);
});
