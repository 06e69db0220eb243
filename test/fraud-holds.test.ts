// Fraud holds and proof of identity end to end over HTTP with the sandbox processor (decision 0047):
// the owner turns a risk rule on; an order that matches it is held after payment, before anything is
// delivered, and the buyer is mailed an upload link; the buyer uploads a proof; the privacy officer
// opens it (audited) and approves or rejects the order; the purge job erases the proof when its
// retention ends. An order that matches no rule goes on as before.
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { type FormClient, customer, signUpAndConfirm, staffClient } from '../src/accounts/testing.ts';
import { makeShop, newClient } from '../src/commerce/cart/testing.ts';
import { uploadLicenceKeys } from '../src/commerce/delivery/index.ts';
import { privacyModule, RETENTION_JOB } from '../src/privacy/index.ts';
import { paymentsTestBed, type PaymentsTestBed } from '../src/commerce/payments/testing.ts';
import { sealContext } from '../src/comms/index.ts';
import type { Db } from '../src/platform/db/database.ts';
import { enqueue } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { selfActor } from '../src/privacy/index.ts';
import { itemCountsByCategory, testActor } from '../src/privacy/testing.ts';
import { submitPayForm } from '../src/sandbox-processor/testing.ts';
import { addToCart, address, guest, keyOf, pathOf, sandboxSession } from './checkout-support.ts';
import { ada, rightsBed, signUp, waitForRequest } from './rights-support.ts';

const password = 'granite-heron-58-waits-patiently';
const bank = { holder: 'Grace Hopper', routing: '110000000', account: '000123456789' };
const billingIn = (country: 'US' | 'DE') =>
  country === 'DE'
    ? { billing_line1: '3 Unter den Linden', billing_line2: '', billing_postal_code: '10117', billing_city: 'Berlin', billing_country: 'DE' }
    : { billing_line1: '2 Ledger Lane', billing_line2: '', billing_postal_code: '10002', billing_city: 'New York', billing_country: 'US' };
const png = (size: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(size - 8, 7)]);

async function multipart(app: FastifyInstance, client: FormClient, url: string, file: { data: Buffer; type: string; name: string } | null): Promise<LightMyRequestResponse> {
  const body = new FormData();
  body.append('_csrf', client.csrf);
  if (file) body.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
  const request = new Request('http://localhost/', { method: 'POST', body });
  const payload = Buffer.from(await request.arrayBuffer());
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return app.inject({ method: 'POST', url, headers: { cookie, accept: 'text/html', 'content-type': request.headers.get('content-type')! }, payload });
}

async function setRules(owner: FormClient, rules: Record<string, string>): Promise<void> {
  assert.equal((await owner.get('/staff/risk-rules')).statusCode, 200);
  const saved = await owner.post('/staff/risk-rules', { country_mismatch: '', velocity_orders: '', velocity_hours: '', amount: '', ...rules });
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
}

/** A buyer (a guest unless `buyer` is signed in) orders a router and a licence by bank account, billing in `country`, and pays on the processor's page. */
async function bankOrder(bed: PaymentsTestBed, db: Db, shop: Awaited<ReturnType<typeof makeShop>>, country: 'US' | 'DE', buyer = newClient(bed.app), who = guest) {
  await addToCart(buyer, 'router', shop.rtr1);
  await addToCart(buyer, 'vpn-licence', shop.vpn);
  const form = await buyer.get('/checkout?method=bank-account');
  const started = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'bank-account', ...who, ...address, ...billingIn(country) });
  assert.equal(started.statusCode, 303, started.body.slice(0, 500));
  const paid = await submitPayForm(started.headers.location as string, bank);
  assert.equal(paid.status, 303);
  assert.equal((await buyer.get(pathOf(paid.location!))).statusCode, 303);
  const { rows } = await sql<{ id: string; number: string; status: string; customer_subject: string; total_minor: number; processor_ref: string }>`
    select o.id, o.number, o.status, o.customer_subject, o.total_minor, p.processor_ref from orders o join payments_attempts p on p.order_id = o.id
    order by o.created_at desc, o.number desc limit 1`.execute(db);
  return { buyer, ...rows[0]! };
}

