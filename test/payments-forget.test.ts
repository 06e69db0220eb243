import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { guest, paidCardOrder, sandboxSession } from './checkout-support.ts';
import type { Db } from '../src/platform/db/database.ts';
import { isAppError } from '../src/platform/errors.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { testActor } from '../src/privacy/testing.ts';
import { TEST_CARD } from '../src/sandbox-processor/testing.ts';
import { buyerWithOrder, paymentsTestBed } from '../src/commerce/payments/testing.ts';

/** Every file in the sandbox processor's own storage directory, as one text. */
const sandboxFiles = (dir: string) =>
  readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');

async function subjectOf(db: Db, paymentId: string): Promise<string> {
  return (await sql<{ subject_id: string }>`select subject_id from payments_attempts where id = ${paymentId}`.execute(db)).rows[0]!.subject_id;
}

testEachDatabase('forgetBuyer: after a paid card order the sandbox keeps no trace of the buyer’s name or email, and the payment is still there to retrieve', async (database, t) => {
  const { db } = database;
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const { app } = bed;
  const order = await paidCardOrder(bed, db);
  const subject = await subjectOf(db, order.paymentId);
  const before = sandboxFiles(bed.sandbox.dir);
  assert.ok(before.includes(guest.email) && before.includes(guest.name), 'checkout disclosed the name and email to the processor, which kept them');

  assert.deepEqual(await app.payments.forgetBuyer(db, subject), { forgotten: 1 });
  const after = sandboxFiles(bed.sandbox.dir);
  for (const trace of [guest.name, guest.email, TEST_CARD.name]) assert.ok(!after.includes(trace), 'no file of the sandbox keeps the buyer');

  // The payment record stays, at the store and at the processor, for the shop's accounts.
  assert.equal((await app.payments.getPayment(db, order.paymentId))!.status, 'succeeded');
  const atProcessor = await sandboxSession(bed, order.processorRef);
  assert.equal(atProcessor.status, 'succeeded');
  assert.equal(atProcessor.amount_minor, order.totalMinor);
  const outcome = await app.payments.deps.processors.byId('sandbox').retrieve(order.processorRef);
  assert.deepEqual([outcome.status, outcome.last4, outcome.brand], ['succeeded', '4242', 'visa']);

  // The erasure step may run again whole.
  assert.deepEqual(await app.payments.forgetBuyer(db, subject), { forgotten: 1 });
  assert.ok(!sandboxFiles(bed.sandbox.dir).includes(guest.email));
});

testEachDatabase(
  'forgetBuyer asks about this subject’s payments only; none is forgetting none; a processor that is down is PAYMENT_PROCESSOR_UNAVAILABLE for the caller to retry',
  async (database, t) => {
    const { db } = database;
    const bed = await paymentsTestBed(database);
    t.after(() => bed.close());
    const { app } = bed;
    const pat = await buyerWithOrder(app.privacy, db);
    await app.payments.startPayment(db, { ...pat, amountMinor: 1500, currency: 'USD', instrument: 'card', idempotencyKey: 'k-pat', actor: testActor('checkout') });
    const grace = await paidCardOrder(bed, db);
    assert.ok(sandboxFiles(bed.sandbox.dir).includes('pat.buyer@example.com'));

    assert.deepEqual(await app.payments.forgetBuyer(db, pat.subject), { forgotten: 1 });
    const files = sandboxFiles(bed.sandbox.dir);
    assert.ok(!files.includes('pat.buyer@example.com') && !files.includes('Pat Buyer'));
    assert.ok(files.includes(guest.email), 'another buyer is not forgotten');

    const nobody = await app.privacy.createSubject(db, { kind: 'customer', actor: testActor('checkout'), purpose: 'fulfillment' });
    assert.deepEqual(await app.payments.forgetBuyer(db, nobody), { forgotten: 0 });
    await assert.rejects(app.payments.forgetBuyer(db, 'not-a-subject'), (err) => isAppError(err) && err.code === 'VALIDATION_FAILED');

    await bed.sandbox.stop();
    await assert.rejects(app.payments.forgetBuyer(db, await subjectOf(db, grace.paymentId)), (err) => isAppError(err) && err.code === 'PAYMENT_PROCESSOR_UNAVAILABLE' && err.status === 503);
  },
);
