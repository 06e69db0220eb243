// What the checkout browser tests share: the whole shop on a real port with the demo-like test
// catalogue, its job worker, a real SMTP server for its mail, the sandbox processor on a port of its
// own (its webhook pointed at the shop), and a browser; all stopped after the test, each within a
// bound so a stuck step fails with its own name rather than the runner's timeout.
import type { TestContext } from 'node:test';
import type { Browser } from 'playwright-core';
import { makeShop } from '../../src/commerce/cart/testing.ts';
import { startSmtpSink } from '../../src/comms/testing/smtp-sink.ts';
import { modules } from '../../src/modules.ts';
import { collectJobs } from '../../src/platform/jobs/index.ts';
import { testWorker } from '../../src/platform/jobs/testing/support.ts';
import { buildTestApp } from '../../src/platform/testing/app.ts';
import type { TestDatabase } from '../../src/platform/testing/databases.ts';
import { startTestSandbox, TEST_SANDBOX_SECRET } from '../../src/sandbox-processor/testing.ts';
import { freePort, launchBrowser, withinSeconds } from './support.ts';

export async function servedShop(database: TestDatabase, t: TestContext) {
  const sink = await startSmtpSink();
  t.after(() => withinSeconds(20, 'stopping the SMTP server', sink.stop()));
  const sandbox = await startTestSandbox();
  t.after(() => withinSeconds(20, 'stopping the sandbox processor', sandbox.stop()));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const { app, config } = await buildTestApp(database, { SMTP_URL: sink.url, PUBLIC_URL: origin, SANDBOX_PROCESSOR_URL: sandbox.url, SANDBOX_PROCESSOR_SECRET: TEST_SANDBOX_SECRET });
  t.after(() => withinSeconds(20, 'closing the shop', app.close()));
  const worker = testWorker(database, collectJobs(modules).handlers, { services: { config, privacy: app.privacy, wiring: app.wiring } });
  await worker.start();
  t.after(() => withinSeconds(20, 'stopping the worker', worker.stop(5000)));
  const shop = await makeShop(database.db);
  await app.listen({ port, host: '127.0.0.1' });
  sandbox.setWebhookUrl(`${origin}/payments/webhook/sandbox`);
  let browser: Browser | undefined;
  t.after(() => withinSeconds(20, 'closing the browser', browser?.close() ?? Promise.resolve()));
  browser = await launchBrowser();
  return { app, config, sink, sandbox, origin, shop, browser, database, worker };
}

export type ServedShop = Awaited<ReturnType<typeof servedShop>>;
