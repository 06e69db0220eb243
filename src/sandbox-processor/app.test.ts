import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sandboxWebhookSecret } from './secret.ts';
import { hookCatcher, startTestSandbox, submitPayForm, TEST_CARD, TEST_SANDBOX_SECRET } from './testing.ts';

const auth = { authorization: `Bearer ${TEST_SANDBOX_SECRET}`, 'content-type': 'application/json' };

async function api(base: string, path: string, init: { method?: string; body?: unknown; key?: string; secret?: string } = {}) {
  const headers: Record<string, string> = { ...auth, ...(init.secret ? { authorization: `Bearer ${init.secret}` } : {}), ...(init.key ? { 'idempotency-key': init.key } : {}) };
  const res = await fetch(`${base}${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const session = (over: Record<string, unknown> = {}) => ({
  amount_minor: 2599,
  currency: 'USD',
  reference: 'order-1',
  instrument: 'card',
  return_url: 'http://shop.test/checkout/return/p1',
  cancel_url: 'http://shop.test/checkout/return/p1?cancelled=1',
  customer: { name: 'Test Buyer', email: 'buyer@example.com' },
  ...over,
});

function allFilesText(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

test('a card typed on the sandbox page pays: 303 to the return URL, a signed webhook, only token/brand/last4 kept', async () => {
  const hooks = await hookCatcher();
  const sandbox = await startTestSandbox({ webhookUrl: hooks.url });
  try {
    const created = await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(), key: 'k1' });
    assert.equal(created.status, 200);
    assert.equal(created.body.status, 'open');
    const page = await fetch(created.body.url);
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /form-action 'self' http:\/\/shop\.test/);
    assert.doesNotMatch(csp, /script-src/);
    const html = await page.text();
    assert.match(html, /\$25\.99/);
    assert.match(html, /name="number"/);

    const hook = hooks.next();
    const paid = await submitPayForm(created.body.url, TEST_CARD);
    assert.equal(paid.status, 303);
    assert.equal(paid.location, 'http://shop.test/checkout/return/p1');
    const got = await api(sandbox.url, `/v1/checkout-sessions/${created.body.id}`);
    assert.equal(got.body.status, 'succeeded');
    assert.equal(got.body.payment_method.last4, '4242');
    assert.equal(got.body.payment_method.brand, 'visa');
    assert.match(got.body.payment_method.token, /^pm_sbx_/);

    const { headers, body } = await hook;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['sandbox-signature']))!;
    assert.equal(v1, createHmac('sha256', sandboxWebhookSecret(TEST_SANDBOX_SECRET)).update(`${t}.${body}`).digest('hex'));
    const event = JSON.parse(body);
    assert.equal(event.type, 'checkout.session.completed');
    assert.equal(event.data.object.id, created.body.id);

    const stored = allFilesText(sandbox.dir);
    assert.doesNotMatch(stored, /4242424242424242|4242 4242 4242 4242/);
    assert.match(stored, /"last4":"4242"/);
  } finally {
    await sandbox.stop();
    await hooks.close();
  }
});

test('a declined card keeps the session open for another try; bad numbers and past expiry get clear messages', async () => {
  const sandbox = await startTestSandbox();
  try {
    const { body: s } = await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(), key: 'k2' });
    const declined = await submitPayForm(s.url, { ...TEST_CARD, number: '4000000000000002' });
    assert.equal(declined.status, 402);
    assert.match(declined.body, /Your card was declined/);
    assert.doesNotMatch(declined.body, /4000000000000002/);
    let got = await api(sandbox.url, `/v1/checkout-sessions/${s.id}`);
    assert.equal(got.body.status, 'open');
    assert.equal(got.body.failure_code, 'card_declined');
    const poor = await submitPayForm(s.url, { ...TEST_CARD, number: '4000000000009995' });
    assert.match(poor.body, /insufficient funds/);
    const luhn = await submitPayForm(s.url, { ...TEST_CARD, number: '4242424242424241' });
    assert.equal(luhn.status, 422);
    assert.match(luhn.body, /card number is not valid/);
    const expired = await submitPayForm(s.url, { ...TEST_CARD, expiry: '01/20' });
    assert.match(expired.body, /This card has expired/);
    const cvc = await submitPayForm(s.url, { ...TEST_CARD, cvc: 'x' });
    assert.match(cvc.body, /security code/);
    const ok = await submitPayForm(s.url, TEST_CARD);
    assert.equal(ok.status, 303);
    got = await api(sandbox.url, `/v1/checkout-sessions/${s.id}`);
    assert.equal(got.body.status, 'succeeded');
    assert.equal(got.body.failure_code, null);
    assert.doesNotMatch(allFilesText(sandbox.dir), /4000000000000002|4000000000009995|4242424242424241/);
  } finally {
    await sandbox.stop();
  }
});

test('a bank account is tokenised like a card; one ending 0000 fails and sends the buyer back', async () => {
  const sandbox = await startTestSandbox();
  try {
    const a = (await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session({ instrument: 'bank-account' }), key: 'b1' })).body;
    const page = await (await fetch(a.url)).text();
    assert.match(page, /Routing number/);
    const bad = await submitPayForm(a.url, { holder: 'Test Buyer', routing: '110000001', account: '000123456789' });
    assert.match(bad.body, /routing number is not valid/);
    const paid = await submitPayForm(a.url, { holder: 'Test Buyer', routing: '110000000', account: '000123456789' });
    assert.equal(paid.status, 303);
    const got = (await api(sandbox.url, `/v1/checkout-sessions/${a.id}`)).body;
    assert.equal(got.status, 'succeeded');
    assert.equal(got.payment_method.last4, '6789');
    assert.equal(got.payment_method.brand, 'bank_account');

    const b = (await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session({ instrument: 'bank-account' }), key: 'b2' })).body;
    const failed = await submitPayForm(b.url, { holder: 'Test Buyer', routing: '110000000', account: '000111110000' });
    assert.equal(failed.status, 303);
    const gotB = (await api(sandbox.url, `/v1/checkout-sessions/${b.id}`)).body;
    assert.equal(gotB.status, 'failed');
    assert.equal(gotB.failure_code, 'debit_not_authorized');
    assert.doesNotMatch(allFilesText(sandbox.dir), /000123456789|000111110000/);
  } finally {
    await sandbox.stop();
  }
});

test('the API needs the secret key; one Idempotency-Key gives one session, reused for another request it is refused', async () => {
  const sandbox = await startTestSandbox();
  try {
    assert.equal((await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(), key: 'x', secret: 'wrong-secret-0123456789' })).status, 401);
    assert.equal((await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session() })).status, 400);
    const one = await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(), key: 'same' });
    const two = await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(), key: 'same' });
    assert.equal(two.body.id, one.body.id);
    const other = await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session({ amount_minor: 1 }), key: 'same' });
    assert.equal(other.status, 409);
    assert.equal(other.body.error.code, 'idempotency_key_reused');
    const bad = await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session({ amount_minor: 1.5 }), key: 'frac' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /amount_minor/);
  } finally {
    await sandbox.stop();
  }
});

test('expire, refund (idempotent, never more than was paid) and a restart that keeps every session', async () => {
  const sandbox = await startTestSandbox();
  const dir = sandbox.dir;
  let restarted;
  try {
    const open = (await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(), key: 'e1' })).body;
    assert.equal((await api(sandbox.url, `/v1/checkout-sessions/${open.id}/expire`, { method: 'POST', body: {} })).body.status, 'expired');
    assert.equal((await submitPayForm(open.url, TEST_CARD)).status, 409);
    const paid = (await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(), key: 'r1' })).body;
    await submitPayForm(paid.url, TEST_CARD);
    const r1 = await api(sandbox.url, `/v1/checkout-sessions/${paid.id}/refunds`, { method: 'POST', body: { amount_minor: 599 }, key: 'refund-1' });
    assert.equal(r1.body.refunded_minor, 599);
    const again = await api(sandbox.url, `/v1/checkout-sessions/${paid.id}/refunds`, { method: 'POST', body: { amount_minor: 599 }, key: 'refund-1' });
    assert.equal(again.body.refunded_minor, 599);
    assert.equal((await api(sandbox.url, `/v1/checkout-sessions/${paid.id}/refunds`, { method: 'POST', body: { amount_minor: 2001 }, key: 'refund-2' })).status, 400);
    const rest = await api(sandbox.url, `/v1/checkout-sessions/${paid.id}/refunds`, { method: 'POST', body: { amount_minor: 2000 }, key: 'refund-3' });
    assert.equal(rest.body.status, 'refunded');
    await sandbox.stop();
    restarted = await startTestSandbox({ dir });
    assert.equal((await api(restarted.url, `/v1/checkout-sessions/${paid.id}`)).body.status, 'refunded');
    assert.equal((await api(restarted.url, `/v1/checkout-sessions/${open.id}`)).body.status, 'expired');
  } finally {
    await sandbox.stop();
    await restarted?.stop();
  }
});

test('an open session expires after its time', async () => {
  let clock = new Date('2030-01-01T00:00:00Z');
  const sandbox = await startTestSandbox({ now: () => clock, sessionTtlMs: 60_000 });
  try {
    const s = (await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(), key: 't1' })).body;
    clock = new Date(clock.getTime() + 61_000);
    assert.equal((await api(sandbox.url, `/v1/checkout-sessions/${s.id}`)).body.status, 'expired');
  } finally {
    await sandbox.stop();
  }
});

test('a webhook the store does not take is tried again, and stops at the first 2xx', async () => {
  let calls = 0;
  const hooks = await hookCatcher(() => (++calls < 3 ? 503 : 200));
  const sandbox = await startTestSandbox({ webhookUrl: hooks.url, webhookRetryDelaysMs: [20, 20, 20, 20] });
  try {
    const s = (await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(), key: 'w1' })).body;
    await submitPayForm(s.url, TEST_CARD);
    const deadline = Date.now() + 5000;
    while (hooks.received.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(hooks.received.length, 3);
    assert.equal(new Set(hooks.received.map((h) => JSON.parse(h.body).id)).size, 1, 'one event, delivered again');
  } finally {
    await sandbox.stop();
    await hooks.close();
  }
});

test('a kept payment method is charged off-session: one charge per Idempotency-Key, a 0341 card declines, an unknown token is 404', async () => {
  const sandbox = await startTestSandbox();
  try {
    const paidWith = async (key: string, number: string) => {
      const created = await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(), key });
      assert.equal((await submitPayForm(created.body.url, { ...TEST_CARD, number })).status, 303);
      return (await api(sandbox.url, `/v1/checkout-sessions/${created.body.id}`)).body.payment_method.token as string;
    };
    const token = await paidWith('first', TEST_CARD.number);
    const charge = { amount_minor: 1500, currency: 'USD', reference: 'invoice-1' };
    assert.equal((await api(sandbox.url, `/v1/payment-methods/${token}/charges`, { method: 'POST', body: charge })).status, 400, 'an Idempotency-Key is required');
    const first = await api(sandbox.url, `/v1/payment-methods/${token}/charges`, { method: 'POST', body: charge, key: 'renewal:s1:2027-01-01' });
    assert.equal(first.status, 200);
    assert.equal(first.body.status, 'succeeded');
    assert.equal(first.body.payment_method.token, token);
    const again = await api(sandbox.url, `/v1/payment-methods/${token}/charges`, { method: 'POST', body: charge, key: 'renewal:s1:2027-01-01' });
    assert.equal(again.body.id, first.body.id, 'the same key answers the same charge');
    assert.equal((await api(sandbox.url, `/v1/payment-methods/${token}/charges`, { method: 'POST', body: { ...charge, amount_minor: 9 }, key: 'renewal:s1:2027-01-01' })).status, 409);
    assert.equal((await api(sandbox.url, `/v1/checkout-sessions/${first.body.id}`)).body.status, 'succeeded');
    const log = readFileSync(join(sandbox.dir, 'processor.log'), 'utf8');
    assert.equal(log.split('\n').filter((l) => l.includes('"event":"charged"')).length, 1);

    const weak = await paidWith('second', '4000 0000 0000 0341');
    const declined = await api(sandbox.url, `/v1/payment-methods/${weak}/charges`, { method: 'POST', body: charge, key: 'renewal:s2:2027-01-01' });
    assert.equal(declined.body.status, 'failed');
    assert.equal(declined.body.failure_code, 'card_declined');
    assert.equal((await api(sandbox.url, '/v1/payment-methods/pm_sbx_unknown/charges', { method: 'POST', body: charge, key: 'k9' })).status, 404);
  } finally {
    await sandbox.stop();
  }
});
