// Downloadable files and unit-wise revocation end to end over HTTP with the sandbox processor
// (decision 0048): the owner uploads a file for a digital variant; a paid order gets a signed,
// expiring link by mail and on the order page; the file downloads; an expired or forged link is
// refused, and so is the link of a refunded order. A partial refund naming one unit revokes only
// that unit's key and download. A product that runs out of keys mails its vendor's users and the
// vendor portal shows how many orders wait.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { customer, type FormClient, signUpAndConfirm, staffClient } from '../src/accounts/testing.ts';
import { commsModule } from '../src/comms/index.ts';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { type CartClient, makeShop, newClient } from '../src/commerce/cart/testing.ts';
import { createProduct, createVendor } from '../src/commerce/catalogue/index.ts';
import { deliveryModule, downloadPath } from '../src/commerce/delivery/index.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import type { Db } from '../src/platform/db/database.ts';
import type { JobContext } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { submitPayForm, TEST_CARD } from '../src/sandbox-processor/testing.ts';
import { addToCart, keyOf } from './checkout-support.ts';
import { accept, vendorUser } from './vendor-support.ts';

const password = 'granite-heron-58-waits-patiently';
const INSTALLER = Buffer.concat([Buffer.from('VPN-INSTALLER-v2\n'), Buffer.alloc(200_000, 7), Buffer.from('\nEND')]);

/** A multipart POST of `fields` and, optionally, one file, as the signed-in `client`. */
async function multipart(
  app: FastifyInstance,
  client: FormClient,
  url: string,
  fields: Record<string, string>,
  file?: { name: string; data: Buffer; field?: string },
): Promise<LightMyRequestResponse> {
  const body = new FormData();
  body.append('_csrf', client.csrf);
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  if (file) body.append(file.field ?? 'file', new Blob([file.data], { type: 'application/octet-stream' }), file.name);
  const request = new Request('http://localhost/', { method: 'POST', body });
  const payload = Buffer.from(await request.arrayBuffer());
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return app.inject({ method: 'POST', url, headers: { cookie, accept: 'text/html', 'content-type': request.headers.get('content-type')! }, payload });
}

const linksOn = (body: string) => [...body.matchAll(/<a class="download-link" href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
const keysOn = (body: string) => [...body.matchAll(/<code class="licence-key">([^<]+)<\/code>/g)].map((m) => m[1]!);
const one = async <T>(db: Db, query: ReturnType<typeof sql<T>>) => (await query.execute(db)).rows[0]!;

/** The signed-in buyer orders `quantity` of the licence by card and pays on the processor's page; returns the order. */
async function buyLicence(db: Db, buyer: CartClient | FormClient, variant: string, quantity = '1', who = customer): Promise<{ id: string; number: string }> {
  await addToCart(buyer as CartClient, 'vpn-licence', variant, quantity);
  const form = await buyer.get('/checkout');
  const started = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'card', name: who.name, email: who.email, age: 'adult' });
  assert.equal(started.statusCode, 303, started.body.slice(0, 500));
  assert.equal((await submitPayForm(started.headers.location as string, TEST_CARD)).status, 303);
  const row = await one(
    db,
    sql<{ id: string; number: string; payment_id: string }>`
    select o.id, o.number, p.id as payment_id from orders o join payments_attempts p on p.order_id = o.id order by o.created_at desc, o.number desc limit 1`,
  );
  assert.equal((await buyer.get(`/checkout/return/${row.payment_id}`)).statusCode, 303);
  return { id: row.id, number: row.number };
}

