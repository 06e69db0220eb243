// Licence keys end to end over HTTP with the sandbox processor (decision 0043): an owner uploads
// keys on the console page; twenty buyers pay at once for a product with ten keys, and ten get one
// key each while ten wait on hold; keys uploaded later reach the waiting orders through the release
// job; the buyer sees the key on the order page and receives it by mail; a refund revokes it.
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { customer, signUpAndConfirm, staffClient, type FormClient } from '../src/accounts/testing.ts';
import { commsModule } from '../src/comms/index.ts';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { makeShop, newClient, CartClient } from '../src/commerce/cart/testing.ts';
import { deliveryModule } from '../src/commerce/delivery/index.ts';
import { paymentsTestBed, type PaymentsTestBed } from '../src/commerce/payments/testing.ts';
import type { Db } from '../src/platform/db/database.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { submitPayForm, TEST_CARD } from '../src/sandbox-processor/testing.ts';
import { addToCart, keyOf } from './checkout-support.ts';

const password = 'granite-heron-58-waits-patiently';

async function upload(app: FastifyInstance, owner: FormClient, url: string, fields: Record<string, string>, file?: string): Promise<LightMyRequestResponse> {
  const body = new FormData();
  body.append('_csrf', owner.csrf);
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  if (file !== undefined) body.append('file', new Blob([file], { type: 'text/plain' }), 'keys.txt');
  const request = new Request('http://localhost/', { method: 'POST', body });
  const payload = Buffer.from(await request.arrayBuffer());
  const cookie = [...owner.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return app.inject({ method: 'POST', url, headers: { cookie, accept: 'text/html', 'content-type': request.headers.get('content-type')! }, payload });
}

const keysOn = (body: string) => [...body.matchAll(/<code class="licence-key">([^<]+)<\/code>/g)].map((m) => m[1]!);
const countOf = async (db: Db, query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(db)).rows[0]!.n;

interface Placed {
  buyer: CartClient;
  orderId: string;
  number: string;
  paymentId: string;
}

/** A guest (own network) orders one licence by card and pays on the processor's page; the store is not told yet. */
async function placeLicenceOrder(bed: PaymentsTestBed, db: Db, variantId: string, i: number, seen: Set<string>): Promise<Placed> {
  const buyer = new CartClient(bed.app, `203.0.113.${i + 1}`);
  await addToCart(buyer, 'vpn-licence', variantId);
  const form = await buyer.get('/checkout');
  const started = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'card', name: `Buyer ${i}`, email: `buyer${i}@example.com`, age: 'adult' });
  assert.equal(started.statusCode, 303, started.body);
  assert.equal((await submitPayForm(started.headers.location as string, TEST_CARD)).status, 303);
  const { rows } = await sql<{ id: string; number: string; payment_id: string }>`
    select o.id, o.number, p.id as payment_id from orders o join payments_attempts p on p.order_id = o.id order by o.created_at desc, o.number desc`.execute(db);
  const row = rows.find((r) => !seen.has(r.id))!;
  seen.add(row.id);
  return { buyer, orderId: row.id, number: row.number, paymentId: row.payment_id };
}

