// "Who received my data" says what left and outlives the person (decision 0049): a buyer who gave
// no phone sees the carrier got name and address only (the ledger keeps what was asked beside what
// was released, both bound into the audit chain); after the buyer deletes their account, the
// privacy officer still prints the order's report from the ledger, the person shown as erased and
// none of their personal data on the page.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { staffClient, staffTokenHeaders } from '../src/accounts/testing.ts';
import { type CartClient, makeShop, newClient } from '../src/commerce/cart/testing.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { verifyAuditLog } from '../src/privacy/index.ts';
import { testActor } from '../src/privacy/testing.ts';
import { submitPayForm, TEST_CARD } from '../src/sandbox-processor/testing.ts';
import { addToCart, keyOf } from './checkout-support.ts';
import { ada, type RightsBed, rightsBed, signUp, waitForRequest } from './rights-support.ts';

const decode = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');

/** The rows of the report's table, as text cells. */
function reportRows(body: string): string[][] {
  const tableHtml = /<table class="kit-table order-recipients">([\s\S]*?)<\/table>/.exec(body)?.[1];
  if (!tableHtml) return [];
  const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(tableHtml)![1]!;
  return [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => decode(c[1]!.replace(/<[^>]+>/g, ''))));
}

/** The signed-in buyer orders a router with no phone (the shop asks for none); paid by card unless `pay` is false. */
async function buyWithoutPhone(bed: RightsBed, client: CartClient, variant: string, pay: boolean): Promise<{ id: string; number: string }> {
  await addToCart(client, 'router', variant);
  const form = await client.get('/checkout');
  const fields = { name: ada.name, email: ada.email, age: 'adult', ship_line1: ada.street, ship_line2: '', ship_postal_code: '11201', ship_city: ada.city, ship_country: 'US' };
  const started = await client.post('/checkout', { idempotency_key: keyOf(form.body), method: 'card', ...fields });
  assert.equal(started.statusCode, 303, started.body.slice(0, 300));
  const { rows } = await sql<{ id: string; number: string; payment_id: string }>`
    select o.id, o.number, a.payment_id from orders o join checkout_attempts a on a.order_id = o.id order by o.created_at desc limit 1`.execute(bed.app.db);
  if (pay) {
    assert.equal((await submitPayForm(started.headers.location as string, TEST_CARD)).status, 303);
    assert.equal((await client.get(`/checkout/return/${rows[0]!.payment_id}`)).statusCode, 303);
  }
  return { id: rows[0]!.id, number: rows[0]!.number };
}

testEachDatabase(
  "[P002-04][P002-12] the order's recipients report lists the fields that left (no phone for a buyer who gave none), and after the buyer is erased the privacy officer still prints it: recipients, fields, dates and bases, the person shown as erased",
  async (database, t) => {
    // A shop that does not ask for phones: the buyer gives none.
    const bed = await rightsBed(database, { env: { CHECKOUT_REQUIRE_PHONES: 'false' } });
    t.after(() => bed.stopAll());
    const { db } = database;
    const buyer = ada;
    const shop = await makeShop(db);
    const client = newClient(bed.app);
    await signUp(bed, client, buyer);
    const paid = await buyWithoutPhone(bed, client, shop.rtr1, true);
    const staffHeaders = await staffTokenHeaders(bed.app, db, 'fulfilment');
    for (const step of [{ to: 'fulfilling' }, { to: 'shipped', carrier: 'UPS', tracking: `1Z${paid.number.slice(2)}777` }]) {
      const res = await bed.app.inject({ method: 'POST', url: `/api/staff/orders/${paid.number}/transitions`, headers: staffHeaders, payload: step });
      assert.equal(res.statusCode, 200, res.body);
    }
    const waiting = await buyWithoutPhone(bed, client, shop.rtr1, false);
    const subject = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer'`.execute(db)).rows[0]!.subject_id;
    const mine = { client, subject, paid, waiting };

    // The carrier was asked name, address and phone; only name and address held a value and left.
    const ledger = await bed.app.privacy.disclosuresOf(db, { subject: mine.subject, order: mine.paid.id, actor: testActor('test'), purpose: 'fulfillment' });
    const carrier = ledger.find((d) => d.recipient === 'carriers')!;
    assert.deepEqual(carrier.asked, ['user.name', 'user.contact.address', 'user.contact.phone_number']);
    assert.deepEqual(carrier.categories, ['user.name', 'user.contact.address']);
    const verified = await verifyAuditLog(db);
    assert.equal(verified.firstBroken, null, 'each ledger row, released fields included, matches the digest its audit entry holds');

    // The buyer's report, on the order page and its printable page: no phone for the carrier.
    for (const path of [`/account/orders/${mine.paid.number}`, `/account/orders/${mine.paid.number}/recipients`]) {
      const page = await mine.client.get(path);
      assert.equal(page.statusCode, 200);
      const rows = reportRows(page.body);
      const carrierRow = rows.find((r) => r[0]!.startsWith('Shipping carriers'))!;
      assert.equal(carrierRow[1], 'Name, Postal address', `${path}: the carrier got name and address, not a phone`);
      assert.ok(!rows.some((r) => r[1]!.includes('Phone number')), `${path}: no phone left for anyone`);
    }

    const dpo = await staffClient(bed.app, db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password: 'amber-lighthouse-27-quietly-sings' }, '127.0.0.31');
    const before = reportRows((await dpo.get(`/staff/dpo/recipients?order=${mine.paid.number}`)).body);
    assert.equal(before.length, ledger.length);

    // The buyer deletes their account; the erasure completes.
    await mine.client.get('/account/privacy/delete');
    assert.equal((await mine.client.post('/account/privacy/delete', { password: buyer.password })).statusCode, 200);
    await waitForRequest(db, 'completed');

    // The officer's report for the erased buyer's order: the same recipients, fields, dates and bases, the person shown as erased.
    const report = await dpo.get(`/staff/dpo/recipients?order=${mine.paid.number}`);
    assert.equal(report.statusCode, 200);
    assert.deepEqual(reportRows(report.body), before, 'the ledger rows are evidence and still report');
    assert.ok(before.some((r) => r[0]!.startsWith('Shipping carriers') && r[1] === 'Name, Postal address' && r[3] !== '' && r[4] === 'Order fulfilment'));
    assert.match(report.body, /Buyer: erased\./);
    for (const value of [buyer.name, buyer.email, buyer.street, buyer.city]) assert.ok(!decode(report.body).includes(value), `no personal value (${value}) on the page`);
    // The cancelled order of the same buyer reports too.
    const cancelled = await dpo.get(`/staff/dpo/recipients?order=${mine.waiting.number}`);
    assert.equal(cancelled.statusCode, 200);
    assert.match(cancelled.body, /Buyer: erased\./);
    assert.ok(reportRows(cancelled.body).some((r) => r[0]!.startsWith('Card and bank payment processor')));
  },
);
