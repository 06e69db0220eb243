// The whole purchase over HTTP with the sandbox processor started in-process (its own port): cart →
// checkout → the processor's card page, filled by form posts → back to the store, which asks the
// processor → paid order, cleared cart, status mail over real SMTP. Then what a card number leaves
// behind: nothing, in the database files, a pg_dump, the logs or the mail (P002-18, P001-01).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { commsModule } from '../src/comms/index.ts';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { makeShop, newClient, type CartClient } from '../src/commerce/cart/testing.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import { expireWaitingPayments, PAYMENT_WAIT_MINUTES, jobPorts } from '../src/commerce/checkout/index.ts';
import type { Db } from '../src/platform/db/database.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { databaseAsText, testEachDatabase } from '../src/platform/testing/databases.ts';
import { testActor } from '../src/privacy/testing.ts';
import { submitPayForm, TEST_CARD } from '../src/sandbox-processor/testing.ts';

const keyOf = (body: string) => /name="idempotency_key" value="([^"]+)"/.exec(body)?.[1] ?? '';
const guest = { name: 'Grace Hopper', email: 'grace@example.com', age: 'adult' };
const address = { ship_line1: '1 Compiler Way', ship_line2: '', ship_postal_code: '10001', ship_city: 'New York', ship_country: 'US' };
const phones = { phone_home: '+1 212 555 0142', phone_business: '+1 212 555 0199' };
const count = async (db: Db, query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(db)).rows[0]!.n;

async function addToCart(buyer: CartClient, slug: string, variantId: string, quantity = '1') {
  await buyer.get(`/products/${slug}`);
  let res = await buyer.post('/cart/add', { variant_id: variantId, quantity });
  if (res.statusCode !== 303 && /name="confirm"/.test(res.body)) res = await buyer.post('/cart/add', { variant_id: variantId, quantity, confirm: '1' });
  assert.equal(res.statusCode, 303, res.body);
}

/** The path and query of a URL of the store (the test app answers by inject, not by host). */
const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const cardForms = (digits: string) => [digits, digits.replace(/(\d{4})(?=\d)/g, '$1 '), digits.replace(/(\d{4})(?=\d)/g, '$1-')];