testEachDatabase(
  'licence keys: 20 buyers pay at once for a product with 10 keys; 10 distinct keys go out, the other 10 orders wait on hold and the owner is alerted; keys uploaded later reach them; a refund revokes',
  async (database, t) => {
    const bed = await paymentsTestBed(database);
    t.after(() => bed.close());
    const { app } = bed;
    const db = database.db;
    const shop = await makeShop(db);
    const owner = await staffClient(app, db, { name: 'Olga Owner', email: 'owner@shop.example', role: 'owner', password });

    // The owner reaches the keys page from the product page and uploads ten keys (one repeated, one line blank).
    const keysPath = `/staff/catalogue/products/${shop.licence.id}/licence-keys`;
    assert.match((await owner.get(`/staff/catalogue/products/${shop.licence.id}`)).body, new RegExp(`href="${keysPath}"`));
    const overview = await owner.get('/staff/catalogue/licence-keys');
    assert.match(overview.body, new RegExp(`<a href="${keysPath}">VPN Licence</a>`), 'the licence-key list leads to the product’s keys');
    assert.doesNotMatch(overview.body, /Nighthawk Router/, 'only digital products are listed');
    assert.equal((await owner.get(keysPath)).statusCode, 200);
    const first = Array.from({ length: 10 }, (_, i) => `VPN-AAAA-${String(i).padStart(4, '0')}-ZZ${i}`);
    const added = await upload(app, owner, keysPath, { variant: shop.vpn, keys: [...first.slice(0, 6), '', first[0]!].join('\n') }, `${first.slice(6).join('\r\n')}\n`);
    assert.equal(added.statusCode, 303, added.body.slice(0, 500));
    const shown = await owner.get(added.headers.location as string);
    assert.match(shown.body, /Added 10 keys\. 1 line was a key already stored \(or repeated\), not added again\./);
    for (const key of first) assert.ok(!shown.body.includes(key), 'the page never lists a key back');
    // Not stored in plain text: only sealed and digested.
    for (const key of first.slice(0, 2)) {
      const plain = await countOf(db, sql<{ n: number }>`select count(*)::int as n from delivery_keys where position(convert_to(${key}, 'UTF8') in sealed) > 0 or hint = ${key}`);
      assert.equal(plain, 0);
    }
    // A malformed line refuses the upload, naming the line; a support member may not upload at all.
    const bad = await upload(app, owner, keysPath, { variant: shop.vpn, keys: 'GOOD-KEY-0001\nhas space\n' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /line 2 is not a licence key/);
    const support = await staffClient(app, db, { name: 'Sam Support', email: 'support@shop.example', role: 'support', password });
    assert.equal((await support.get(keysPath)).statusCode, 403);

    // Twenty buyers pay; all come back to the store at once.
    const seen = new Set<string>();
    const placed: Placed[] = [];
    for (let i = 0; i < 20; i++) placed.push(await placeLicenceOrder(bed, db, shop.vpn, i, seen));
    const back = await Promise.all(placed.map((p) => p.buyer.get(`/checkout/return/${p.paymentId}`)));
    for (const res of back) assert.equal(res.statusCode, 303, res.body.slice(0, 300));

    const statuses = (await sql<{ status: string; n: number }>`select status, count(*)::int as n from orders group by status order by status`.execute(db)).rows;
    assert.deepEqual(statuses, [
      { status: 'on_hold', n: 10 },
      { status: 'paid', n: 10 },
    ]);
    const handed = (await sql<{ order_id: string; n: number }>`select order_id, count(*)::int as n from delivery_keys where state = 'assigned' group by order_id`.execute(db)).rows;
    assert.equal(handed.length, 10, 'ten orders have a key');
    assert.ok(
      handed.every((h) => h.n === 1),
      'each has exactly one',
    );
    const held = (
      await sql<{ id: string; reason: string }>`select o.id, t.reason from orders o join orders_transitions t on t.order_id = o.id and t.to_status = 'on_hold' where o.status = 'on_hold'`.execute(db)
    ).rows;
    assert.ok(held.every((h) => h.reason === 'awaiting_licence_keys'));
    assert.deepEqual(new Set(held.map((h) => h.id)), new Set(placed.map((p) => p.orderId).filter((id) => !handed.some((h) => h.order_id === id))));
    assert.match((await owner.get(keysPath)).body, /10 paid orders wait for keys/);
    const heldNumber = placed.find((p) => held.some((h) => h.id === p.orderId))!.number;
    assert.match((await owner.get(`/staff/orders/${heldNumber}`)).body, /This order waits for licence keys/);
    const alerts = await countOf(db, sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = 'delivery.out-of-keys'`);
    // At most one alert per product and owner an hour (two if the hour turned during the test), not one per order.
    assert.ok(alerts >= 1 && alerts <= 2, `the owner is alerted once, not per order (${alerts})`);

    // Each paid buyer sees their key on the confirmation page; the ten keys are distinct and the uploaded ones.
    const pages = await Promise.all(placed.map((p) => p.buyer.get(`/checkout/done/${p.orderId}`)));
    const keys = pages.flatMap((page) => keysOn(page.body));
    assert.equal(keys.length, 10);
    assert.equal(new Set(keys).size, 10);
    assert.deepEqual(new Set(keys), new Set(first));
    const waiting = pages.filter((page) => /Some of your licence keys are on their way/.test(page.body));
    assert.equal(waiting.length, 10);
    assert.ok(
      waiting.every((page) => /We have your payment/.test(page.body) && !/credit approval/.test(page.body)),
      'a held licence order is not said to wait for a credit approval',
    );

    // Ten more keys arrive; the release job fills the waiting orders, which go back to paid.
    const more = Array.from({ length: 10 }, (_, i) => `VPN-BBBB-${String(i).padStart(4, '0')}`);
    await owner.get(keysPath);
    assert.equal((await upload(app, owner, keysPath, { variant: shop.vpn, keys: more.join('\n') })).statusCode, 303);
    const worker = testWorker(database, { ...deliveryModule.jobs }, { services: { config: bed.config, privacy: app.privacy, wiring: app.wiring } });
    await worker.start();
    t.after(() => worker.stop(5000));
    await waitFor('the waiting orders are released', async () => (await countOf(db, sql<{ n: number }>`select count(*)::int as n from orders where status = 'paid'`)) === 20 || null);
    const all = await Promise.all(placed.map(async (p) => keysOn((await p.buyer.get(`/checkout/done/${p.orderId}`)).body)));
    assert.ok(all.every((k) => k.length === 1));
    assert.equal(new Set(all.flat()).size, 20, 'twenty distinct keys');
    assert.equal(await countOf(db, sql<{ n: number }>`select count(*)::int as n from delivery_waiting`), 0);
    assert.equal(await countOf(db, sql<{ n: number }>`select count(distinct subject_id)::int as n from comms_outbox where template = 'delivery.licence-keys'`), 20, 'every buyer is mailed their key');
    // One receipt per payment: the ten released orders were not sent a second one.
    assert.equal(await countOf(db, sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = 'orders.receipt'`), 20);

    // A refund revokes the order's key: the page no longer shows it as valid.
    const refunded = placed[0]!;
    const key = all[0]![0]!;
    await owner.get(`/staff/orders/${refunded.number}`);
    const ask = await owner.post(`/staff/orders/${refunded.number}/transition`, { to: 'refunded', reason: '', amount: '' });
    assert.equal(ask.statusCode, 200, ask.body.slice(0, 300));
    const confirmed = Object.fromEntries([...ask.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    assert.equal((await owner.post(`/staff/orders/${refunded.number}/transition`, confirmed)).statusCode, 303);
    assert.equal((await sql<{ status: string }>`select status from orders where id = ${refunded.orderId}`.execute(db)).rows[0]!.status, 'refunded');
    const after = (await refunded.buyer.get(`/checkout/done/${refunded.orderId}`)).body;
    assert.deepEqual(keysOn(after), []);
    assert.ok(!after.includes(key), 'the revoked key is not shown');
    assert.match(after, /no longer valid/);
    assert.equal((await sql<{ state: string }>`select state from delivery_keys where order_id = ${refunded.orderId}`.execute(db)).rows[0]!.state, 'revoked');
    // Staff see the key's state and last characters on the order's console page, never the key.
    const staffPage = (await owner.get(`/staff/orders/${refunded.number}`)).body;
    assert.match(staffPage, new RegExp(`<code>…${key.slice(-4)}</code>`));
    assert.match(staffPage, /Revoked/);
    assert.ok(!staffPage.includes(key));
  },
);

testEachDatabase('licence keys: a signed-in buyer sees the key on their order page and receives it by mail', async (database, t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.stop());
  const bed = await paymentsTestBed(database, { SMTP_URL: sink.url });
  t.after(() => bed.close());
  const { app } = bed;
  const db = database.db;
  const shop = await makeShop(db);
  const owner = await staffClient(app, db, { name: 'Olga Owner', email: 'owner@shop.example', role: 'owner', password });
  const keysPath = `/staff/catalogue/products/${shop.licence.id}/licence-keys`;
  await owner.get(keysPath);
  assert.equal((await upload(app, owner, keysPath, { variant: shop.vpn, keys: 'VPN-ONLY-KEY-7Q2X' })).statusCode, 303);

  const buyer = newClient(app);
  await signUpAndConfirm(buyer, db);
  const other = newClient(app);
  await signUpAndConfirm(other, db, { name: 'Other Person', email: 'other@example.com', password: 'another-horse-88-staple' });
  // Mail is sent from here on (the sign-ups above read their links from the outbox).
  const worker = testWorker(database, { ...commsModule.jobs, ...deliveryModule.jobs }, { services: { config: bed.config, privacy: app.privacy, wiring: app.wiring } });
  await worker.start();
  t.after(() => worker.stop(5000));
  await addToCart(buyer, 'vpn-licence', shop.vpn);
  const form = await buyer.get('/checkout');
  const started = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'card', name: customer.name, email: customer.email, age: 'adult' });
  assert.equal(started.statusCode, 303, started.body);
  assert.equal((await submitPayForm(started.headers.location as string, TEST_CARD)).status, 303);
  const { rows } = await sql<{ number: string; payment_id: string }>`select o.number, p.id as payment_id from orders o join payments_attempts p on p.order_id = o.id`.execute(db);
  const { number, payment_id } = rows[0]!;
  assert.equal((await buyer.get(`/checkout/return/${payment_id}`)).statusCode, 303);

  const page = await buyer.get(`/account/orders/${number}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h2>Your licence keys<\/h2>/);
  assert.deepEqual(keysOn(page.body), ['VPN-ONLY-KEY-7Q2X']);
  assert.match(page.body, /Valid/);

  const mail = await sink.waitForMail((m) => m.subject.includes('licence keys'), 20_000);
  assert.ok(
    mail.to.some((to) => to.includes(customer.email)),
    'to the buyer',
  );
  assert.match(mail.text, /VPN Licence: VPN-ONLY-KEY-7Q2X/);
  assert.ok(mail.text.includes(`/account/orders/${number}`));
  // The outbox never held the key in plain text: it was sealed, and is emptied once sent.
  const plain = await countOf(db, sql<{ n: number }>`select count(*)::int as n from comms_outbox where params::text like '%VPN-ONLY-KEY%'`);
  assert.equal(plain, 0);
  // Another customer does not see this order.
  assert.equal((await other.get(`/account/orders/${number}`)).statusCode, 404);
});
