// "Who received my data" per order (P002-04), from a real purchase: a signed-up buyer pays by card
// on the sandbox processor's page, the vendor views the order in its portal, staff ship it with a
// carrier from the console. The buyer's report (on the order page and its printable page) and the
// privacy officer's printable report list exactly the disclosure ledger's entries for that order
// (processor, vendor, carrier; each field with the data map's label, when, basis and purpose), and
// nothing of the buyer's other order. The carrier receives only its declared fields (P002-12,
// P003-10) and the tracking number reaches the buyer.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { FormClient, signUpAndConfirm, staffClient } from '../src/accounts/testing.ts';
import { type PaymentsTestBed, paymentsTestBed } from '../src/commerce/payments/testing.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import type { DisclosureRecord } from '../src/privacy/index.ts';
import { testActor } from '../src/privacy/testing.ts';
import { accept, buy, grace, ownerOf, shop, vendorUser } from './vendor-support.ts';

const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const decode = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** The rows of the report's table, as text cells. */
function reportRows(body: string): string[][] {
  const tableHtml = /<table class="kit-table order-recipients">([\s\S]*?)<\/table>/.exec(body)?.[1];
  if (!tableHtml) return [];
  const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(tableHtml)![1]!;
  return [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => decode(c[1]!.replace(/<[^>]+>/g, ''))));
}

/** What the report must show for each ledger entry: recipient, the data map's labels, when, basis, purpose. */
function expectedRows(bed: PaymentsTestBed, ledger: DisclosureRecord[], vendorNames: Record<string, string> = {}): string[][] {
  const { map } = bed.app.privacy;
  return ledger.map((d) => [
    `${d.recipientName}${d.recipientRef ? ` (${vendorNames[d.recipientRef] ?? d.recipientRef})` : ''}`,
    d.categories.map((c) => map.categories.get(c)!.label).join(', '),
    `${timeFormat.format(d.at)} UTC`,
    d.basisLabel,
    map.purposes.get(d.purpose)!.name,
  ]);
}