testEachDatabase(
  "[P002-18][P001-01][P002-15][P000-15][P001-03] a guest buys with a card on the processor page; the order is paid, mailed, every share ledgered with the order, and no card number is anywhere of the store, nor the buyer's name, email, address or phone in plain text in the database files",
  async (database, t) => {
    const sink = await startSmtpSink();
    t.after(() => sink.stop());
    const bed = await paymentsTestBed(database, { SMTP_URL: sink.url, LOG_LEVEL: 'debug', CHECKOUT_REQUIRE_PHONES: 'true' });
    t.after(() => bed.close());
    const { app, logs } = bed;
    const worker = testWorker(database, commsModule.jobs ?? {}, { services: { config: bed.config, privacy: app.privacy, wiring: app.wiring } });
    await worker.start();
    t.after(() => worker.stop(5000));

    const shop = await makeShop(database.db);
    const buyer = newClient(app);
    await addToCart(buyer, 'router', shop.rtr1);
    const form = await buyer.get('/checkout');
    assert.equal(form.statusCode, 200);
    const post = { idempotency_key: keyOf(form.body), method: 'card', ...guest, ...phones, ...address };
    const started = await buyer.post('/checkout', post);
    assert.equal(started.statusCode, 303, started.body);
    const payUrl = started.headers.location as string;
    assert.ok(payUrl.startsWith(bed.sandbox.url), `the buyer goes to the processor's own origin (${payUrl})`);
    // The processor's page names the shop and the order number (given as the payment's description), not an id.
    const processorPage = await (await fetch(payUrl)).text();
    assert.match(processorPage, new RegExp(`<h1>Pay ${bed.config.shopName}, order C-\\d+</h1>`));
    assert.equal(await count(database.db, sql<{ n: number }>`select count(*)::int as n from orders where status = 'pending_payment'`), 1);
    assert.equal((await sql<{ stock: number }>`select stock from catalogue_variants where sku = 'RTR-1'`.execute(database.db)).rows[0]!.stock, 4);

    // A doubled submit of the same form: the same processor page, one order, one payment.
    const again = await buyer.post('/checkout', post);
    assert.equal(again.headers.location, payUrl);
    assert.equal(await count(database.db, sql<{ n: number }>`select count(*)::int as n from orders`), 1);
    assert.equal(await count(database.db, sql<{ n: number }>`select count(*)::int as n from payments_attempts`), 1);

    // On the processor's page: a declined card first (the order waits), then the good one.
    const declined = await submitPayForm(payUrl, { ...TEST_CARD, number: '4000 0000 0000 0002' });
    assert.equal(declined.status, 402);
    const paid = await submitPayForm(payUrl, TEST_CARD);
    assert.equal(paid.status, 303);
    const back = await buyer.get(pathOf(paid.location!));
    assert.equal(back.statusCode, 303, back.body);
    const done = await buyer.get(back.headers.location as string);
    assert.equal(done.statusCode, 200);
    const number = /id="order-number">([^<]+)</.exec(done.body)?.[1];
    assert.match(number ?? '', /^C-\d+$/);
    assert.match(done.body, /mailed you how to sign in/);

    const {
      rows: [order],
    } = await sql<{ status: string; number: string }>`select status, number from orders`.execute(database.db);
    assert.deepEqual(order, { status: 'paid', number });
    assert.doesNotMatch((await buyer.get('/cart')).body, /Nighthawk Router/, 'the cart was cleared');

    // P001-03: every share the purchase made is in the ledger, tied to this order and to a recipient declared for fulfilment.
    const {
      rows: [placed],
    } = await sql<{ id: string; customer_subject: string }>`select id, customer_subject from orders`.execute(database.db);
    const shares = await app.privacy.disclosuresOf(database.db, { subject: placed!.customer_subject, actor: testActor('test'), purpose: 'fulfillment' });
    assert.deepEqual(
      shares.map((d) => d.recipient),
      ['payment-processor'],
      'the processor was told who pays, and no one else was told anything',
    );
    for (const share of shares) {
      assert.equal(share.order, placed!.id);
      assert.equal(share.basis, 'fulfillment');
      assert.ok(app.privacy.map.recipients.get(share.recipient)?.bases.has('fulfillment'), `${share.recipient} is a fulfilment recipient`);
    }

    // The receipt and the set-password mail reach a real SMTP server.
    const receipt = await sink.waitForMail((m) => m.text.includes(number!), 20_000);
    assert.ok(receipt.to.some((to) => to.includes('grace@example.com')));
    assert.match(receipt.subject ?? '', new RegExp(`Receipt for your order ${number}`));
    for (const line of [
      /1 × Nighthawk Router \(RTR-1\) at \$129\.00 = \$129\.00/,
      /Subtotal: \$129\.00/,
      /Shipping: \$/,
      /Tax: \$/,
      /Total: \$/,
      /Paid with: Visa ending in 4242/,
      /Delivery address: Grace Hopper, 1 Compiler Way, 10001 New York, US/,
    ])
      assert.match(receipt.text, line);
    const orderLink = `${bed.config.publicUrl}/account/orders/${number}`;
    assert.ok(receipt.text.includes(orderLink));
    const anchored = (h: string) => h.replace(/<a [^>]*>[^<]*<\/a>/g, '').replace(/<a [^>]*>/g, '');
    const receiptHtml = receipt.html || '';
    assert.ok(receiptHtml.includes(`<a href="${orderLink}"`), 'the HTML part links to the order');
    assert.match(receiptHtml, /<td[^>]*>1<\/td><td[^>]*>\$129\.00<\/td>/);
    assert.doesNotMatch(anchored(receiptHtml), /https?:\/\//, 'every address in the HTML part is a link');
    const setPassword = await sink.waitForMail((m) => /password/i.test(m.text) && m.to.some((to) => to.includes('grace@example.com')), 20_000);
    assert.match(setPassword.html ?? '', /<a href="http[^"]+\/account\/reset\/confirm\?token=[A-Za-z0-9_-]{43}"/, 'the set-password link is a link in the HTML part');
    assert.doesNotMatch(anchored(setPassword.html ?? ''), /https?:\/\//);
    await waitFor('the outbox to be sent', async () => (await count(database.db, sql<{ n: number }>`select count(*)::int as n from comms_outbox where status in ('queued', 'sending')`)) === 0);
    await app.privacy.flush();

    // P002-18: no form of the card number anywhere the store keeps anything.
    const forms = cardForms(TEST_CARD.number.replace(/\D/g, ''));
    const haystacks: [string, string][] = [
      ['logs', JSON.stringify(logs)],
      ['mail', sink.received.map((m) => m.raw ?? `${m.text}${m.html ?? ''}`).join('\n')],
      [
        'data dir',
        filesUnder(bed.config.dataDir)
          .map((f) => readFileSync(f, 'latin1'))
          .join('\n'),
      ],
    ];
    haystacks.push([database.engine === 'pglite' ? 'PGlite data files' : 'pg_dump', await databaseAsText(database, database.url)]);
    for (const [where, text] of haystacks) {
      assert.ok(text.length > 0, `${where} is not empty`);
      for (const f of forms) assert.ok(!text.includes(f), `the card number (${f.length} chars) is in ${where}`);
    }
    // The haystack is real: the last four digits the processor gave back are kept (as a kernel item, encrypted), the order number is in the dump.
    assert.ok(haystacks.at(-1)![1].includes(number!));

    // P000-15: the database's own files hold the buyer's name, email, address and phones only encrypted.
    const dumped = haystacks.at(-1)![1];
    for (const value of [
      guest.name,
      guest.email,
      address.ship_line1,
      address.ship_city,
      phones.phone_home,
      phones.phone_business,
      phones.phone_home.replace(/\D/g, ''),
      phones.phone_business.replace(/\D/g, ''),
    ]) {
      assert.ok(!dumped.includes(value), `"${value}" is in plain text in the database files`);
    }
  },
);

testEachDatabase('checkout: a declined card leaves the order waiting with the way back to the processor; unpaid after the wait, the order is cancelled and its stock released', async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const { app } = bed;
  const shop = await makeShop(database.db);
  const buyer = newClient(app);
  await addToCart(buyer, 'router', shop.rtr1, '2');
  const form = await buyer.get('/checkout');
  const started = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'card', ...guest, ...address });
  assert.equal(started.statusCode, 303, started.body);
  const payUrl = started.headers.location as string;
  const {
    rows: [attempt],
  } = await sql<{ payment_id: string; order_id: string }>`select payment_id, order_id from checkout_attempts`.execute(database.db);

  assert.equal((await submitPayForm(payUrl, { ...TEST_CARD, number: '4000 0000 0000 0002' })).status, 402);
  const back = await buyer.get(`/checkout/return/${attempt!.payment_id}`);
  assert.equal(back.statusCode, 200);
  assert.match(back.body, /not finished|declined/);
  assert.ok(back.body.includes(`href="${payUrl}"`), 'a link back to the processor page');
  assert.equal((await sql<{ status: string }>`select status from orders`.execute(database.db)).rows[0]!.status, 'pending_payment');
  assert.equal((await sql<{ stock: number }>`select stock from catalogue_variants where sku = 'RTR-1'`.execute(database.db)).rows[0]!.stock, 3);

  // An hour later, the expiry job (with the ports a worker process builds from its services): asked once more, the processor says open; the order is cancelled, the stock back.
  await sql`update checkout_attempts set created_at = now() - interval '2 hours'`.execute(database.db);
  const ports = jobPorts({ services: { config: bed.config, privacy: app.privacy, wiring: app.wiring } });
  const cancelled = await expireWaitingPayments(ports, database.db, PAYMENT_WAIT_MINUTES);
  assert.equal(cancelled, 1);
  assert.equal((await sql<{ status: string }>`select status from orders`.execute(database.db)).rows[0]!.status, 'cancelled');
  assert.equal((await sql<{ stock: number }>`select stock from catalogue_variants where sku = 'RTR-1'`.execute(database.db)).rows[0]!.stock, 5);
  assert.equal(await expireWaitingPayments(ports, database.db, PAYMENT_WAIT_MINUTES), 0, 'nothing left to cancel');
  const done = await buyer.get(`/checkout/return/${attempt!.payment_id}`);
  assert.match(done.body, /cancelled/);
});