/** Staff refund `amount` of the order on the console, naming units given back, and confirm it. */
async function refund(owner: FormClient, number: string, amount: string, units: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  await owner.get(`/staff/orders/${number}`);
  const ask = await owner.post(`/staff/orders/${number}/transition`, { to: 'refunded', reason: '', amount, ...units });
  assert.equal(ask.statusCode, 200, ask.body.slice(0, 500));
  const confirmed = Object.fromEntries([...ask.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const done = await owner.post(`/staff/orders/${number}/transition`, confirmed);
  assert.equal(done.statusCode, 303, done.body.slice(0, 500));
  return ask;
}

testEachDatabase(
  'downloads: a paid order of a downloadable product gets a signed link by mail and on the order page; the file downloads; an expired or forged link is refused; after a refund the link is refused',
  async (database, t) => {
    const sink = await startSmtpSink();
    t.after(() => sink.stop());
    const bed = await paymentsTestBed(database, { SMTP_URL: sink.url, DOWNLOAD_MAX_MB: '1' });
    t.after(() => bed.close());
    const { app } = bed;
    const db = database.db;
    const shop = await makeShop(db);
    const owner = await staffClient(app, db, { name: 'Olga Owner', email: 'owner@shop.example', role: 'owner', password });

    // The owner reaches the file page from the product page and uploads the installer.
    const filePath = `/staff/catalogue/products/${shop.licence.id}/download`;
    assert.match((await owner.get(`/staff/catalogue/products/${shop.licence.id}`)).body, new RegExp(`href="${filePath}"`));
    assert.equal((await owner.get(filePath)).statusCode, 200);
    const tooBig = await multipart(app, owner, filePath, { variant: shop.vpn }, { name: 'big.bin', data: Buffer.alloc(1024 * 1024 + 10, 1) });
    assert.equal(tooBig.statusCode, 400, 'a file over DOWNLOAD_MAX_MB is refused');
    assert.match(tooBig.body, /is larger than 1 MB/);
    const none = await multipart(app, owner, filePath, { variant: shop.vpn });
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /File.*is required|file: is required/s);
    const uploaded = await multipart(app, owner, filePath, { variant: shop.vpn }, { name: '../VPN Setup 2.exe', data: INSTALLER });
    assert.equal(uploaded.statusCode, 303, uploaded.body.slice(0, 500));
    assert.match((await owner.get(uploaded.headers.location as string)).body, /The file is uploaded\.[\s\S]*VPN Setup 2\.exe/);
    // Stored sealed under DATA_DIR/downloads: the installer's bytes are not in the file.
    const stored = readdirSync(join(bed.config.dataDir, 'downloads'));
    assert.equal(stored.length, 1);
    assert.equal(readFileSync(join(bed.config.dataDir, 'downloads', stored[0]!)).includes(Buffer.from('VPN-INSTALLER')), false);

    const buyer = newClient(app);
    await signUpAndConfirm(buyer, db);
    const worker = testWorker(database, { ...commsModule.jobs, ...deliveryModule.jobs }, { services: { config: bed.config, privacy: app.privacy, wiring: app.wiring } });
    await worker.start();
    t.after(() => worker.stop(5000));
    const order = await buyLicence(db, buyer, shop.vpn);
    assert.equal((await one(db, sql<{ status: string }>`select status from orders where id = ${order.id}`)).status, 'paid');

    // The order page: a link made for this visit, with nothing about the buyer in it.
    const page = await buyer.get(`/account/orders/${order.number}`);
    assert.match(page.body, /<h2>Your downloads<\/h2>/);
    const [link] = linksOn(page.body);
    assert.ok(link, 'the order page links the download');
    assert.match(link, /^\/downloads\/[0-9a-f-]{36}\?expires=\d+&sig=[A-Za-z0-9_-]{43}$/);
    assert.ok(!link.includes(order.number) && !link.includes(order.id), 'the link names neither the order nor the buyer');
    const expires = Number(new URL(link, 'http://x').searchParams.get('expires'));
    const days = (expires * 1000 - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `the link works for DOWNLOAD_LINK_DAYS (7) days (${days})`);

    const got = await app.inject({ method: 'GET', url: link });
    assert.equal(got.statusCode, 200);
    assert.ok(got.rawPayload.equals(INSTALLER), 'the file downloads whole');
    assert.equal(got.headers['content-type'], 'application/octet-stream');
    assert.equal(got.headers['content-disposition'], `attachment; filename="VPN Setup 2.exe"; filename*=UTF-8''VPN%20Setup%202.exe`);
    assert.match(String(got.headers['cache-control']), /no-store/);

    // By mail, through the outbox (the link is sealed there until sent).
    const mail = await sink.waitForMail((m) => m.subject.includes('downloads'), 20_000);
    assert.ok(mail.to.some((to) => to.includes(customer.email)));
    const mailed = /(http:\/\/[^\s]+\/downloads\/[^\s]+)/.exec(mail.text)?.[1];
    assert.ok(mailed, 'the mail carries a link');
    const fromMail = await app.inject({ method: 'GET', url: new URL(mailed).pathname + new URL(mailed).search });
    assert.equal(fromMail.statusCode, 200);
    assert.ok(fromMail.rawPayload.equals(INSTALLER));
    assert.equal((await one(db, sql<{ n: number }>`select count(*)::int as n from comms_outbox where params::text like '%/downloads/%'`)).n, 0, 'no link in the outbox in plain text');

    // Forged: another signature, or a later expiry under the old signature.
    const url = new URL(link, 'http://x');
    const sig = url.searchParams.get('sig')!;
    const forged = await app.inject({ method: 'GET', url: `${url.pathname}?expires=${expires}&sig=${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`, headers: { accept: 'text/html' } });
    assert.equal(forged.statusCode, 403);
    assert.match(forged.body, /This download link is not valid/);
    const lengthened = await app.inject({ method: 'GET', url: `${url.pathname}?expires=${expires + 86_400}&sig=${sig}`, headers: { accept: 'text/html' } });
    assert.equal(lengthened.statusCode, 403);
    assert.equal((await app.inject({ method: 'GET', url: url.pathname })).statusCode, 403, 'no signature, no file');
    // Expired: a correctly signed link whose time is up.
    const id = url.pathname.split('/').pop()!;
    const expired = await app.inject({ method: 'GET', url: downloadPath(app.privacy, id, new Date(Date.now() - 1000)), headers: { accept: 'text/html' } });
    assert.equal(expired.statusCode, 410);
    assert.match(expired.body, /This download link has expired\. Open your order page for a fresh link\./);

    // Staff see the download granted, never a link.
    const staffPage = (await owner.get(`/staff/orders/${order.number}`)).body;
    assert.match(staffPage, /<h2>Downloads<\/h2>/);
    assert.ok(!staffPage.includes('/downloads/'), 'no link on the staff page');

    // A refund of the whole order revokes it: the link and the mailed one are refused.
    await refund(owner, order.number, '');
    for (const revoked of [link, new URL(mailed).pathname + new URL(mailed).search]) {
      const res = await app.inject({ method: 'GET', url: revoked, headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 410);
      assert.match(res.body, /This download is no longer available: the order was refunded or cancelled\./);
    }
    const after = await buyer.get(`/account/orders/${order.number}`);
    assert.deepEqual(linksOn(after.body), []);
    assert.match(after.body, /No longer available \(refunded or cancelled\)/);
  },
);

testEachDatabase("refunds: a partial refund naming one unit revokes only that unit's licence key and download; one naming none keeps them", async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const { app } = bed;
  const db = database.db;
  const shop = await makeShop(db);
  const owner = await staffClient(app, db, { name: 'Olga Owner', email: 'owner@shop.example', role: 'owner', password });
  const keysPath = `/staff/catalogue/products/${shop.licence.id}/licence-keys`;
  await owner.get(keysPath);
  assert.equal(
    (await multipart(app, owner, keysPath, { variant: shop.vpn, keys: 'VPN-UNIT-AAAA-0001\nVPN-UNIT-BBBB-0002\nVPN-UNIT-CCCC-0003\nVPN-UNIT-DDDD-0004\nVPN-UNIT-EEEE-0005' })).statusCode,
    303,
  );
  await owner.get(`/staff/catalogue/products/${shop.licence.id}/download`);
  assert.equal((await multipart(app, owner, `/staff/catalogue/products/${shop.licence.id}/download`, { variant: shop.vpn }, { name: 'vpn.zip', data: INSTALLER })).statusCode, 303);

  const buyer = newClient(app);
  await signUpAndConfirm(buyer, db);
  const order = await buyLicence(db, buyer, shop.vpn, '2');
  const page = await buyer.get(`/account/orders/${order.number}`);
  const keys = keysOn(page.body);
  assert.equal(keys.length, 2, 'two units, two keys');
  assert.match(page.body, /Download \(2 licences\)/);
  const [link] = linksOn(page.body);

  // The console's refund form names the units given back; the confirmation says what stops working.
  const ask = await refund(owner, order.number, '49.99', { 'units.0': '1' });
  assert.match(ask.body, /Units given back: 1 × VPN Licence; their licence keys and downloads stop working\./);
  const states = (await sql<{ state: string; n: number }>`select state, count(*)::int as n from delivery_keys where order_id = ${order.id} group by state order by state`.execute(db)).rows;
  assert.deepEqual(states, [
    { state: 'assigned', n: 1 },
    { state: 'revoked', n: 1 },
  ]);
  const downloads = (await sql<{ state: string; n: number }>`select state, count(*)::int as n from delivery_downloads where order_id = ${order.id} group by state order by state`.execute(db)).rows;
  assert.deepEqual(downloads, [
    { state: 'revoked', n: 1 },
    { state: 'valid', n: 1 },
  ]);
  const after = await buyer.get(`/account/orders/${order.number}`);
  const left = keysOn(after.body);
  assert.equal(left.length, 1, 'the kept unit still shows its key');
  assert.ok(keys.includes(left[0]!));
  assert.match(after.body, /no longer valid/);
  const [kept] = linksOn(after.body);
  assert.ok(kept, 'the kept unit can still download');
  assert.equal((await app.inject({ method: 'GET', url: kept })).statusCode, 200);
  // The link the page made before names the line's first download, the kept one; the unit given
  // back (the last granted) is refused even with a freshly signed link.
  assert.equal((await app.inject({ method: 'GET', url: link! })).statusCode, 200);
  const revokedId = (await one(db, sql<{ id: string }>`select id from delivery_downloads where order_id = ${order.id} and state = 'revoked'`)).id;
  const refused = await app.inject({ method: 'GET', url: downloadPath(app.privacy, revokedId, new Date(Date.now() + 3_600_000)), headers: { accept: 'text/html' } });
  assert.equal(refused.statusCode, 410);
  assert.match(refused.body, /no longer available/);

  // A partial refund naming no unit is a price adjustment: the buyer keeps both keys.
  const second = await buyLicence(db, buyer, shop.vpn, '2');
  const ask2 = await refund(owner, second.number, '5.00');
  assert.match(ask2.body, /No unit is named as given back: the buyer keeps every licence key and download\./);
  assert.equal((await one(db, sql<{ n: number }>`select count(*)::int as n from delivery_keys where order_id = ${second.id} and state = 'assigned'`)).n, 2);
  // Naming more units than the line has is refused, naming the field.
  const third = await buyLicence(db, buyer, shop.vpn, '1');
  await owner.get(`/staff/orders/${third.number}`);
  const tooMany = await owner.post(`/staff/orders/${third.number}/transition`, { to: 'refunded', reason: '', amount: '10.00', 'units.0': '2', confirm: '1' });
  assert.equal(tooMany.statusCode, 400);
  assert.match(tooMany.body, /units: VPN Licence \(line 0\): give back between 1 and 1 unit\b/);
  assert.equal((await one(db, sql<{ status: string }>`select status from orders where id = ${third.id}`)).status, 'paid', 'nothing happened');
  // The staff API names units the same way.
  const byApi = await owner.json('POST', `/api/staff/orders/${third.number}/transitions`, { to: 'refunded', amount_minor: 1000, units: [{ line: 0, quantity: 1 }] });
  assert.equal(byApi.statusCode, 200, byApi.body);
  assert.equal((await one(db, sql<{ n: number }>`select count(*)::int as n from delivery_keys where order_id = ${third.id} and state = 'revoked'`)).n, 1);
  assert.equal((await one(db, sql<{ n: number }>`select count(*)::int as n from delivery_downloads where order_id = ${third.id} and state = 'revoked'`)).n, 1);
});

testEachDatabase(
  "out of keys: the vendor's users are mailed once per product and hour, and the vendor portal shows the orders waiting; a vendor user uploads its own product's file",
  async (database, t) => {
    const bed = await paymentsTestBed(database);
    t.after(() => bed.close());
    const { app } = bed;
    const db = database.db;
    const shop = await makeShop(db);
    const owner = await staffClient(app, db, { name: 'Olga Owner', email: 'owner@shop.example', role: 'owner', password });
    const vendor = await one(db, sql<{ id: string; name: string }>`select v.id, v.name from catalogue_vendors v join catalogue_products p on p.vendor_id = v.id where p.id = ${shop.licence.id}`);
    const vic = await vendorUser(bed, owner, vendor, 'vic@vendor.example');
    await vendorUser(bed, owner, vendor, 'val@vendor.example');
    await accept(vic);
    await owner.get(`/staff/catalogue/products/${shop.licence.id}/licence-keys`);
    assert.equal((await multipart(app, owner, `/staff/catalogue/products/${shop.licence.id}/licence-keys`, { variant: shop.vpn, keys: 'VPN-LAST-KEY-0001' })).statusCode, 303);

    // Two orders of two units each: the first gets the one key and waits for one more; the second waits for two.
    for (const i of [1, 2]) {
      const buyer = newClient(app);
      await buyLicence(db, buyer, shop.vpn, '2', { ...customer, name: `Buyer ${i}`, email: `buyer${i}@example.com` });
    }
    assert.equal((await one(db, sql<{ n: number }>`select count(*)::int as n from orders where status = 'on_hold'`)).n, 2);
    const mails = (await sql<{ subject_id: string; idempotency_key: string }>`select subject_id, idempotency_key from comms_outbox where template = 'vendors.out-of-keys'`.execute(db)).rows;
    const users = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'vendor' and vendor_id = ${vendor.id}`.execute(db)).rows.map((r) => r.subject_id);
    assert.equal(users.length, 2);
    const hours = new Set(mails.map((m) => m.idempotency_key.split(':')[2]));
    assert.equal(mails.length, 2 * hours.size, 'each vendor user once per product and hour, not once per order');
    assert.deepEqual(new Set(mails.map((m) => m.subject_id)), new Set(users), "to the vendor's users");
    assert.ok((await one(db, sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = 'delivery.out-of-keys'`)).n >= 1, 'the owners are told too');

    // The vendor user uploads the file of its own product from the portal; another vendor's product is refused.
    const other = await createVendor(db, { slug: 'elsewhere', name: 'Elsewhere Software' });
    const theirs = await createProduct(db, { vendor_id: other.id, slug: 'their-tool', name: 'Their Tool', kind: 'digital', variants: [{ sku: 'TT-1', price_minor: 900 }] }, { currency: 'USD' });
    const downloads = await vic.get('/vendor/downloads');
    assert.equal(downloads.statusCode, 200);
    assert.ok(downloads.body.includes('VPN-1Y') && !downloads.body.includes('TT-1'), 'only its own digital products');
    const put = await multipart(app, vic, '/vendor/downloads', { variant: shop.vpn }, { name: 'vpn-setup.zip', data: INSTALLER });
    assert.equal(put.statusCode, 303, put.body.slice(0, 500));
    assert.match((await vic.get(put.headers.location as string)).body, /The file is uploaded\.[\s\S]*vpn-setup\.zip/);
    const refused = await multipart(app, vic, '/vendor/downloads', { variant: theirs.variants[0]!.id }, { name: 'x.zip', data: INSTALLER });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /is not one of your digital products/);
    assert.equal((await one(db, sql<{ n: number }>`select count(*)::int as n from delivery_files where variant_id = ${theirs.variants[0]!.id}`)).n, 0);

    const portal = await vic.get('/vendor/licence-keys');
    assert.equal(portal.statusCode, 200);
    assert.match(portal.body, /VPN Licence[^<]*\(VPN-1Y\): 2 paid orders wait for 3 keys\./);

    // Keys arrive from the portal; the release job fills both orders and the notice goes.
    assert.equal((await vic.post('/vendor/licence-keys', { variant: shop.vpn, keys: 'VPN-MORE-0001\nVPN-MORE-0002\nVPN-MORE-0003' })).statusCode, 303);
    const worker = testWorker(database, { ...deliveryModule.jobs }, { services: { config: bed.config, privacy: app.privacy, wiring: app.wiring } });
    await worker.start();
    t.after(() => worker.stop(5000));
    await waitFor('the waiting orders are released', async () => (await one(db, sql<{ n: number }>`select count(*)::int as n from orders where status = 'paid'`)).n === 2 || null);
    assert.doesNotMatch((await vic.get('/vendor/licence-keys')).body, /orders? waits?/);
  },
);

