// Invoice orders leave the hold: staff ask for the credit check (a disclosure request), the DPO
// approves it in the DPO console, staff record the agency's answer. Approved: the name and invoice
// address go to the agency under that approval (the buyer sees it in "who received my data"), the
// order waits for the invoice to be paid. Refused: cancelled with the reason, stock back, buyer mailed.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { staffClient, staffTokenHeaders } from '../src/accounts/testing.ts';
import { makeShop, newClient } from '../src/commerce/cart/testing.ts';
import type { Db } from '../src/platform/db/database.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { testActor } from '../src/privacy/testing.ts';
import type { FastifyInstance } from 'fastify';
import { addToCart, address, keyOf } from './checkout-support.ts';

const password = 'granite-heron-58-waits-patiently';
const billing = { organization: 'Difference Engines Ltd', billing_line1: '1 Babbage Court', billing_line2: '', billing_postal_code: 'N1 1AA', billing_city: 'London', billing_country: 'GB' };
const stockOf = async (db: Db) => (await sql<{ stock: number }>`select stock from catalogue_variants where sku = 'RTR-1'`.execute(db)).rows[0]!.stock;
const statusMails = async (db: Db) => (await sql<{ n: number }>`select count(*)::int as n from comms_outbox where idempotency_key like 'orders.status:%'`.execute(db)).rows[0]!.n;
const orderRow = async (db: Db, number: string) =>
  (await sql<{ id: string; status: string; customer_subject: string }>`select id, status, customer_subject from orders where number = ${number}`.execute(db)).rows[0]!;
const checkRow = async (db: Db, orderId: string) =>
  (await sql<{ state: string; approval_id: string | null; reason: string | null }>`select state, approval_id, reason from checkout_credit_approvals where order_id = ${orderId}`.execute(db)).rows[0]!;

async function invoiceOrder(app: FastifyInstance, shop: { rtr1: string }, who: { name: string; email: string }): Promise<string> {
  const buyer = newClient(app);
  await addToCart(buyer, 'router', shop.rtr1);
  const form = await buyer.get('/checkout?method=invoice');
  const res = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'invoice', ...who, age: 'adult', ...address, ...billing });
  assert.equal(res.statusCode, 303, res.body);
  const done = await buyer.get(res.headers.location as string);
  return /C-\d+/.exec(done.body)![0];
}

