import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hookCatcher, startTestSandbox, submitPayForm, TEST_CARD, TEST_SANDBOX_SECRET } from './testing.ts';

const BUYER = { name: 'Ada Lovelace', email: 'ada.lovelace@example.com' };
const OTHER = { name: 'Alan Turing', email: 'alan.turing@example.com' };

async function api(base: string, path: string, init: { method?: string; body?: unknown; key?: string; secret?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(init.key ? { 'idempotency-key': init.key } : {}) };
  if (init.secret !== null) headers.authorization = `Bearer ${init.secret ?? TEST_SANDBOX_SECRET}`;
  const res = await fetch(`${base}${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const session = (customer: { name: string; email: string }) => ({
  amount_minor: 2599,
  currency: 'USD',
  reference: 'payment-1',
  instrument: 'card',
  return_url: 'http://shop.test/checkout/return/p1',
  cancel_url: 'http://shop.test/checkout/return/p1?cancelled=1',
  customer,
});

/** Every file the sandbox keeps, as one text. */
const stored = (dir: string) =>
  readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');

test('forget: the buyer’s name, email and card fingerprint leave every file of the sandbox; the payment record stays and answers GET', async () => {
  const hooks = await hookCatcher();
  const sandbox = await startTestSandbox({ webhookUrl: hooks.url });
  try {
    const created = (await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(BUYER), key: 'f1' })).body;
    const other = (await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(OTHER), key: 'f2' })).body;
    const hook = hooks.next();
    // The cardholder types their own name on the processor's page.
    assert.equal((await submitPayForm(created.url, { ...TEST_CARD, name: BUYER.name })).status, 303);
    assert.doesNotMatch((await hook).body, /Ada Lovelace|lovelace/i, 'a webhook carries no customer data');
    const paid = (await api(sandbox.url, `/v1/checkout-sessions/${created.id}`)).body;
    const fingerprint = paid.payment_method.fingerprint as string;
    const before = stored(sandbox.dir);
    assert.ok(before.includes(BUYER.email) && before.includes(fingerprint), 'the sandbox kept them until now');

    const forgotten = await api(sandbox.url, `/v1/checkout-sessions/${created.id}/forget`, { method: 'POST', body: {}, key: 'forget:p1' });
    assert.equal(forgotten.status, 200);
    assert.equal(forgotten.body.status, 'succeeded');
    assert.match(forgotten.body.forgotten_at, /^\d{4}-/);

    const after = stored(sandbox.dir);
    for (const trace of [BUYER.name, BUYER.email, fingerprint, createHash('sha256').update(JSON.stringify(BUYER)).digest('hex')]) {
      assert.ok(!after.includes(trace), `no file keeps ${trace.slice(0, 6)}…`);
    }
    assert.ok(after.includes(OTHER.email), 'another buyer’s session is untouched');
    assert.equal(after.split('\n').filter((l) => l.includes(created.id) && l.startsWith('{"id"')).length, 1, 'one snapshot of the session is left');

    const got = await api(sandbox.url, `/v1/checkout-sessions/${created.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(
      {
        status: got.body.status,
        amount: got.body.amount_minor,
        currency: got.body.currency,
        last4: got.body.payment_method.last4,
        brand: got.body.payment_method.brand,
        token: got.body.payment_method.token,
      },
      { status: 'succeeded', amount: 2599, currency: 'USD', last4: '4242', brand: 'visa', token: paid.payment_method.token },
    );
    assert.equal(got.body.payment_method.fingerprint, undefined);
    assert.equal((await api(sandbox.url, `/v1/checkout-sessions/${other.id}`)).body.forgotten_at, null);
  } finally {
    await sandbox.stop();
    await hooks.close();
  }
});

