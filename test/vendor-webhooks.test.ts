// Vendor webhooks end to end on a real database: a vendor user sets the webhook in the portal (the
// secret shown once), a buyer pays by card on the sandbox processor's page, the `vendors.webhook`
// job (run by a real worker) POSTs to a real HTTP receiver on 127.0.0.1. The signature verifies,
// the body holds only the declared fields and no card data, a 500 is retried, every attempt is in
// the delivery log and every attempt that carried buyer details is a disclosure-ledger entry; a
// suspended vendor, and one whose users have not accepted the terms in force, get nothing.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { sql } from 'kysely';
import type { FormClient } from '../src/accounts/testing.ts';
import { ordersDeps, transitionOrder } from '../src/commerce/orders/index.ts';
import type { PaymentsTestBed } from '../src/commerce/payments/testing.ts';
import type { DatabaseHandle } from '../src/platform/db/database.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { testActor } from '../src/privacy/testing.ts';
import { TEST_CARD } from '../src/sandbox-processor/testing.ts';
import { vendorsModule } from '../src/vendors/index.ts';
import { accept, ada, buy, grace, ownerOf, PASSWORD, VENDOR_FIELDS, vendorDisclosures, vendorShop, vendorUser } from './vendor-support.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook receiver on 127.0.0.1 that answers each request with the next status of `statuses` (then 200). */
async function receiver(t: TestContext, statuses: number[] = []) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/custodian`, received };
}

/** What a vendor's receiver does: checks the timestamp's age and the HMAC over `t.body`. */
function verify(secret: string, r: Received, now = Math.floor(Date.now() / 1000), tolerance = 300): boolean {
  const header = String(r.headers['custodian-signature'] ?? '');
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  if (Math.abs(now - Number(m[1])) > tolerance) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${r.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}

function worker(database: DatabaseHandle, bed: PaymentsTestBed) {
  const w = testWorker(database, vendorsModule.jobs!, {
    services: { privacy: bed.app.privacy, config: bed.app.config, wiring: bed.app.wiring },
    backoff: { baseMs: 30, maxMs: 100 },
  });
  return w;
}

async function setWebhook(client: FormClient, url: string): Promise<string> {
  const res = await client.post('/vendor/webhook', { url });
  assert.equal(res.statusCode, 200, res.body.slice(0, 2000));
  assert.equal(res.headers['cache-control'], 'no-store');
  const secret = /id="f-secret" readonly size="60" value="(whsec_[A-Za-z0-9_-]+)"/.exec(res.body)?.[1];
  assert.ok(secret, 'the new secret is shown');
  return secret;
}

const deliveries = (db: DatabaseHandle['db']) =>
  sql<{ event: string; attempt: number; outcome: string; status_code: number | null; detail: string; disclosure_id: string | null }>`
    select e.event, d.attempt, d.outcome, d.status_code, d.detail, d.disclosure_id from vendors_webhook_deliveries d join vendors_webhook_events e on e.id = d.event_id order by d.id`
    .execute(db)
    .then((r) => r.rows);

testEachDatabase(
  "[P001-01][P001-03] a paid order's webhook reaches the vendor signed, with only its lines and the vendor projection's buyer fields (no card data), retried after a 500, each attempt a ledger entry and a row of the delivery log",
  async (database, t) => {
    const { bed, db, s } = await vendorShop(database, t, { VENDOR_WEBHOOK_LOOPBACK: 'true' });
    const hook = await receiver(t, [500]);
    const owner = await ownerOf(bed);
    const vic = await vendorUser(bed, owner, s.corvid, 'vic@corvid.example');

    // The page is behind the terms like every portal page.
    assert.equal((await vic.get('/vendor/webhook')).headers.location, '/vendor/terms');
    await accept(vic);
    const page = await vic.get('/vendor/webhook');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Custodian-Signature/);
    assert.match(page.body, /300 seconds/, 'the page says how old a signature may be');

    // Only https outside tests; a bad address is refused naming the field.
    const bad = await vic.post('/vendor/webhook', { url: 'ftp://example.com/x' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /https:\/\//);
    const secret = await setWebhook(vic, hook.url);
    const again = await vic.get('/vendor/webhook');
    assert.ok(!again.body.includes(secret), 'the secret is shown once only');
    const stored = await sql<Record<string, unknown>>`select * from vendors_webhooks`.execute(db);
    assert.equal(stored.rows.length, 1);
    assert.ok(!JSON.stringify(stored.rows[0]).includes(secret.slice(6)), 'the secret is not stored');

    const order = await buy(bed, db, grace, [
      ['router', s.router],
      ['shield', s.shield],
    ]);
    assert.deepEqual(await vendorDisclosures(bed, order), [], 'nothing is disclosed before the job sends');
    const jobs = await sql<{ payload: unknown }>`select payload from jobs where name = 'vendors.webhook'`.execute(db);
    assert.equal(jobs.rows.length, 1, 'one event: Corvid has a webhook, Lanternfish none');
    assert.ok(!JSON.stringify(jobs.rows[0]!.payload).includes(grace.email), 'the job holds an event id, no personal data');

    const w = worker(database, bed);
    await w.start();
    t.after(() => w.stop(1000));
    await waitFor('two attempts', async () => (await deliveries(db)).length === 2 && hook.received.length === 2);
    await w.stop(1000);

    const log = await deliveries(db);
    assert.deepEqual(
      log.map((d) => [d.event, d.attempt, d.outcome, d.status_code]),
      [
        ['order.paid', 1, 'failed', 500],
        ['order.paid', 2, 'delivered', 200],
      ],
    );
    for (const r of hook.received) assert.ok(verify(secret, r), 'the signature verifies with the secret shown once');
    assert.ok(!verify(secret, hook.received[0]!, Math.floor(Date.now() / 1000) + 301), 'a replay after the tolerance fails the check');
    const tampered = { ...hook.received[1]!, body: hook.received[1]!.body.replace('CRV-RTR', 'CRV-XXX') };
    assert.ok(!verify(secret, tampered), 'a changed body fails the check');
    assert.equal(hook.received[0]!.headers['custodian-event'], hook.received[1]!.headers['custodian-event'], 'a retry carries the same event id');

    const body = JSON.parse(hook.received[1]!.body);
    assert.deepEqual(Object.keys(body).sort(), ['buyer', 'created_at', 'event', 'id', 'order']);
    assert.equal(body.event, 'order.paid');
    assert.equal(body.order.number, order.number);
    assert.equal(body.order.status, 'paid');
    assert.deepEqual(
      body.order.lines.map((l: { sku: string }) => l.sku),
      ['CRV-RTR'],
      "only this vendor's lines",
    );
    assert.deepEqual(Object.keys(body.buyer).sort(), ['address', 'email', 'name', 'phone']);
    assert.equal(body.buyer.name, grace.name);
    assert.equal(body.buyer.email, grace.email);
    assert.equal(body.buyer.phone, grace.phone);
    for (const r of hook.received) {
      for (const card of ['4242', 'visa', 'Visa', TEST_CARD.expiry, '555 0199', 'Lanternfish', 'LNT-SHD']) assert.ok(!r.body.includes(card), `the payload holds no ${card}`);
    }

    // Each attempt that carried the buyer's details is one ledger entry naming the order and the vendor.
    const ledger = await vendorDisclosures(bed, order);
    assert.equal(ledger.length, 2);
    for (const d of ledger) {
      assert.equal(d.order, order.id);
      assert.equal(d.recipientRef, s.corvid.id);
      assert.deepEqual([...d.categories].sort(), [...VENDOR_FIELDS].sort());
      assert.equal(d.basis, 'fulfillment');
    }
    assert.deepEqual(log.map((d) => d.disclosure_id).sort(), ledger.map((d) => d.id).sort(), 'each log row names its ledger entry');

    // The log keeps no payload: no personal data in any of its columns.
    const raw = JSON.stringify((await sql`select * from vendors_webhook_deliveries`.execute(db)).rows) + JSON.stringify((await sql`select * from vendors_webhook_events`.execute(db)).rows);
    for (const personal of [grace.name, grace.email, grace.phone, '1 Compiler Way']) assert.ok(!raw.includes(personal), `the delivery log holds no ${personal}`);

    // The portal shows the log.
    const shown = await vic.get('/vendor/webhook');
    assert.match(shown.body, /order\.paid/);
    assert.match(shown.body, /Not delivered/);
    assert.match(shown.body, />500</);

    // A refund is sent too, without buyer details (nothing left to fill) and so without a ledger entry.
    await transitionOrder(ordersDeps(bed.app), db, { orderId: order.id, to: 'refunded', actor: testActor('test') });
    const w2 = worker(database, bed);
    await w2.start();
    t.after(() => w2.stop(1000));
    await waitFor('the refund event', async () => hook.received.length === 3);
    await w2.stop(1000);
    const refunded = JSON.parse(hook.received[2]!.body);
    assert.equal(refunded.event, 'order.refunded');
    assert.equal(refunded.order.status, 'refunded');
    assert.equal(refunded.buyer, null);
    assert.ok(verify(secret, hook.received[2]!));
    assert.equal((await vendorDisclosures(bed, order)).length, 2);
  },
);

testEachDatabase(
  '[P000-09] a suspended vendor, and a vendor none of whose users accepted the terms in force, get no webhook deliveries (checked at send time); a new secret replaces the old at once',
  async (database, t) => {
    const { bed, db, s } = await vendorShop(database, t, { VENDOR_WEBHOOK_LOOPBACK: 'true' });
    const hook = await receiver(t);
    const owner = await ownerOf(bed);
    const vic = await vendorUser(bed, owner, s.corvid, 'vic@corvid.example');
    await accept(vic);
    const first = await setWebhook(vic, hook.url);
    const rotated = await vic.post('/vendor/webhook/rotate', {});
    assert.equal(rotated.statusCode, 200);
    const secret = /value="(whsec_[A-Za-z0-9_-]+)"/.exec(rotated.body)![1]!;
    assert.notEqual(secret, first);

    // Paid while active, then the owner suspends Corvid before the job runs.
    const order = await buy(bed, db, ada, [['router', s.router]]);
    await owner.get('/staff/vendors');
    assert.equal((await owner.post(`/staff/vendors/${s.corvid.id}/suspend`, { confirm: '1' })).statusCode, 303);
    const w = worker(database, bed);
    await w.start();
    t.after(() => w.stop(1000));
    await waitFor('the skipped attempt', async () => (await deliveries(db)).length === 1);
    assert.deepEqual(
      (await deliveries(db)).map((d) => [d.outcome, d.detail]),
      [['skipped', 'vendor suspended: nothing sent']],
    );
    assert.equal(hook.received.length, 0, 'nothing reached the suspended vendor');
    assert.deepEqual(await vendorDisclosures(bed, order), [], 'nothing was disclosed');

    // Reinstated, but the owner publishes new terms nobody at Corvid accepted yet: still nothing.
    assert.equal((await owner.post(`/staff/vendors/${s.corvid.id}/reinstate`, { confirm: '1' })).statusCode, 303);
    await sql`insert into vendors_terms (version, body, published_at, published_by) values (2, 'New terms.', now(), 'system:test')`.execute(db);
    await transitionOrder(ordersDeps(bed.app), db, { orderId: order.id, to: 'fulfilling', actor: testActor('test') });
    await transitionOrder(ordersDeps(bed.app), db, { orderId: order.id, to: 'shipped', actor: testActor('test'), carrier: 'UPS', tracking: '1Z999' });
    await waitFor('the second skipped attempt', async () => (await deliveries(db)).length === 2);
    assert.deepEqual((await deliveries(db)).at(-1)!.detail, 'data-use terms in force not accepted: nothing sent');
    assert.equal(hook.received.length, 0);

    // Once a Corvid user accepts version 2, a later event is delivered, signed with the new secret only.
    await vic.get('/vendor/login');
    assert.equal((await vic.post('/vendor/login', { email: 'vic@corvid.example', password: PASSWORD })).statusCode, 303, 'the suspension signed Vic out');
    const vic2 = await vic.get('/vendor/terms');
    assert.match(vic2.body, /Version 2/);
    await accept(vic);
    await transitionOrder(ordersDeps(bed.app), db, { orderId: order.id, to: 'refunded', actor: testActor('test') });
    await waitFor('the delivery', async () => hook.received.length === 1);
    await w.stop(1000);
    assert.ok(verify(secret, hook.received[0]!));
    assert.ok(!verify(first, hook.received[0]!), 'the old secret no longer verifies');
  },
);
