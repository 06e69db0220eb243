// Refunds move money: staff refunding an order, or cancelling it after payment, refund the payment
// at the processor in the same transaction as the order's step (decision 0021).
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { refundOnTransition } from '../src/commerce/checkout/index.ts';
import { historyOf, linesOf, ordersDeps, getOrder } from '../src/commerce/orders/index.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import type { Db } from '../src/platform/db/database.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { staffActor } from '../src/privacy/index.ts';
import { paidCardOrder, sandboxSession } from './checkout-support.ts';
import { staffClient, staffTokenHeaders } from '../src/accounts/testing.ts';

const count = async (db: Db, table: string) => (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]!.n;

testEachDatabase('refunds: staff cancel a paid card order and the processor refunds it; a second cancel or a replayed listener never refunds more than was paid', async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const { app } = bed;
  const order = await paidCardOrder(bed, database.db);
  const staffHeaders = await staffTokenHeaders(app, database.db, 'owner');
  assert.equal((await sandboxSession(bed, order.processorRef)).status, 'succeeded');

  const cancel = () => app.inject({ method: 'POST', url: `/api/staff/orders/${order.number}/transitions`, headers: staffHeaders, payload: { to: 'cancelled', reason: 'out_of_stock' } });
  const res = await cancel();
  assert.equal(res.statusCode, 200, res.body);
  const atProcessor = await sandboxSession(bed, order.processorRef);
  assert.equal(atProcessor.refunded_minor, order.totalMinor);
  assert.equal(atProcessor.status, 'refunded');
  const {
    rows: [payment],
  } = await sql<{ status: string; refunded_minor: number }>`select status, refunded_minor from payments_attempts`.execute(database.db);
  assert.deepEqual(payment, { status: 'refunded', refunded_minor: order.totalMinor });
  assert.equal((await getOrder(database.db, order.orderId))!.refunded_minor, order.totalMinor);

  // Cancelling again is refused by the state machine; nothing more goes back.
  assert.equal((await cancel()).statusCode, 409);
  // The listener told the same transition twice (a retried delivery) refunds once.
  const last = (await historyOf(database.db, order.orderId)).at(-1)!;
  const current = (await getOrder(database.db, order.orderId))!;
  const replay = {
    order: current,
    from: 'paid' as const,
    to: 'cancelled' as const,
    transitionId: last.id,
    actor: staffActor('00000000-0000-4000-8000-000000000001', 'owner'),
    reason: last.reason,
    refundMinor: order.totalMinor,
    returned: 'all' as const,
    lines: () => linesOf(database.db, order.orderId),
    current: () => current,
  };
  await database.db.transaction().execute((trx) => refundOnTransition(trx, replay, ordersDeps(app)));
  assert.equal((await sandboxSession(bed, order.processorRef)).refunded_minor, order.totalMinor);
  assert.equal(await count(database.db, 'payments_refunds'), 1);
});

testEachDatabase('refunds: a partial refund gives back exactly the amount staff typed', async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const order = await paidCardOrder(bed, database.db);
  const headers = await staffTokenHeaders(bed.app, database.db, 'owner');
  const res = await bed.app.inject({ method: 'POST', url: `/api/staff/orders/${order.number}/transitions`, headers, payload: { to: 'refunded', amount_minor: 500 } });
  assert.equal(res.statusCode, 200, res.body);
  const atProcessor = await sandboxSession(bed, order.processorRef);
  assert.equal(atProcessor.refunded_minor, 500);
  assert.equal(atProcessor.status, 'succeeded', 'the rest stays paid');
  assert.equal((await sql<{ refunded_minor: number }>`select refunded_minor from payments_attempts`.execute(database.db)).rows[0]!.refunded_minor, 500);
});

testEachDatabase('refunds: on the console staff type the amount in the currency, confirm a page stating it, and the processor gives back exactly that', async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const { app } = bed;
  const order = await paidCardOrder(bed, database.db);
  const owner = await staffClient(app, database.db, { name: 'Cordelia Ravensworth', email: 'cordelia@shop.example', role: 'owner', password: 'granite-heron-58-waits-patiently' });
  const page = await owner.get(`/staff/orders/${order.number}`);
  assert.match(page.body, /Amount to refund \(USD\)/);
  const refund = (form: Record<string, string>) => owner.post(`/staff/orders/${order.number}/transition`, { to: 'refunded', reason: '', ...form });

  const tooMuch = await refund({ amount: '100000' });
  assert.equal(tooMuch.statusCode, 400);
  assert.match(tooMuch.body, /amount: must be more than 0 and at most/);
  assert.equal((await refund({ amount: '4.567' })).statusCode, 400, 'more decimals than the currency has');

  const asked = await refund({ amount: '12.5' });
  assert.equal(asked.statusCode, 200);
  assert.match(asked.body, /Refund 12\.50 USD on order C-[0-9]+\?/);
  assert.match(asked.body, /12\.50 USD goes back to the buyer through the payment processor/);
  assert.match(asked.body, /name="confirm" value="1"/);
  assert.equal((await getOrder(database.db, order.orderId))!.status, 'paid', 'nothing moves before the confirmation');
  assert.equal((await sandboxSession(bed, order.processorRef)).refunded_minor, 0);

  const done = await owner.post(`/staff/orders/${order.number}/transition`, { to: 'refunded', reason: '', amount: '12.50', confirm: '1' });
  assert.equal(done.statusCode, 303, done.body);
  assert.equal((await sandboxSession(bed, order.processorRef)).refunded_minor, 1250);
  assert.equal((await getOrder(database.db, order.orderId))!.refunded_minor, 1250);
  const history = (await owner.get(`/staff/orders/${order.number}`)).body;
  assert.match(history, /\$12\.50 back/);
  assert.match(history, /<td data-label="By">Cordelia Ravensworth<\/td>/);
  // Posting the confirmation again (a double click) refunds nothing more: the order cannot change any more.
  assert.equal((await owner.post(`/staff/orders/${order.number}/transition`, { to: 'refunded', reason: '', amount: '12.50', confirm: '1' })).statusCode, 409);
  assert.equal(await count(database.db, 'payments_refunds'), 1);
});

