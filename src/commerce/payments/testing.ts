// Test harness: a test app wired to an in-process sandbox processor, and a buyer with the name and
// email checkout would have written for an order.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import { buildTestApp, type TestApp } from '../../platform/testing/app.ts';
import type { Module } from '../../platform/module.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import { testActor } from '../../privacy/testing.ts';
import type { PrivacyKernel } from '../../privacy/index.ts';
import { startTestSandbox, TEST_SANDBOX_SECRET } from '../../sandbox-processor/testing.ts';

export type TestSandbox = Awaited<ReturnType<typeof startTestSandbox>>;

export interface PaymentsTestBed extends TestApp {
  sandbox: TestSandbox;
  /** The app's own address once `listen()` ran (for webhooks). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function paymentsTestBed(database: DatabaseHandle, env: Record<string, string> = {}, extraModules: readonly Module[] = []): Promise<PaymentsTestBed> {
  const sandbox = await startTestSandbox();
  const bed = await buildTestApp(database, { SANDBOX_PROCESSOR_URL: sandbox.url, SANDBOX_PROCESSOR_SECRET: TEST_SANDBOX_SECRET, PUBLIC_URL: 'http://shop.test', ...env }, { extraModules });
  return {
    ...bed,
    sandbox,
    async listen() {
      const address = await bed.app.listen({ host: '127.0.0.1', port: 0 });
      sandbox.setWebhookUrl(`${address}/payments/webhook/sandbox`);
      return address;
    },
    async close() {
      await sandbox.stop();
      await bed.app.close();
    },
  };
}

/** A customer subject with the order copy of name and email that checkout writes before payment. */
export async function buyerWithOrder(kernel: PrivacyKernel, db: Db): Promise<{ subject: string; orderId: string }> {
  const actor = testActor('checkout');
  const subject = await kernel.createSubject(db, { kind: 'customer', actor, purpose: 'fulfillment' });
  const orderId = randomUUID();
  await kernel.write(db, { subject, actor, purpose: 'fulfillment', ref: `order:${orderId}`, values: { 'user.name': 'Pat Buyer', 'user.contact.email': 'pat.buyer@example.com' } });
  return { subject, orderId };
}