async function proofLink(db: Db, bed: PaymentsTestBed, orderNumber: string): Promise<{ path: string; plain: string }> {
  const { rows } = await sql<{ id: string; subject_id: string; params: Record<string, string>; sealed_params: Buffer | null }>`
    select id, subject_id, params, sealed_params from comms_outbox where template = 'fraud.proof-request' and params->>'number' = ${orderNumber}`.execute(db);
  assert.equal(rows.length, 1, 'the buyer is mailed the link once');
  const row = rows[0]!;
  const secrets = JSON.parse(await bed.app.privacy.openSecret(db, { subject: row.subject_id, context: sealContext(row.id), sealed: Buffer.from(row.sealed_params!) })) as { link: string };
  return { path: new URL(secrets.link).pathname, plain: JSON.stringify(row.params) };
}

/** The buyer's items of proof of identity (the kernel's test helper counts them by category). */
const proofItems = async (db: Db, subject: string) => (await itemCountsByCategory(db, subject)).find((c) => c.category === 'user.government_id')?.n ?? 0;
/** The privacy officer's reads under fraud-prevention in the buyer's own access log. */
const officerReads = async (app: FastifyInstance, db: Db, subject: string) =>
  (await app.privacy.accessLog(db, { subject, actor: selfActor(subject) })).filter((e) => e.by === 'staff' && e.byDetail === 'dpo' && e.purpose === 'fraud-prevention' && e.action === 'data.read')
    .length;
const count = async (db: Db, query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(db)).rows[0]!.n;
const statusOf = async (db: Db, id: string) => (await sql<{ status: string }>`select status from orders where id = ${id}`.execute(db)).rows[0]!.status;