testEachDatabase('downloads: the scheduled sweep deletes files of DATA_DIR/downloads no row names once a day old, and keeps the live file and a young one', async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const { app } = bed;
  const db = database.db;
  const shop = await makeShop(db);
  const owner = await staffClient(app, db, { name: 'Olga Owner', email: 'owner@shop.example', role: 'owner', password });
  const filePath = `/staff/catalogue/products/${shop.licence.id}/download`;
  await owner.get(filePath);
  assert.equal((await multipart(app, owner, filePath, { variant: shop.vpn }, { name: 'v1.zip', data: INSTALLER })).statusCode, 303);
  await owner.get(filePath);
  assert.equal((await multipart(app, owner, filePath, { variant: shop.vpn }, { name: 'v2.zip', data: INSTALLER })).statusCode, 303);
  const dir = join(bed.config.dataDir, 'downloads');
  assert.equal(readdirSync(dir).length, 1, 'a replaced file is removed after the commit');
  const live = readdirSync(dir)[0]!;
  // What a stopped process leaves: a file whose row never committed, and a half-written temp file; and a young one.
  const stray = randomUUID();
  const temp = `${randomUUID()}.0123456789ab.tmp`;
  const young = randomUUID();
  for (const name of [stray, temp, young]) writeFileSync(join(dir, name), 'left over');
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
  for (const name of [live, stray, temp]) utimesSync(join(dir, name), twoDaysAgo, twoDaysAgo);

  assert.ok(deliveryModule.schedules?.some((s) => s.job === 'delivery.sweep-files'));
  const logged: unknown[] = [];
  const log = { info: (o: unknown) => logged.push(o) } as unknown as JobContext['log'];
  await deliveryModule.jobs!['delivery.sweep-files']!({}, { db, log, jobId: 1, attempt: 1, services: { config: bed.config, wiring: app.wiring } });
  assert.deepEqual(logged, [{ swept: 2 }]);
  assert.deepEqual(readdirSync(dir).sort(), [live, young].sort());
});
