import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '../../platform/errors.ts';
import { signWebhook } from './signature.ts';
import { sessionForm, STRIPE_API_VERSION, stripeAdapter } from './stripe-adapter.ts';
import { fakeStripe, fixture } from './stripe-fake.ts';

const SECRET = 'sk_test_51FakeKeyForFixturesOnly000000';
const WHSEC = 'whsec_fixturesigningsecret0123456789';
const PAYMENT_ID = '3f6c2a9e-8d1b-4c7a-9e2f-5b1d0c4a7e91';
const REF = 'cs_test_a1Bc2De3Fg4Hi5Jk6Lm7No8Pq9Rs0TuVwXyZ';

async function withFake(fn: (stripe: Awaited<ReturnType<typeof fakeStripe>>, adapter: ReturnType<typeof stripeAdapter>) => Promise<void>) {
  const stripe = await fakeStripe(SECRET, STRIPE_API_VERSION);
  try {
    await fn(stripe, stripeAdapter({ secretKey: SECRET, webhookSecret: WHSEC, baseUrl: stripe.url }));
    assert.deepEqual(stripe.problems(), []);
  } finally {
    await stripe.close();
  }
}

const startRequest = {
  paymentId: PAYMENT_ID,
  orderId: '0b8e5f7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
  amountMinor: 4999,
  currency: 'USD',
  instrument: 'card' as const,
  returnUrl: `https://shop.example/checkout/return/${PAYMENT_ID}`,
  cancelUrl: `https://shop.example/checkout/return/${PAYMENT_ID}?cancelled=1`,
  customer: { name: 'Pat Buyer', email: 'pat.buyer@example.com' },
  idempotencyKey: `payment:${PAYMENT_ID}`,
};

