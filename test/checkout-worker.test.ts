// A separate worker process (`npm run worker`) has no web app: the settlement listener that moves
// the order must not depend on one. Here the web app is closed before the worker's reconcile job
// finds the payment paid at the processor (decision 0021).
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import { RECONCILE_JOB } from '../src/commerce/payments/index.ts';
import { enqueue, collectJobs } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { startKernel } from '../src/privacy/index.ts';
import { modules, wiringOf } from '../src/modules.ts';
import { placeCardOrder } from './checkout-support.ts';

testEachDatabase('settlement: the reconcile job of a worker without the web app moves a paid order to paid and clears its cart', async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const order = await placeCardOrder(bed, database.db);
  // The buyer paid at the processor, closed the tab, and the webhook never came (no listening store).
  await bed.app.close();
  await sql`update payments_attempts set created_at = now() - interval '10 minutes'`.execute(database.db);

  // What worker.ts gives a worker: the settings and a kernel of its own, every module's jobs.
  const privacy = await startKernel({ db: database.db, datamapDir: bed.config.datamapDir, keyringPath: bed.config.keyringPath, region: bed.config.dataRegion });
  const worker = testWorker(database, collectJobs(modules).handlers, { services: { config: bed.config, privacy, wiring: wiringOf(modules) } });
  await worker.start();
  t.after(() => worker.stop(5000));
  await enqueue(database.db, RECONCILE_JOB);

  const status = async () => (await sql<{ status: string }>`select status from orders where id = ${order.orderId}`.execute(database.db)).rows[0]!.status;
  await waitFor('the order to be paid', async () => (await status()) === 'paid', 30_000);
  assert.equal((await sql<{ status: string }>`select status from payments_attempts`.execute(database.db)).rows[0]!.status, 'succeeded');
  assert.equal((await sql<{ state: string }>`select state from checkout_attempts`.execute(database.db)).rows[0]!.state, 'paid');
  assert.equal((await sql<{ n: number }>`select count(*)::int as n from cart_lines`.execute(database.db)).rows[0]!.n, 0, 'the cart was cleared');
  const { rows: mails } = await sql<{ n: number }>`select count(*)::int as n from comms_outbox where idempotency_key like 'orders.receipt:%'`.execute(database.db);
  assert.equal(mails[0]!.n, 1, 'the receipt of the payment is queued');
});
