import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { TEST_STAFF_TOKEN } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { testActor } from '../../privacy/testing.ts';
import { buildApp } from '../../web/app.ts';
import { modules, wiringOf } from '../../modules.ts';
import { makePaymentsModule } from './module.ts';
import type { Settlement } from './payments.ts';
import { processorSet } from './processors.ts';
import { signWebhook } from './signature.ts';
import { STRIPE_API_VERSION, stripeAdapter } from './stripe-adapter.ts';
import { fakeStripe, fixture } from './stripe-fake.ts';
import { buyerWithOrder } from './testing.ts';
import { makeShop, newClient } from '../cart/testing.ts';

const SECRET = 'sk_test_51FakeKeyForFixturesOnly000000';
const WHSEC = 'whsec_fixturesigningsecret0123456789';

testEachDatabase(
  'Stripe through the payments module: session started, a signed checkout.session.completed webhook settles it with token and last4 in the kernel',
  async (database) => {
    const { db } = database;
    const stripe = await fakeStripe(SECRET, STRIPE_API_VERSION);
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-test-')), LOG_LEVEL: 'silent', RUN_WORKER: 'false', DEMO_DATA: 'false', RATE_LIMIT_PER_MINUTE: '0' });
    const adapter = stripeAdapter({ secretKey: SECRET, webhookSecret: WHSEC, baseUrl: stripe.url });
    const settled: Settlement[] = [];
    const recorder = { name: 'test-settlements', migrations: [], listeners: { paymentSettled: [async (_trx: unknown, s: Settlement) => void settled.push(s)] } };
    const withStripe = [...modules.map((m) => (m.name === 'payments' ? makePaymentsModule({ processors: () => processorSet(adapter) }) : m)), recorder];
    const app = await buildApp({ config, database, logger: createLogger('silent'), modules: withStripe, wiring: wiringOf(withStripe), staffApiToken: TEST_STAFF_TOKEN });
    try {
      await app.ready();
      const { subject, orderId } = await buyerWithOrder(app.privacy, db);
      // The create request's exact fields are proven in stripe-adapter.test.ts; here its answer is what matters.
      stripe.play({ response: fixture('create-session').response });
      const started = await db
        .transaction()
        .execute((trx) => app.payments.startPayment(trx, { orderId, subject, amountMinor: 4999, currency: 'USD', instrument: 'card', idempotencyKey: 'stripe-flow', actor: testActor('checkout') }));
      assert.match(started.redirectUrl, /^https:\/\/checkout\.stripe\.com\//);

      const raw = JSON.stringify(fixture('webhook-checkout-session-completed' as never));
      const tampered = await app.inject({
        method: 'POST',
        url: '/payments/webhook/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': signWebhook(WHSEC, raw, new Date()) },
        payload: raw.replace('"paid"', '"unpaid"'),
      });
      assert.equal(tampered.statusCode, 400);
      assert.equal(tampered.json().error.code, 'WEBHOOK_SIGNATURE_INVALID');

      stripe.play(fixture('retrieve-complete-paid'));
      const ok = await app.inject({
        method: 'POST',
        url: '/payments/webhook/stripe',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signWebhook(WHSEC, raw, new Date()) },
        payload: raw,
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json(), { received: true, status: 'succeeded' });
      assert.deepEqual(
        settled.map((s) => [s.orderId, s.status, s.last4]),
        [[orderId, 'succeeded', '4242']],
      );
      const stored = await app.privacy.read(db, { subject, actor: testActor('payments'), purpose: 'fulfillment', categories: ['user.payment'], ref: `order:${orderId}` });
      assert.deepEqual(stored.values['user.payment'], { processor: 'stripe', token: 'pm_1QxYzAbCdEfGhIjKvIsA4242', brand: 'visa', last4: '4242' });

      // A repeated delivery is answered from the record; Stripe is not asked again (no fixture is queued).
      const again = await app.inject({
        method: 'POST',
        url: '/payments/webhook/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': signWebhook(WHSEC, raw, new Date()) },
        payload: raw,
      });
      assert.equal(again.json().status, 'succeeded');
      assert.equal(settled.length, 1);
      assert.deepEqual(stripe.problems(), []);
    } finally {
      await app.close();
      await stripe.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  '[P002-15] with Stripe, the checkout form sends the buyer to Stripe’s own TLS page: the answer of POST /checkout is a 303 to https://checkout.stripe.com, and the form asks no card',
  async (database) => {
    const stripe = await fakeStripe(SECRET, STRIPE_API_VERSION);
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-test-')), LOG_LEVEL: 'silent', RUN_WORKER: 'false', DEMO_DATA: 'false', RATE_LIMIT_PER_MINUTE: '0' });
    const adapter = stripeAdapter({ secretKey: SECRET, webhookSecret: WHSEC, baseUrl: stripe.url });
    const withStripe = modules.map((m) => (m.name === 'payments' ? makePaymentsModule({ processors: () => processorSet(adapter) }) : m));
    const app = await buildApp({ config, database, logger: createLogger('silent'), modules: withStripe, wiring: wiringOf(withStripe), staffApiToken: TEST_STAFF_TOKEN });
    try {
      await app.ready();
      const shop = await makeShop(database.db);
      const buyer = newClient(app);
      await buyer.get('/products/vpn-licence');
      let added = await buyer.post('/cart/add', { variant_id: shop.vpn, quantity: '1' });
      if (added.statusCode !== 303 && /name="confirm"/.test(added.body)) added = await buyer.post('/cart/add', { variant_id: shop.vpn, quantity: '1', confirm: '1' });
      assert.equal(added.statusCode, 303, added.body);
      const form = await buyer.get('/checkout');
      assert.equal(form.statusCode, 200, form.body);
      assert.doesNotMatch(form.body, /name="[^"]*card[^"]*"|autocomplete="cc-/i, 'the store’s form has no card field');
      stripe.play({ response: fixture('create-session').response });
      const key = /name="idempotency_key" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
      const res = await buyer.post('/checkout', { idempotency_key: key, method: 'card', name: 'Ada Lovelace', email: 'ada@example.com', age: 'adult' });
      assert.equal(res.statusCode, 303, res.body);
      const location = new URL(res.headers.location as string);
      assert.equal(location.protocol, 'https:', `the card page is served over TLS (${location.href})`);
      assert.equal(location.origin, 'https://checkout.stripe.com');
      assert.deepEqual(stripe.problems(), []);
    } finally {
      await app.close();
      await stripe.close();
    }
  },
  { timeout: 180_000 },
);