test('Stripe: start creates a Checkout Session (form-encoded, Idempotency-Key) and sends the buyer to its URL', async () => {
  await withFake(async (stripe, adapter) => {
    stripe.play(fixture('create-session'));
    const started = await adapter.start(startRequest);
    assert.equal(started.processorRef, REF);
    assert.match(started.redirectUrl, /^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
  });
});

test('Stripe: the session says what the buyer pays for, as the sandbox does: the shop and the order number', () => {
  const form = sessionForm({ ...startRequest, description: 'Test Shop, order C-100042' });
  assert.equal(form.get('line_items[0][price_data][product_data][name]'), 'Test Shop, order C-100042');
  assert.equal(form.get('payment_intent_data[description]'), 'Test Shop, order C-100042');
});

test('Stripe: retrieve maps a paid session to succeeded with the PaymentMethod id, brand and last4; a declined one stays open', async () => {
  await withFake(async (stripe, adapter) => {
    stripe.play(fixture('retrieve-open-declined'), fixture('retrieve-complete-paid'));
    assert.deepEqual(await adapter.retrieve(REF), { processorRef: REF, status: 'open', amountMinor: 4999, currency: 'USD', failureCode: 'generic_decline' });
    assert.deepEqual(await adapter.retrieve(REF), { processorRef: REF, status: 'succeeded', amountMinor: 4999, currency: 'USD', token: 'pm_1QxYzAbCdEfGhIjKvIsA4242', last4: '4242', brand: 'visa' });
  });
});

test('Stripe: cancel expires the session; refund finds the PaymentIntent, refunds with the key and reports refunded', async () => {
  await withFake(async (stripe, adapter) => {
    stripe.play(fixture('expire-session'));
    await adapter.cancel(REF, `cancel:${PAYMENT_ID}`);
    stripe.play(fixture('retrieve-session-plain'), fixture('create-refund'), fixture('retrieve-refunded'));
    const outcome = await adapter.refund(REF, 4999, 'refund:staff-refund-1');
    assert.equal(outcome.status, 'refunded');
    assert.equal(outcome.last4, '4242');
  });
});

test('Stripe: a refusal is PAYMENT_PROCESSOR_ERROR with its code, never its message; 5xx, 429 and no answer are PAYMENT_PROCESSOR_UNAVAILABLE', async () => {
  await withFake(async (stripe, adapter) => {
    stripe.play(fixture('error-invalid-request'));
    await assert.rejects(
      adapter.start(startRequest),
      (err) => isAppError(err) && err.code === 'PAYMENT_PROCESSOR_ERROR' && /parameter_invalid_integer/.test(err.message) && !/49\.99/.test(err.message),
    );
    stripe.play({ response: { status: 500, body: { error: { type: 'api_error' } } } }, { response: { status: 429, body: { error: { type: 'rate_limit_error' } } } });
    await assert.rejects(adapter.retrieve(REF), (err) => isAppError(err) && err.code === 'PAYMENT_PROCESSOR_UNAVAILABLE');
    await assert.rejects(adapter.retrieve(REF), (err) => isAppError(err) && err.code === 'PAYMENT_PROCESSOR_UNAVAILABLE');
  });
  const down = stripeAdapter({ secretKey: SECRET, webhookSecret: WHSEC, baseUrl: 'http://127.0.0.1:9' });
  await assert.rejects(down.retrieve(REF), (err) => isAppError(err) && err.code === 'PAYMENT_PROCESSOR_UNAVAILABLE' && err.status === 503);
});

test('Stripe: forget deletes the session’s Customer, creates a redaction job of the session under the key and runs it once Stripe has validated it; each call moves it on', async () => {
  await withFake(async (stripe, adapter) => {
    const key = `forget:${PAYMENT_ID}`;
    // First call: the Customer goes at once; the job is still validating, so the caller is told to retry.
    stripe.play(fixture('retrieve-session-with-customer'), fixture('delete-customer'), fixture('create-redaction-job'), fixture('retrieve-redaction-job-validating'));
    await assert.rejects(adapter.forget(REF, key), (err) => isAppError(err) && err.code === 'PAYMENT_PROCESSOR_UNAVAILABLE' && err.status === 503);
    // The retry: the Customer is already deleted, the same key finds the same job, now ready: it is run.
    stripe.play(fixture('retrieve-session-customer-deleted'), fixture('create-redaction-job'), fixture('retrieve-redaction-job-ready'), fixture('run-redaction-job'));
    await adapter.forget(REF, key);
    // Asked again once redacted: nothing more is sent than the look-ups.
    stripe.play(fixture('retrieve-session-customer-deleted'), fixture('create-redaction-job'), fixture('retrieve-redaction-job-succeeded'));
    await adapter.forget(REF, key);
  });
});

test('Stripe: forget of a session Stripe no longer has is done (404); 5xx, 429 and no answer are PAYMENT_PROCESSOR_UNAVAILABLE; a redaction Stripe refuses is PAYMENT_PROCESSOR_ERROR naming no one', async () => {
  await withFake(async (stripe, adapter) => {
    stripe.play(fixture('error-session-missing'));
    await adapter.forget(REF, `forget:${PAYMENT_ID}`);
    stripe.play(
      { ...fixture('retrieve-session-with-customer'), response: { status: 500, body: { error: { type: 'api_error' } } } },
      { ...fixture('retrieve-session-with-customer'), response: { status: 429, body: { error: { type: 'rate_limit_error' } } } },
    );
    for (let i = 0; i < 2; i++) await assert.rejects(adapter.forget(REF, `forget:${PAYMENT_ID}`), (err) => isAppError(err) && err.code === 'PAYMENT_PROCESSOR_UNAVAILABLE');
    stripe.play(fixture('retrieve-session-customer-deleted'), fixture('create-redaction-job'), fixture('retrieve-redaction-job-failed'));
    await assert.rejects(
      adapter.forget(REF, `forget:${PAYMENT_ID}`),
      (err) => isAppError(err) && err.code === 'PAYMENT_PROCESSOR_ERROR' && /redaction_job_failed/.test(err.message) && !/Pat|pat\.buyer/.test(err.message),
    );
  });
  const down = stripeAdapter({ secretKey: SECRET, webhookSecret: WHSEC, baseUrl: 'http://127.0.0.1:9' });
  await assert.rejects(down.forget(REF, `forget:${PAYMENT_ID}`), (err) => isAppError(err) && err.code === 'PAYMENT_PROCESSOR_UNAVAILABLE' && err.status === 503);
});

test('Stripe: webhooks are verified over the raw body (Stripe-Signature t=…,v1=…, 5-minute tolerance)', () => {
  const at = new Date('2026-11-23T12:00:00Z');
  const adapter = stripeAdapter({ secretKey: SECRET, webhookSecret: WHSEC, now: () => at });
  const raw = Buffer.from(JSON.stringify(fixture('webhook-checkout-session-completed' as never) as unknown));
  const event = adapter.parseWebhook(raw, { 'stripe-signature': signWebhook(WHSEC, raw, at) });
  assert.deepEqual(event, { processorRef: REF, type: 'checkout.session.completed' });
  // Stripe may send several v1 signatures while a secret is rolled; one matching is enough.
  const rolled = `${signWebhook(WHSEC, raw, at)},v1=${'0'.repeat(64)}`;
  assert.equal(adapter.parseWebhook(raw, { 'stripe-signature': rolled }).type, 'checkout.session.completed');
  const refused = (headers: Record<string, string>, body = raw) =>
    assert.throws(
      () => adapter.parseWebhook(body, headers),
      (err) => isAppError(err) && err.code === 'WEBHOOK_SIGNATURE_INVALID',
    );
  refused({});
  refused({ 'stripe-signature': 'nonsense' });
  refused({ 'stripe-signature': signWebhook(WHSEC, raw, at) }, Buffer.from(raw.toString().replace('"paid"', '"unpaid"')));
  refused({ 'stripe-signature': signWebhook('whsec_another', raw, at) });
  refused({ 'stripe-signature': signWebhook(WHSEC, raw, new Date(at.getTime() - 301_000)) });
});

test('Stripe: a plan keeps the card on a Customer; a renewal is an off-session PaymentIntent (customer, payment method, confirm) under its key, and a 402 decline is a failed outcome', async () => {
  const form = sessionForm({ ...startRequest, saveForLater: true });
  assert.equal(form.get('customer_creation'), 'always');
  assert.equal(form.get('payment_intent_data[setup_future_usage]'), 'off_session');
  assert.equal(sessionForm(startRequest).get('payment_intent_data[setup_future_usage]'), null);
  await withFake(async (stripe, adapter) => {
    stripe.play(fixture('create-payment-intent-off-session'), fixture('error-payment-intent-declined'));
    const charge = { paymentId: PAYMENT_ID, token: 'pm_1QxYzAbCdEfGhIjKvIsA4242', customerRef: 'cus_QxYzAbCdEfGhIj', amountMinor: 1500, currency: 'USD' };
    assert.deepEqual(await adapter.chargeSaved({ ...charge, idempotencyKey: 'renewal:7d1e0c52-3a4b-4c5d-8e6f-0a1b2c3d4e5f:2027-01-07' }), {
      processorRef: 'pi_3QyRenewAbCdEfGh0aBcDeFg',
      status: 'succeeded',
      amountMinor: 1500,
      currency: 'USD',
      token: 'pm_1QxYzAbCdEfGhIjKvIsA4242',
    });
    const declined = await adapter.chargeSaved({ ...charge, idempotencyKey: 'renewal:7d1e0c52-3a4b-4c5d-8e6f-0a1b2c3d4e5f:2027-02-07' });
    assert.equal(declined.status, 'failed');
    assert.equal(declined.failureCode, 'insufficient_funds');
    assert.equal(declined.processorRef, 'pi_3QyDeclinedCdEfGh0aBcDeFg');
  });
});
