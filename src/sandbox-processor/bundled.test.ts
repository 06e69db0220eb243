import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../platform/config.ts';
import { quietLogger } from '../platform/jobs/testing/support.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { testActor } from '../privacy/testing.ts';
import { buyerWithOrder } from '../commerce/payments/testing.ts';
import { startShop } from '../server.ts';
import { submitPayForm, TEST_CARD } from './testing.ts';

testEachDatabase(
  '`npm start` runs the sandbox processor as its own process and port; a card paid there settles through its webhook',
  async (database) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custodian-shop-'));
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', DEMO_DATA: 'false', LOG_LEVEL: 'silent', RUN_WORKER: 'false', ...(database.url ? { DATABASE_URL: database.url } : {}) });
    const shop = await startShop(config, quietLogger);
    let sandboxUrl: string | null = null;
    try {
      sandboxUrl = shop.sandboxProcessorUrl;
      assert.ok(sandboxUrl, 'a sandbox processor was started');
      assert.notEqual(new URL(sandboxUrl).port, new URL(shop.url).port);
      const db = shop.database.db;
      const { subject, orderId } = await buyerWithOrder(shop.app.privacy, db);
      const started = await shop.app.payments.startPayment(db, { orderId, subject, amountMinor: 1999, currency: 'USD', instrument: 'card', idempotencyKey: 'bundled-1', actor: testActor('checkout') });
      assert.ok(started.redirectUrl.startsWith(`${sandboxUrl}/pay/`));
      assert.equal((await submitPayForm(started.redirectUrl, TEST_CARD)).status, 303);
      const deadline = Date.now() + 15_000;
      while ((await shop.app.payments.getPayment(db, started.paymentId))!.status === 'open' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal((await shop.app.payments.getPayment(db, started.paymentId))!.status, 'succeeded', 'the webhook reached the shop');
      // Its own storage, beside the shop's data, with the secret both share; never the card number.
      const stored = readFileSync(join(dataDir, 'sandbox-processor', 'sessions.jsonl'), 'utf8');
      assert.match(stored, /"last4":"4242"/);
      assert.ok(!stored.includes('4242424242424242'));
      assert.ok(existsSync(join(dataDir, 'sandbox-processor-secret')));
    } finally {
      await shop.stop();
    }
    await assert.rejects(fetch(`${sandboxUrl}/pay/x`), 'the processor stops with the shop');
  },
  { timeout: 180_000 },
);

test('no sandbox is started when SANDBOX_PROCESSOR_URL names one, or when Stripe takes the payments', async () => {
  const { needsBundledSandbox } = await import('./bundled.ts');
  assert.equal(needsBundledSandbox(loadConfig({})), true);
  assert.equal(needsBundledSandbox(loadConfig({ SANDBOX_PROCESSOR_URL: 'http://127.0.0.1:4100' })), false);
  assert.equal(needsBundledSandbox(loadConfig({ PAYMENT_PROCESSOR: 'stripe', STRIPE_SECRET_KEY: 'sk_test_abcdefghijkl', STRIPE_WEBHOOK_SECRET: 'whsec_abcdefghijkl' })), false);
});