testEachDatabase('refunds: cancelling a paid order on the console first states the order and the amount refunded and changes nothing; the confirmed post cancels and refunds', async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const { app } = bed;
  const order = await paidCardOrder(bed, database.db);
  const owner = await staffClient(app, database.db, { name: 'Cordelia Ravensworth', email: 'cordelia@shop.example', role: 'owner', password: 'granite-heron-58-waits-patiently' });
  await owner.get(`/staff/orders/${order.number}`);
  const before = { transitions: await count(database.db, 'orders_transitions'), outbox: await count(database.db, 'comms_outbox'), refunds: await count(database.db, 'payments_refunds') };
  const cancel = (form: Record<string, string>) => owner.post(`/staff/orders/${order.number}/transition`, { to: 'cancelled', ...form });

  // A missing reason is said at once, not after a confirmation.
  const noReason = await cancel({ reason: '' });
  assert.equal(noReason.statusCode, 400);
  assert.match(noReason.body, /reason: is required to make an order cancelled/);

  const total = `${(order.totalMinor / 100).toFixed(2)} USD`;
  const asked = await cancel({ reason: 'out_of_stock' });
  assert.equal(asked.statusCode, 200, asked.body);
  assert.ok(asked.body.includes(`Cancel order ${order.number} and refund ${total}?`), asked.body);
  assert.ok(asked.body.includes(`The order is cancelled and ${total} goes back to the buyer through the payment processor`));
  assert.match(asked.body, /name="confirm" value="1"/);
  assert.match(asked.body, /name="reason" value="out_of_stock"/);
  assert.equal((await getOrder(database.db, order.orderId))!.status, 'paid', 'nothing moves before the confirmation');
  assert.equal((await sandboxSession(bed, order.processorRef)).refunded_minor, 0);
  assert.deepEqual({ transitions: await count(database.db, 'orders_transitions'), outbox: await count(database.db, 'comms_outbox'), refunds: await count(database.db, 'payments_refunds') }, before);

  // A confirmation for an amount no longer open (a refund in between) asks again with the new amount.
  const amount = /name="amount" value="([^"]+)"/.exec(asked.body)?.[1] ?? '';
  assert.equal(amount, (order.totalMinor / 100).toFixed(2));
  const stale = await cancel({ reason: 'out_of_stock', amount: '1.00', confirm: '1' });
  assert.equal(stale.statusCode, 200);
  assert.match(stale.body, /name="confirm" value="1"/);
  assert.equal((await getOrder(database.db, order.orderId))!.status, 'paid');

  const done = await cancel({ reason: 'out_of_stock', amount, confirm: '1' });
  assert.equal(done.statusCode, 303, done.body);
  const after = (await getOrder(database.db, order.orderId))!;
  assert.equal(after.status, 'cancelled');
  assert.equal(after.refunded_minor, order.totalMinor);
  assert.equal((await sandboxSession(bed, order.processorRef)).refunded_minor, order.totalMinor);
  assert.equal((await historyOf(database.db, order.orderId)).at(-1)!.reason, 'out_of_stock');
  // The confirmation posted again (a double click) is refused by the state machine; nothing more goes back.
  assert.equal((await cancel({ reason: 'out_of_stock', amount, confirm: '1' })).statusCode, 409);
  assert.equal(await count(database.db, 'payments_refunds'), 1);
});

testEachDatabase('refunds: with the processor down the cancellation fails with 503 and nothing is written', async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const order = await paidCardOrder(bed, database.db);
  const headers = await staffTokenHeaders(bed.app, database.db, 'owner');
  const before = { transitions: await count(database.db, 'orders_transitions'), outbox: await count(database.db, 'comms_outbox'), refunds: await count(database.db, 'payments_refunds') };
  await bed.sandbox.stop();
  const res = await bed.app.inject({ method: 'POST', url: `/api/staff/orders/${order.number}/transitions`, headers, payload: { to: 'cancelled', reason: 'out_of_stock' } });
  assert.equal(res.statusCode, 503, res.body);
  assert.equal(res.json().error.code, 'PAYMENT_PROCESSOR_UNAVAILABLE');
  const after = await getOrder(database.db, order.orderId);
  assert.equal(after!.status, 'paid');
  assert.equal(after!.refunded_minor, 0);
  assert.deepEqual({ transitions: await count(database.db, 'orders_transitions'), outbox: await count(database.db, 'comms_outbox'), refunds: await count(database.db, 'payments_refunds') }, before);
  assert.equal((await sql<{ status: string }>`select status from payments_attempts`.execute(database.db)).rows[0]!.status, 'succeeded');
});