testEachDatabase(
  '[P000-07] a paid order whose billing and delivery countries differ is held before delivery and its buyer mailed an upload link; the proof uploaded by the link is opened by the privacy officer (audited), approving releases the order and its licence key, and the purge job erases the proof when its retention ends',
  async (database, t) => {
    const bed = await paymentsTestBed(database);
    t.after(() => bed.close());
    const { app } = bed;
    const db = database.db;
    const shop = await makeShop(db);
    await uploadLicenceKeys(app.privacy, db, { variantId: shop.vpn, text: 'VPN-FRAUD-KEY-0001', by: 'system:test' });
    const owner = await staffClient(app, db, { name: 'Olga Owner', email: 'owner@shop.example', role: 'owner', password });
    const dpo = await staffClient(app, db, { name: 'Dana Dpo', email: 'dpo@shop.example', role: 'dpo', password });

    // The owner turns the country rule on; a wrong value is named.
    await owner.get('/staff/risk-rules');
    const wrong = await owner.post('/staff/risk-rules', { country_mismatch: 'on', velocity_orders: '1', velocity_hours: '', amount: 'lots' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /id="f-velocity_orders-error"[^>]*>must be a whole number from 2 to 100/);
    assert.match(wrong.body, /id="f-amount-error"/);
    await setRules(owner, { country_mismatch: 'on' });
    assert.match((await owner.get('/staff/risk-rules')).body, /name="country_mismatch" value="on" checked/);

    const order = await bankOrder(bed, db, shop, 'DE');
    assert.equal(order.status, 'on_hold', 'held after payment');
    const held = (await sql<{ reason: string }>`select reason from orders_transitions where order_id = ${order.id} and to_status = 'on_hold'`.execute(db)).rows;
    assert.deepEqual(held, [{ reason: 'awaiting_proof_of_identity' }]);
    assert.equal(await count(db, sql<{ n: number }>`select count(*)::int as n from delivery_keys where order_id = ${order.id}`), 0, 'no licence key while held');
    const review = (await sql<{ rules: string[]; state: string }>`select rules, state from fraud_reviews where order_id = ${order.id}`.execute(db)).rows[0]!;
    assert.deepEqual(review, { rules: ['country_mismatch'], state: 'awaiting_proof' }, 'the rule that fired, and no country, is recorded');

    // The buyer's mail carries the link; its token is sealed in the outbox and kept only hashed.
    const link = await proofLink(db, bed, order.number);
    const token = link.path.split('/').at(-1)!;
    assert.match(link.path, /^\/identity\/[A-Za-z0-9_-]{43}$/);
    assert.ok(!link.plain.includes(token), 'the outbox keeps the link sealed');
    assert.equal(await count(db, sql<{ n: number }>`select count(*)::int as n from fraud_reviews where position(convert_to(${token}, 'UTF8') in token_hash) > 0`), 0);
    assert.match((await order.buyer.get(`/checkout/done/${order.id}`)).body, /Use the link we mailed you/);

    // Bad uploads are refused naming the field; nothing is stored.
    const visitor = newClient(app);
    const badLink = await visitor.get('/identity/not-a-token');
    assert.equal(badLink.statusCode, 400);
    assert.match(badLink.body, /link’s token is not valid/);
    assert.equal((await visitor.get(link.path)).statusCode, 200);
    const badToken = await multipart(app, visitor, `/identity/${'x'.repeat(43)}`, { data: png(2000), type: 'image/png', name: 'id.png' });
    assert.equal(badToken.statusCode, 400);
    assert.match(badToken.body, /token is not valid/);
    const wrongType = await multipart(app, visitor, link.path, { data: Buffer.from('just some text'), type: 'image/png', name: 'id.png' });
    assert.equal(wrongType.statusCode, 400, wrongType.body.slice(0, 300));
    assert.match(wrongType.body, /id="f-file-error">must be a JPEG or PNG image or a PDF document/);
    const tooLarge = await multipart(app, visitor, link.path, { data: png(5 * 1024 * 1024 + 100), type: 'image/png', name: 'id.png' });
    assert.equal(tooLarge.statusCode, 400, tooLarge.body.slice(0, 300));
    assert.match(tooLarge.body, /id="f-file-error">is larger than 5 MB/);
    const none = await multipart(app, visitor, link.path, null);
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /id="f-file-error">is required/);
    assert.equal(await proofItems(db, order.customer_subject), 0);

    // A proof by the link: kept encrypted, in parts, as the buyer's kernel items.
    const document = png(100_000);
    const sent = await multipart(app, visitor, link.path, { data: document, type: 'image/png', name: 'id.png' });
    assert.equal(sent.statusCode, 200, sent.body.slice(0, 300));
    assert.match(sent.body, /we received your proof of identity/);
    assert.equal(await proofItems(db, order.customer_subject), 3, 'in three parts');
    assert.equal(await count(db, sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = 'fraud.proof-received'`), 1, 'the privacy officer is told');

    // The owner may not see proof of identity; the privacy officer opens it, and the read is audited.
    assert.equal((await owner.get('/staff/dpo/identity')).statusCode, 403);
    assert.match((await owner.get(`/staff/orders/${order.number}`)).body, /Identity check/);
    const list = await dpo.get('/staff/dpo/identity');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, new RegExp(`<a href="/staff/dpo/identity/${order.number}">${order.number}</a>`));
    const page = await dpo.get(`/staff/dpo/identity/${order.number}`);
    assert.match(page.body, /Proof received; waiting for your decision/);
    assert.match(page.body, /Billing and delivery countries differ/);
    const before = await officerReads(app, db, order.customer_subject);
    const opened = await dpo.get(`/staff/dpo/identity/${order.number}/proof`);
    assert.equal(opened.statusCode, 200);
    assert.equal(opened.headers['content-type'], 'image/png');
    assert.ok(opened.rawPayload.equals(document), 'the document as uploaded');
    const after = await officerReads(app, db, order.customer_subject);
    assert.ok(after > before, 'the look is in the buyer’s access log');

    // Approving releases the order: back to paid, its licence key handed out, the buyer mailed.
    const mails = await count(db, sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = 'orders.status' and subject_id = ${order.customer_subject}`);
    await dpo.get(`/staff/dpo/identity/${order.number}`);
    assert.equal((await dpo.post(`/staff/dpo/identity/${order.number}/approve`, {})).statusCode, 303);
    assert.equal(await statusOf(db, order.id), 'paid');
    assert.equal(await count(db, sql<{ n: number }>`select count(*)::int as n from delivery_keys where order_id = ${order.id} and state = 'assigned'`), 1);
    assert.ok((await count(db, sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = 'orders.status' and subject_id = ${order.customer_subject}`)) > mails);
    assert.match((await dpo.get(`/staff/dpo/identity/${order.number}`)).body, /Approved; the order was released/);
    assert.equal((await visitor.get(link.path)).statusCode, 400, 'the link ends with the decision');

    // The retention ends (the upload moved back past the map's 90 days): the kernel's retention
    // engine, run by the job runner, erases the proof.
    await sql`update fraud_reviews set proof_received_at = now() - interval '91 days' where order_id = ${order.id}`.execute(db);
    const worker = testWorker(database, { ...privacyModule.jobs }, { services: { config: bed.config, privacy: app.privacy, wiring: app.wiring } });
    await worker.start();
    t.after(() => worker.stop(5000));
    await enqueue(db, RETENTION_JOB);
    await waitFor('the proof is purged', async () => (await count(db, sql<{ n: number }>`select count(*)::int as n from fraud_reviews where purged_at is not null`)) === 1 || null);
    assert.equal(await proofItems(db, order.customer_subject), 0, 'erased, not marked');
    const purgedPage = (await dpo.get(`/staff/dpo/identity/${order.number}`)).body;
    assert.match(purgedPage, /was deleted on \d{4}-\d{2}-\d{2}, when its retention ended/);
    assert.doesNotMatch(purgedPage, /id="proof-link"/);
    assert.equal((await dpo.get(`/staff/dpo/identity/${order.number}/proof`)).statusCode, 404);
    assert.match((await order.buyer.get(`/checkout/done/${order.id}`)).body, /You sent a proof of identity on .* It was deleted on/);
  },
);

testEachDatabase(
  '[P000-07] the privacy officer rejects a held order: it is cancelled, its stock returned and its payment refunded; an order matching no rule is not held; the signed-in buyer uploads from their order page and their export lists the check and the proof; an order matching the velocity and amount rules is held',
  async (database, t) => {
    const bed = await paymentsTestBed(database);
    t.after(() => bed.close());
    const { app } = bed;
    const db = database.db;
    const shop = await makeShop(db);
    await uploadLicenceKeys(app.privacy, db, { variantId: shop.vpn, text: 'VPN-FRAUD-KEY-0002\nVPN-FRAUD-KEY-0003', by: 'system:test' });
    const owner = await staffClient(app, db, { name: 'Olga Owner', email: 'owner@shop.example', role: 'owner', password });
    const dpo = await staffClient(app, db, { name: 'Dana Dpo', email: 'dpo@shop.example', role: 'dpo', password });
    await setRules(owner, { country_mismatch: 'on', amount: '100000' });

    // Billing and delivery in one country, under the amount: not held, delivered at once.
    const fine = await bankOrder(bed, db, shop, 'US');
    assert.equal(fine.status, 'paid');
    assert.equal(await count(db, sql<{ n: number }>`select count(*)::int as n from fraud_reviews where order_id = ${fine.id}`), 0);
    assert.equal(await count(db, sql<{ n: number }>`select count(*)::int as n from delivery_keys where order_id = ${fine.id}`), 1);

    // A signed-in customer's mismatched order is held; they upload from their order page.
    const buyer = newClient(app);
    await signUpAndConfirm(buyer, db);
    await buyer.post('/account/login', { email: customer.email, password: customer.password });
    const stockBefore = (await sql<{ stock: number }>`select stock from catalogue_variants where id = ${shop.rtr1}`.execute(db)).rows[0]!.stock;
    const order = await bankOrder(bed, db, shop, 'DE', buyer, { name: customer.name, email: customer.email, age: 'adult' });
    assert.equal(order.status, 'on_hold');
    const orderPage = await buyer.get(`/account/orders/${order.number}`);
    assert.match(orderPage.body, new RegExp(`href="/account/orders/${order.number}/identity"`));
    assert.equal((await buyer.get(`/account/orders/${order.number}/identity`)).statusCode, 200);
    const pdf = Buffer.from('%PDF-1.4\n% a scanned identity card\n%%EOF\n');
    const sent = await multipart(app, buyer, `/account/orders/${order.number}/identity`, { data: pdf, type: 'application/pdf', name: 'id.pdf' });
    assert.equal(sent.statusCode, 200, sent.body.slice(0, 300));
    assert.equal((await newClient(app).get(`/account/orders/${order.number}/identity`)).statusCode, 303, 'only the signed-in buyer');

    // Their export lists the check and holds the proof among their items.
    const exported = await buyer.get('/account/privacy/export.json');
    assert.equal(exported.statusCode, 200);
    const sections = (JSON.parse(exported.body) as { sections: { id: string; records: Record<string, unknown>[] }[] }).sections;
    const checks = sections.find((s) => s.id === 'identity-checks')!;
    assert.equal(checks.records[0]!.order, order.number);
    assert.equal(checks.records[0]!.state, 'proof_received');
    const items = sections.find((s) => s.id === 'personal-data')!.records.filter((r) => r.category === 'user.government_id');
    assert.equal(items.length, 1);
    assert.equal(Buffer.from((items[0]!.value as { data: string }).data, 'base64').toString(), pdf.toString());

    // Staff cannot release it from the orders console while the check is open.
    await owner.get(`/staff/orders/${order.number}`);
    const ask = await owner.post(`/staff/orders/${order.number}/transition`, { to: 'paid', reason: '', amount: '' });
    const confirmed = Object.fromEntries([...ask.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const release = ask.statusCode === 200 && confirmed.confirm ? await owner.post(`/staff/orders/${order.number}/transition`, confirmed) : ask;
    assert.equal(release.statusCode, 409, release.body.slice(0, 300));
    assert.match(release.body, /waits for an identity check/);
    assert.equal(await statusOf(db, order.id), 'on_hold');

    // Rejected: cancelled with the reason, stock back, refunded at the processor, the buyer mailed.
    await dpo.get(`/staff/dpo/identity/${order.number}`);
    const asked = await dpo.post(`/staff/dpo/identity/${order.number}/reject`, {});
    assert.equal(asked.statusCode, 200);
    assert.match(asked.body, /<h1 id="confirm-title">Reject order C-\d+\?<\/h1>\n<p class="consequence">The order is cancelled, its stock put back and \$[\d.]+ refunded to the buyer/);
    assert.equal(await statusOf(db, order.id), 'on_hold', 'nothing happens before the confirmation');
    assert.equal((await dpo.post(`/staff/dpo/identity/${order.number}/reject`, { confirm: '1' })).statusCode, 303);
    assert.equal(await statusOf(db, order.id), 'cancelled');
    const cancelled = (await sql<{ reason: string; amount_minor: number }>`select reason, amount_minor from orders_transitions where order_id = ${order.id} and to_status = 'cancelled'`.execute(db))
      .rows[0]!;
    assert.deepEqual(cancelled, { reason: 'identity_not_confirmed', amount_minor: order.total_minor });
    assert.equal((await sandboxSession(bed, order.processor_ref)).refunded_minor, order.total_minor);
    assert.equal((await sql<{ stock: number }>`select stock from catalogue_variants where id = ${shop.rtr1}`.execute(db)).rows[0]!.stock, stockBefore);
    assert.equal(await count(db, sql<{ n: number }>`select count(*)::int as n from delivery_keys where order_id = ${order.id}`), 0, 'no key ever went out');
    assert.match((await buyer.get(`/account/orders/${order.number}`)).body, /We could not confirm who placed this order/);
    assert.match((await dpo.get(`/staff/dpo/identity/${order.number}`)).body, /Rejected; the order was cancelled and refunded/);
    assert.equal((await dpo.post(`/staff/dpo/identity/${order.number}/approve`, {})).statusCode, 409, 'decided once');

    // Many orders from one buyer, or a large total: the buyer's next order matches both rules.
    await setRules(owner, { velocity_orders: '2', velocity_hours: '24', amount: '1' });
    const again = await bankOrder(bed, db, shop, 'US');
    assert.equal(again.status, 'on_hold');
    assert.deepEqual((await sql<{ rules: string[] }>`select rules from fraud_reviews where order_id = ${again.id}`.execute(db)).rows[0]!.rules, ['velocity', 'amount']);
  },
);

testEachDatabase(
  'a buyer whose order waits for an identity check deletes their account: the order is cancelled and refunded, its link ends, the check records that the proof went, and the proof is no longer readable',
  async (database, t) => {
    const bed = await rightsBed(database, { env: { CHECKOUT_REQUIRE_PHONES: 'false' } });
    t.after(() => bed.stopAll());
    const { app } = bed;
    const db = database.db;
    const shop = await makeShop(db);
    const owner = await staffClient(app, db, { name: 'Olga Owner', email: 'owner@shop.example', role: 'owner', password });
    await setRules(owner, { country_mismatch: 'on' });
    const buyer = newClient(app);
    await signUp(bed, buyer, ada);
    const order = await bankOrder(bed, db, shop, 'DE', buyer, { name: ada.name, email: ada.email, age: 'adult' });
    assert.equal(order.status, 'on_hold');
    // The mail as the buyer receives it carries the link.
    const mail = await bed.sink!.waitForMail((m) => m.to.some((to) => to.includes(ada.email)) && /confirm your identity/.test(m.subject), 20_000);
    const link = { path: /https?:\/\/[^\s"<]+(\/identity\/[A-Za-z0-9_-]{43})/.exec(mail.text)![1]! };
    await buyer.get(`/account/orders/${order.number}/identity`);
    assert.equal((await multipart(app, buyer, `/account/orders/${order.number}/identity`, { data: png(3000), type: 'image/png', name: 'id.png' })).statusCode, 200);

    await buyer.get('/account/privacy/delete');
    assert.equal((await buyer.post('/account/privacy/delete', { password: ada.password })).statusCode, 200);
    await waitForRequest(db, 'completed');
    assert.equal(await statusOf(db, order.id), 'cancelled');
    assert.equal((await sandboxSession(bed, order.processor_ref)).refunded_minor, order.total_minor);
    const review = (
      await sql<{ state: string; purged: boolean; token: boolean }>`
    select state, purged_at is not null as purged, token_hash is not null as token from fraud_reviews where order_id = ${order.id}`.execute(db)
    ).rows[0]!;
    assert.deepEqual(review, { state: 'closed', purged: true, token: false });
    assert.equal((await newClient(app).get(link.path)).statusCode, 400, 'the link ends');
    await assert.rejects(
      app.privacy
        .readMany(db, { actor: testActor('fraud'), purpose: 'fraud-prevention', categories: ['user.government_id'], items: [{ subject: order.customer_subject, ref: `fraud:${order.id}:proof:0` }] })
        .then((r) => {
          if (r[0]!.ok) throw new Error('still readable');
          return Promise.reject(new Error(r[0]!.reason));
        }),
      /erased/,
    );
  },
);