testEachDatabase(
  "[P002-04][P002-12][P003-10][P002-07] after a card purchase, a vendor's view and a shipment, the buyer's and the DPO's per-order report of who received the data equals the disclosure ledger: processor, vendor and carrier, each with exactly the fields disclosed; the carrier gets only name, address and phone; nothing of another order",
  async (database, t) => {
    // The shop with the sandbox processor; checkout asks for phones, which the carrier then gets.
    const bed = await paymentsTestBed(database, { CHECKOUT_REQUIRE_PHONES: 'true' });
    t.after(() => bed.close());
    const { db } = database;
    const s = await shop(db);
    const ledger = (order: { id: string; subject: string }) => bed.app.privacy.disclosuresOf(db, { subject: order.subject, order: order.id, actor: testActor('test'), purpose: 'fulfillment' });

    // The buyer has an account; checkout with its email makes the orders theirs.
    const buyer = new FormClient(bed.app, '127.0.0.9');
    await signUpAndConfirm(buyer, db, { name: grace.name, email: grace.email, password: 'harbour-lantern-64-quietly' });
    const mine = await buy(bed, db, grace, [['router', s.router]]);
    const other = await buy(bed, db, grace, [['shield', s.shield]]);
    const account = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer'`.execute(db)).rows[0]!.subject_id;
    assert.equal(mine.subject, account, 'the order belongs to the signed-up buyer');

    // The payment processor received the buyer's data through the ledger when the payment started.
    const paid = await ledger(mine);
    assert.deepEqual(
      paid.map((d) => [d.recipient, [...d.categories].sort()]),
      [['payment-processor', ['user.contact.email', 'user.name']]],
    );

    // The vendor views the order in its portal: a disclosure to that vendor, for that order.
    const owner = await ownerOf(bed);
    const vic = await vendorUser(bed, owner, s.corvid, 'vic@corvid.example');
    await accept(vic);
    assert.equal((await vic.get(`/vendor/orders/${mine.number}`)).statusCode, 200);

    // Staff ship it from the console, naming the carrier and the tracking number.
    const tracking = `1Z${mine.number.slice(2)}0042`;
    await owner.get(`/staff/orders/${mine.number}`);
    assert.equal((await owner.post(`/staff/orders/${mine.number}/transition`, { to: 'fulfilling' })).statusCode, 303);
    const shipped = await owner.post(`/staff/orders/${mine.number}/transition`, { to: 'shipped', carrier: 'UPS', tracking });
    assert.equal(shipped.statusCode, 303, shipped.body.slice(0, 500));

    const entries = await ledger(mine);
    assert.deepEqual(
      entries.map((d) => [d.recipient, d.recipientRef === s.corvid.id ? 'corvid' : d.recipientRef, d.categories, d.basis, d.purpose]),
      [
        ['payment-processor', 'sandbox', paid[0]!.categories, 'fulfillment', 'fulfillment'],
        ['vendors', 'corvid', ['user.name', 'user.contact.address', 'user.contact.phone_number', 'user.contact.email'], 'fulfillment', 'fulfillment'],
        ['carriers', 'UPS', ['user.name', 'user.contact.address', 'user.contact.phone_number'], 'fulfillment', 'fulfillment'],
      ],
      'the ledger: the processor, the vendor and the carrier with only its declared fields',
    );
    const names = { [s.corvid.id]: 'Corvid Systems' };
    // Every recipient of the buyer's data, for any of their orders, is in an order's fulfilment
    // chain (processor, vendor, carrier), on the fulfilment basis, and got only fields the data map
    // declares for it.
    const everyShare = await bed.app.privacy.disclosuresOf(db, { subject: mine.subject, actor: testActor('test'), purpose: 'fulfillment' });
    for (const d of everyShare) {
      assert.ok(['processor', 'vendor', 'carrier'].includes(d.recipientKind) && d.basis === 'fulfillment' && d.order !== null, `${d.recipient} is in an order's fulfilment chain`);
      const declared = bed.app.privacy.map.recipients.get(d.recipient)!.receives;
      assert.deepEqual(
        d.categories.filter((c) => !declared.has(c)),
        [],
        `${d.recipient} got only its declared fields`,
      );
    }

    // The buyer's order history lists both orders; the order page has the tracking number and the report, row for row the ledger.
    const history = await buyer.get('/account/orders');
    assert.equal(history.statusCode, 200);
    assert.ok(history.body.includes(`href="/account/orders/${mine.number}"`) && history.body.includes(`href="/account/orders/${other.number}"`), 'the order history lists the orders');
    const page = await buyer.get(`/account/orders/${mine.number}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(tracking), 'the tracking number reaches the buyer');
    assert.deepEqual(reportRows(page.body), expectedRows(bed, entries, names));
    assert.match(page.body, /Name, Postal address, Phone number, Email address/, 'fields shown with the data map’s labels');
    assert.ok(page.body.includes(`href="/account/orders/${mine.number}/recipients"`), 'the printable report is linked');

    // Its printable page: the same rows, and the print rules hide the rest.
    const printable = await buyer.get(`/account/orders/${mine.number}/recipients`);
    assert.equal(printable.statusCode, 200);
    assert.equal(printable.headers['cache-control'], 'no-store');
    assert.deepEqual(reportRows(printable.body), expectedRows(bed, entries, names));
    assert.doesNotMatch(printable.body, /<script/);

    // The other order's report holds only its own entries (its payment), none of this order's.
    const otherEntries = await ledger(other);
    assert.deepEqual(
      otherEntries.map((d) => d.recipient),
      ['payment-processor'],
    );
    const otherRows = reportRows((await buyer.get(`/account/orders/${other.number}/recipients`)).body);
    assert.deepEqual(otherRows, expectedRows(bed, otherEntries));
    assert.ok(!otherRows.some((r) => r[0]!.startsWith('Shipping carriers') || r[0]!.startsWith('Vendors')), 'nothing of the other order');

    // Another customer: not found, like an order that does not exist.
    const stranger = new FormClient(bed.app, '127.0.0.10');
    await signUpAndConfirm(stranger, db, { name: 'Stan Stranger', email: 'stan@example.com', password: 'granite-pelican-35-slowly' });
    assert.equal((await stranger.get(`/account/orders/${mine.number}/recipients`)).statusCode, 404);
    const strangerPage = await stranger.get(`/account/orders/${mine.number}`);
    assert.equal(strangerPage.statusCode, 404, 'the order and its tracking number are visible only to the owner');
    assert.ok(!strangerPage.body.includes(tracking) && !strangerPage.body.includes(mine.number));
    assert.ok(!(await stranger.get('/account/orders')).body.includes(mine.number), 'not in a stranger’s order history');

    // The privacy officer prints the same report for any order, found by its number.
    const dpo = await staffClient(bed.app, db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password: 'amber-lighthouse-27-quietly-sings' }, '127.0.0.11');
    const form = await dpo.get('/staff/dpo/recipients');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /name="order"/);
    const report = await dpo.get(`/staff/dpo/recipients?order=${mine.number}`);
    assert.equal(report.statusCode, 200);
    assert.deepEqual(reportRows(report.body), expectedRows(bed, entries, names));
    const missing = await dpo.get('/staff/dpo/recipients?order=C-999999');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /order: no order has this number/);
    // Other roles do not open it.
    assert.notEqual((await owner.get(`/staff/dpo/recipients?order=${mine.number}`)).statusCode, 200);
  },
);