test('forget is idempotent, needs the secret key, and an unknown session is 404 resource_missing; an open session forgotten can still be paid', async () => {
  const sandbox = await startTestSandbox();
  try {
    const created = (await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(BUYER), key: 'i1' })).body;
    const path = `/v1/checkout-sessions/${created.id}/forget`;
    const noKey = await api(sandbox.url, path, { method: 'POST', body: {}, secret: null });
    assert.equal(noKey.status, 401);
    assert.equal((await api(sandbox.url, path, { method: 'POST', body: {}, secret: 'wrong-secret-0123456789' })).status, 401);
    assert.ok(stored(sandbox.dir).includes(BUYER.email), 'a refused forget changes nothing');
    const first = await api(sandbox.url, path, { method: 'POST', body: {}, key: 'forget:a' });
    const second = await api(sandbox.url, path, { method: 'POST', body: {}, key: 'forget:a' });
    const third = await api(sandbox.url, path, { method: 'POST', body: {} });
    assert.deepEqual([first.status, second.status, third.status], [200, 200, 200]);
    assert.equal(second.body.forgotten_at, first.body.forgotten_at, 'forgotten once, at the first time');
    const unknown = await api(sandbox.url, '/v1/checkout-sessions/cs_sbx_000000000000000000000000/forget', { method: 'POST', body: {} });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'resource_missing');
    // The creating request replayed under its key still answers the session; its customer can no longer be compared.
    const replay = await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(BUYER), key: 'i1' });
    assert.equal(replay.body.id, created.id);
    assert.equal((await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: { ...session(BUYER), amount_minor: 1 }, key: 'i1' })).status, 409);
    // Forgotten while still open: the buyer may still pay, and the card is kept without its fingerprint.
    assert.equal((await submitPayForm(created.url, { ...TEST_CARD, name: BUYER.name })).status, 303);
    const paid = (await api(sandbox.url, `/v1/checkout-sessions/${created.id}`)).body;
    assert.deepEqual(paid.payment_method && Object.keys(paid.payment_method).sort(), ['brand', 'last4', 'token']);
    assert.ok(!stored(sandbox.dir).includes(BUYER.email) && !stored(sandbox.dir).includes(BUYER.name));
  } finally {
    await sandbox.stop();
  }
});

test('after forget the sandbox keeps writing to the compacted file, and a restart on the same directory keeps the session without the customer', async () => {
  const sandbox = await startTestSandbox();
  const dir = sandbox.dir;
  let restarted;
  try {
    const created = (await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(BUYER), key: 'r1' })).body;
    await submitPayForm(created.url, TEST_CARD);
    await api(sandbox.url, `/v1/checkout-sessions/${created.id}/forget`, { method: 'POST', body: {} });
    const refund = await api(sandbox.url, `/v1/checkout-sessions/${created.id}/refunds`, { method: 'POST', body: { amount_minor: 599 }, key: 'refund-1' });
    assert.equal(refund.body.refunded_minor, 599);
    const later = (await api(sandbox.url, '/v1/checkout-sessions', { method: 'POST', body: session(OTHER), key: 'r2' })).body;
    await sandbox.stop();

    restarted = await startTestSandbox({ dir });
    const got = (await api(restarted.url, `/v1/checkout-sessions/${created.id}`)).body;
    assert.equal(got.status, 'succeeded');
    assert.equal(got.amount_minor, 2599);
    assert.equal(got.refunded_minor, 599, 'the refund written after compaction survived the restart');
    assert.match(got.forgotten_at, /^\d{4}-/);
    assert.equal((await api(restarted.url, `/v1/checkout-sessions/${later.id}`)).body.status, 'open');
    const files = stored(dir);
    assert.ok(!files.includes(BUYER.email) && !files.includes(BUYER.name));
    assert.ok(files.includes(OTHER.email));
    assert.deepEqual(readdirSync(dir).sort(), ['processor.log', 'sessions.jsonl'], 'no temporary file is left behind');
  } finally {
    await sandbox.stop();
    await restarted?.stop();
  }
});