testEachDatabase(
  '[P002-03][P000-03] an invoice order leaves the hold: credit check asked, approved by the DPO, disclosed to the agency under that approval, released; then marked paid',
  async (database) => {
    const { app } = await buildTestApp(database, { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency' });
    try {
      const { db } = database;
      const shop = await makeShop(db);
      const number = await invoiceOrder(app, shop, { name: 'Ada Lovelace', email: 'ada@example.com' });
      const order = await orderRow(db, number);
      assert.equal(order.status, 'on_hold');

      const accountant = await staffClient(app, db, { name: 'Abel Ledger', email: 'abel@shop.example', role: 'accountant', password });
      const dpo = await staffClient(app, db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password });
      const packer = await staffClient(app, db, { name: 'Leopold Hawthorne', email: 'leopold@shop.example', role: 'fulfilment', password });
      assert.equal((await packer.get(`/staff/credit/${number}`)).statusCode, 403, 'the data map gives fulfilment no credit-check purpose');

      const list = await accountant.get('/staff/credit');
      assert.equal(list.statusCode, 200);
      assert.ok(list.body.includes(`href="/staff/credit/${number}"`));
      const page = await accountant.get(`/staff/credit/${number}`);
      assert.match(page.body, /Ask for a credit check/);
      assert.doesNotMatch(page.body, /Ada|Lovelace|Babbage/, 'no personal value on the staff page');
      const asked = await accountant.post(`/staff/credit/${number}/request`, {});
      assert.equal(asked.statusCode, 303, asked.body);
      const requested = await checkRow(db, order.id);
      assert.equal(requested.state, 'requested');
      assert.ok(requested.approval_id);

      // Before the DPO approves, the answer cannot be recorded as approved: nothing is disclosed, the order stays held.
      assert.match((await accountant.get(`/staff/credit/${number}`)).body, /Asked: the DPO sees the request/, 'the flash notice after the redirect');
      const early = await accountant.post(`/staff/credit/${number}/decision`, { decision: 'approved', reason: '' });
      assert.equal(early.statusCode, 409, early.body);
      assert.match(early.body, /approv/);
      assert.equal((await orderRow(db, number)).status, 'on_hold');
      assert.equal(
        (await app.privacy.disclosuresOf(db, { subject: order.customer_subject, order: order.id, actor: testActor('test'), purpose: 'fulfillment' })).filter((d) => d.recipient === 'credit-agency')
          .length,
        0,
      );

      // The DPO console lists the request; the DPO approves it.
      const console = await dpo.get('/staff/dpo');
      assert.ok(console.body.includes(`action="/staff/dpo/disclosures/${requested.approval_id}"`));
      assert.equal((await dpo.post(`/staff/dpo/disclosures/${requested.approval_id}`, { decision: 'approved' })).statusCode, 200);

      const mailsBefore = await statusMails(db);
      await accountant.get(`/staff/credit/${number}`);
      const decided = await accountant.post(`/staff/credit/${number}/decision`, { decision: 'approved', reason: 'within_limit' });
      assert.equal(decided.statusCode, 303, decided.body);
      assert.equal((await orderRow(db, number)).status, 'pending_payment', 'released: waits for the invoice to be paid');
      assert.equal((await checkRow(db, order.id)).state, 'approved');
      assert.equal(await statusMails(db), mailsBefore + 1, 'the buyer is mailed');
      // "Who received my data" (the buyer's order page reads this): the credit agency, name and address, on basis credit-risk.
      const agency = (await app.privacy.disclosuresOf(db, { subject: order.customer_subject, order: order.id, actor: testActor('test'), purpose: 'fulfillment' })).filter(
        (d) => d.recipient === 'credit-agency',
      );
      assert.equal(agency.length, 1);
      assert.deepEqual([...agency[0]!.categories].sort(), ['user.contact.address', 'user.name']);
      assert.equal(agency[0]!.basis, 'credit-risk');
      // The approval was used once: recording again is refused.
      assert.equal((await accountant.post(`/staff/credit/${number}/decision`, { decision: 'approved' })).statusCode, 409);

      // The invoice is paid: staff mark the order paid.
      const paid = await app.inject({ method: 'POST', url: `/api/staff/orders/${number}/transitions`, headers: await staffTokenHeaders(app, db, 'owner'), payload: { to: 'paid' } });
      assert.equal(paid.statusCode, 200, paid.body);
      assert.equal((await orderRow(db, number)).status, 'paid');
    } finally {
      await app.close();
    }
  },
);

testEachDatabase('[P002-03] credit refused (JSON API): the order is cancelled with the reason, its stock released, the buyer mailed, nothing disclosed', async (database) => {
  const { app } = await buildTestApp(database, { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency' });
  try {
    const { db } = database;
    const shop = await makeShop(db);
    const stock = await stockOf(db);
    const number = await invoiceOrder(app, shop, { name: 'Charles Babbage', email: 'charles@example.com' });
    const order = await orderRow(db, number);
    assert.equal(await stockOf(db), stock - 1);

    const owner = await staffClient(app, db, { name: 'Cordelia Ravensworth', email: 'cordelia@shop.example', role: 'owner', password });
    assert.match((await owner.get(`/staff/orders/${number}`)).body, new RegExp(`href="/staff/credit/${number}"`), 'the staff order page links to the credit check');
    const early = await owner.json('POST', `/api/staff/orders/${number}/credit-decision`, { decision: 'refused' });
    assert.equal(early.statusCode, 409, 'asked first');
    const asked = await owner.json('POST', `/api/staff/orders/${number}/credit-check`, {});
    assert.equal(asked.statusCode, 200, asked.body);
    assert.equal(asked.json().state, 'requested');
    assert.equal((await owner.json('POST', `/api/staff/orders/${number}/credit-check`, {})).statusCode, 409, 'asked once');
    const bad = await owner.json('POST', `/api/staff/orders/${number}/credit-decision`, { decision: 'maybe' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /decision/);
    // Why the agency refused is a code from a fixed list; typed text is refused and kept nowhere.
    const typed = await owner.json('POST', `/api/staff/orders/${number}/credit-decision`, { decision: 'refused', reason: 'Mr Babbage owes us 4000' });
    assert.equal(typed.statusCode, 400);
    assert.equal(typed.json().error.fields[0].field, 'body.reason');

    const mailsBefore = await statusMails(db);
    const refused = await owner.json('POST', `/api/staff/orders/${number}/credit-decision`, { decision: 'refused', reason: 'over_limit' });
    assert.equal(refused.statusCode, 200, refused.body);
    assert.deepEqual({ state: refused.json().state, order_status: refused.json().order_status }, { state: 'rejected', order_status: 'cancelled' });
    assert.equal(await stockOf(db), stock, 'the stock is back');
    assert.equal(await statusMails(db), mailsBefore + 1, 'the buyer is mailed');
    const {
      rows: [last],
    } = await sql<{ reason: string }>`select reason from orders_transitions where order_id = ${order.id} order by seq desc limit 1`.execute(db);
    assert.equal(last!.reason, 'credit_refused');
    assert.equal((await checkRow(db, order.id)).reason, 'over_limit');
    assert.equal(JSON.stringify((await sql`select * from checkout_credit_approvals`.execute(db)).rows).includes('Babbage'), false);
    assert.equal(
      (await app.privacy.disclosuresOf(db, { subject: order.customer_subject, order: order.id, actor: testActor('test'), purpose: 'fulfillment' })).filter((d) => d.recipient === 'credit-agency')
        .length,
      0,
    );
    // The endpoints are in the API description.
    const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    assert.ok(openapi.paths['/api/staff/orders/{number}/credit-decision']);
  } finally {
    await app.close();
  }
});
