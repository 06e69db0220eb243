// Inbound data (P003-04): staff record the credit agency's answer to an invoice order with the
// agency's report; the report is kept as the buyer's credit history with the agency as its declared
// source and the basis, and the buyer's own copy of their data says where it came from. A source
// the data map does not declare is refused, naming the field, and nothing is written.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { FormClient, signUpAndConfirm, staffClient } from '../src/accounts/testing.ts';
import { makeShop, newClient } from '../src/commerce/cart/testing.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { itemCountsByCategory, testActor } from '../src/privacy/testing.ts';
import { addToCart, address, keyOf } from './checkout-support.ts';
import { assertFollowsExportSchema } from './export-schema-support.ts';
const password = 'granite-heron-58-waits-patiently';
const billing = { organization: 'Difference Engines Ltd', billing_line1: '1 Babbage Court', billing_line2: '', billing_postal_code: 'N1 1AA', billing_city: 'London', billing_country: 'GB' };
const REPORT = 'Score 712 of 999; no defaults in six years; limit GBP 5000';
const decode = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');

testEachDatabase(
  "[P003-04] staff record the credit agency's report for an invoice order: kept as the buyer's credit history with its source and basis, shown so in the buyer's export; an undeclared source is refused naming the field",
  async (database) => {
    const { app } = await buildTestApp(database, { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency' });
    try {
      const { db } = database;
      const shop = await makeShop(db);
      // The buyer has an account; the invoice order placed with its email is theirs.
      const me = new FormClient(app, '127.0.0.21');
      await signUpAndConfirm(me, db, { name: 'Ada Lovelace', email: 'ada@example.com', password: 'harbour-lantern-64-quietly' });
      const cart = newClient(app);
      await addToCart(cart, 'router', shop.rtr1);
      const form = await cart.get('/checkout?method=invoice');
      const placed = await cart.post('/checkout', { idempotency_key: keyOf(form.body), method: 'invoice', name: 'Ada Lovelace', email: 'ada@example.com', age: 'adult', ...address, ...billing });
      assert.equal(placed.statusCode, 303, placed.body);
      const number = /C-\d+/.exec((await cart.get(placed.headers.location as string)).body)![0];
      const order = (await sql<{ id: string; customer_subject: string }>`select id, customer_subject from orders where number = ${number}`.execute(db)).rows[0]!;
      const account = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer'`.execute(db)).rows[0]!.subject_id;
      assert.equal(order.customer_subject, account);

      const accountant = await staffClient(app, db, { name: 'Abel Ledger', email: 'abel@shop.example', role: 'accountant', password });
      const dpo = await staffClient(app, db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password }, '127.0.0.22');
      await accountant.get(`/staff/credit/${number}`);
      assert.equal((await accountant.post(`/staff/credit/${number}/request`, {})).statusCode, 303);
      const approval = (await sql<{ approval_id: string }>`select approval_id from checkout_credit_approvals where order_id = ${order.id}`.execute(db)).rows[0]!.approval_id;
      await dpo.get('/staff/dpo');
      assert.equal((await dpo.post(`/staff/dpo/disclosures/${approval}`, { decision: 'approved' })).statusCode, 200);

      // The answer's form offers the report and the declared sources it may come from.
      const page = await accountant.get(`/staff/credit/${number}`);
      assert.match(page.body, /name="credit_history"/);
      assert.match(page.body, /<option value="credit-agency">Credit reporting agency<\/option>/);

      // A source the data map does not declare: refused naming the field, nothing written or disclosed, the order still held.
      const undeclared = await accountant.post(`/staff/credit/${number}/decision`, { decision: 'approved', reason: 'within_limit', credit_history: REPORT, source: 'data-broker' });
      assert.equal(undeclared.statusCode, 400, undeclared.body.slice(0, 300));
      assert.match(undeclared.body, /role="alert"><p>source: is not a source of personal data declared in the data map<\/p>/);
      const api = await accountant.json('POST', `/api/staff/orders/${number}/credit-decision`, { decision: 'approved', credit_history: REPORT, source: 'data-broker' });
      assert.equal(api.statusCode, 400, api.body);
      assert.equal(api.json().error.fields[0].field, 'source');
      assert.ok(!(await itemCountsByCategory(db, account)).some((c) => c.category === 'user.financial.credit_history'), 'no credit history written');
      assert.equal((await sql<{ status: string }>`select status from orders where id = ${order.id}`.execute(db)).rows[0]!.status, 'on_hold');
      const agency = async () =>
        (await app.privacy.disclosuresOf(db, { subject: account, order: order.id, actor: testActor('test'), purpose: 'fulfillment' })).filter((d) => d.recipient === 'credit-agency');
      assert.equal((await agency()).length, 0, 'nothing disclosed');

      await accountant.get(`/staff/credit/${number}`);
      const decided = await accountant.post(`/staff/credit/${number}/decision`, { decision: 'approved', reason: 'within_limit', credit_history: REPORT, source: 'credit-agency' });
      assert.equal(decided.statusCode, 303, decided.body.slice(0, 300));
      assert.equal((await agency()).length, 1, 'the name and invoice address went to the agency under the approval');
      assert.doesNotMatch((await accountant.get(`/staff/credit/${number}`)).body, /Score 712/, 'the report is not shown back on the staff page');

      // The buyer's export (download and page): the credit history, with where it came from, when and on which basis.
      const today = new Date().toISOString().slice(0, 10);
      const res = await me.get('/account/privacy/export.json');
      assert.equal(res.statusCode, 200);
      const doc = JSON.parse(res.body) as { sections: { id: string; records: Record<string, unknown>[] }[] };
      assertFollowsExportSchema(doc);
      const items = doc.sections.find((s) => s.id === 'personal-data')!.records;
      const history = items.filter((i) => i.category === 'user.financial.credit_history');
      assert.equal(history.length, 1);
      assert.equal(history[0]!.value, REPORT);
      assert.equal(history[0]!.source, `Received from Credit reporting agency on ${today}, basis: a contract with you (Credit approval)`);
      assert.ok(
        items.filter((i) => i.category !== 'user.financial.credit_history').every((i) => i.source === null),
        'what the buyer gave the shop has no source',
      );
      const shown = await me.get('/account/privacy/export');
      assert.equal(shown.statusCode, 200);
      assert.ok(decode(shown.body).includes(`Received from Credit reporting agency on ${today}, basis: a contract with you (Credit approval)`));
      assert.ok(decode(shown.body).includes(REPORT));

      const centre = await me.get('/account/privacy');
      assert.ok(decode(centre.body).includes(REPORT) && centre.body.includes('received from Credit reporting agency'), 'the privacy centre says where it came from too');

      // The published policy names the companies data is received from.
      const policy = await app.inject({ method: 'GET', url: '/privacy' });
      assert.match(policy.body, /<h3>Data we receive from other companies<\/h3>[\s\S]*<strong>Credit reporting agency<\/strong>/);

      // The privacy officer's data map lists the source, what it provides and the basis.
      const datamap = await dpo.get('/staff/dpo/datamap');
      assert.match(datamap.body, /id="source-credit-agency"/);
      assert.match(datamap.body, /Sources of data received/);
    } finally {
      await app.close();
    }
  },
);
