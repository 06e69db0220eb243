import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { isAppError } from '../../platform/errors.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { testActor } from '../../privacy/testing.ts';
import { submitPayForm, TEST_CARD } from '../../sandbox-processor/testing.ts';
import type { Module } from '../../platform/module.ts';
import type { Settlement } from './payments.ts';
import { reconcileOpenPayments } from './reconcile.ts';
import { signWebhook } from './signature.ts';
import { buyerWithOrder, paymentsTestBed } from './testing.ts';
import { sandboxWebhookSecret } from '../../sandbox-processor/index.ts';
import { TEST_SANDBOX_SECRET } from '../../sandbox-processor/testing.ts';

const CARD_DIGITS = '4242424242424242';
const actor = testActor('checkout');

/** A module that listens to settlements, for the test app: what it heard, and whether inside the settling transaction. */
function recordSettlements(): { calls: { inTransaction: boolean; settlement: Settlement }[]; module: Module } {
  const calls: { inTransaction: boolean; settlement: Settlement }[] = [];
  const listener = async (db: Db, settlement: Settlement) => {
    calls.push({ inTransaction: db.isTransaction, settlement });
  };
  return { calls, module: { name: 'test-settlements', migrations: [], listeners: { paymentSettled: [listener] } } };
}

async function rows(db: Db): Promise<Record<string, unknown>[]> {
  return (await sql<Record<string, unknown>>`select * from payments_attempts order by created_at`.execute(db)).rows;
}

function dirText(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

testEachDatabase(
  'a card paid on the sandbox page settles once: token and last4 only, through the kernel; no card number anywhere',
  async (database) => {
    const { db } = database;
    const seen = recordSettlements();
    const bed = await paymentsTestBed(database, {}, [seen.module]);
    try {
      const { app } = bed;
      const { subject, orderId } = await buyerWithOrder(app.privacy, db);
      const started = await db
        .transaction()
        .execute((trx) => app.payments.startPayment(trx, { orderId, subject, amountMinor: 4999, currency: 'USD', instrument: 'card', idempotencyKey: 'checkout:k-1', actor }));
      assert.ok(started.redirectUrl.startsWith(`${bed.sandbox.url}/pay/`), 'the buyer goes to the processor page, not the store');

      // The buyer on the processor's page, with a real HTTP client: the card is posted there, never to the store.
      const page = await fetch(started.redirectUrl);
      assert.match(await page.text(), /\$49\.99/);
      const paid = await submitPayForm(started.redirectUrl, TEST_CARD);
      assert.equal(paid.status, 303);
      assert.equal(paid.location, `http://shop.test/checkout/return/${started.paymentId}`);

      const settled = await db.transaction().execute((trx) => app.payments.settlePayment(trx, started.paymentId));
      assert.deepEqual(settled, { paymentId: started.paymentId, orderId, status: 'succeeded', last4: '4242', brand: 'visa' });
      assert.equal(seen.calls.length, 1);
      assert.equal(seen.calls[0]!.inTransaction, true, 'listeners run inside the settling transaction');

      // Settled stays settled, and the processor is not asked again (it is gone now).
      await bed.sandbox.stop();
      const again = await db.transaction().execute((trx) => app.payments.settlePayment(trx, started.paymentId));
      assert.deepEqual(again, settled);
      assert.equal(seen.calls.length, 1);

      const stored = await app.privacy.read(db, { subject, actor: testActor('payments'), purpose: 'fulfillment', categories: ['user.payment'], ref: `order:${orderId}` });
      const method = stored.values['user.payment'] as Record<string, unknown>;
      assert.equal(method.last4, '4242');
      assert.match(String(method.token), /^pm_sbx_/);
      assert.deepEqual(Object.keys(method).sort(), ['brand', 'last4', 'processor', 'token']);

      const disclosures = await app.privacy.disclosuresOf(db, { subject, order: orderId, actor: testActor('test'), purpose: 'fulfillment' });
      assert.deepEqual(
        disclosures.map((d) => [d.recipient, d.basis, d.categories.sort().join(',')]),
        [['payment-processor', 'fulfillment', 'user.contact.email,user.name']],
      );

      const [row] = await rows(db);
      assert.equal(row!.status, 'succeeded');
      assert.doesNotMatch(JSON.stringify(row), /pm_sbx_|4242/, 'the payment row holds no token and no digits');
      const everything = JSON.stringify((await sql`select * from payments_attempts`.execute(db)).rows) + JSON.stringify(bed.logs);
      assert.ok(!everything.includes(CARD_DIGITS));
      assert.ok(!dirText(bed.sandbox.dir).includes(CARD_DIGITS), "the processor's own storage and log hold no card number");
    } finally {
      await bed.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  'a declined card leaves the payment open for another try, and no listener is told',
  async (database) => {
    const { db } = database;
    const seen = recordSettlements();
    const bed = await paymentsTestBed(database, {}, [seen.module]);
    try {
      const { app } = bed;
      const { subject, orderId } = await buyerWithOrder(app.privacy, db);
      const started = await app.payments.startPayment(db, { orderId, subject, amountMinor: 1500, currency: 'USD', instrument: 'card', idempotencyKey: 'k-declined', actor });
      const declined = await submitPayForm(started.redirectUrl, { ...TEST_CARD, number: '4000 0000 0000 0002' });
      assert.equal(declined.status, 402);
      assert.match(declined.body, /declined/);
      const s = await db.transaction().execute((trx) => app.payments.settlePayment(trx, started.paymentId));
      assert.equal(s.status, 'open');
      assert.equal(s.failureCode, 'card_declined');
      assert.equal(seen.calls.length, 0);
      assert.equal((await rows(db))[0]!.status, 'open');
      assert.ok(!dirText(bed.sandbox.dir).includes('4000000000000002'));
    } finally {
      await bed.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  'the sandbox webhook settles the payment; a tampered, unsigned or stale webhook is refused with WEBHOOK_SIGNATURE_INVALID',
  async (database) => {
    const { db } = database;
    const seen = recordSettlements();
    const bed = await paymentsTestBed(database, {}, [seen.module]);
    try {
      const { app } = bed;
      const base = await bed.listen();
      const { subject, orderId } = await buyerWithOrder(app.privacy, db);
      const started = await app.payments.startPayment(db, { orderId, subject, amountMinor: 2500, currency: 'USD', instrument: 'card', idempotencyKey: 'k-hook', actor });
      const ref = (await rows(db))[0]!.processor_ref as string;

      const secret = sandboxWebhookSecret(TEST_SANDBOX_SECRET);
      const body = JSON.stringify({ id: 'evt_1', type: 'checkout.session.completed', data: { object: { id: ref } } });
      const post = (raw: string, signature: string | null) =>
        fetch(`${base}/payments/webhook/sandbox`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'sandbox-signature': signature } : {}) }, body: raw });
      const tampered = await post(body.replace('evt_1', 'evt_2'), signWebhook(secret, body, new Date()));
      assert.equal(tampered.status, 400);
      assert.equal(((await tampered.json()) as { error: { code: string } }).error.code, 'WEBHOOK_SIGNATURE_INVALID');
      assert.equal((await post(body, null)).status, 400);
      assert.equal((await post(body, signWebhook('another-secret', body, new Date()))).status, 400);
      assert.equal((await post(body, signWebhook(secret, body, new Date(Date.now() - 3_600_000)))).status, 400);
      assert.equal((await rows(db))[0]!.status, 'open');

      // A correctly signed event about an unpaid session: the store asks, and the payment stays open.
      const early = await post(body, signWebhook(secret, body, new Date()));
      assert.equal(early.status, 200);
      assert.deepEqual(await early.json(), { received: true, status: 'open' });

      // The buyer pays; the sandbox's own signed webhook settles the payment without any return visit.
      await submitPayForm(started.redirectUrl, TEST_CARD);
      const deadline = Date.now() + 10_000;
      while ((await rows(db))[0]!.status === 'open' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal((await rows(db))[0]!.status, 'succeeded');
      assert.equal(seen.calls.length, 1);
      assert.equal(seen.calls[0]!.settlement.orderId, orderId);
    } finally {
      await bed.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  'a doubled start with one idempotency key is one payment and one processor session',
  async (database) => {
    const { db } = database;
    const bed = await paymentsTestBed(database);
    try {
      const { app } = bed;
      const { subject, orderId } = await buyerWithOrder(app.privacy, db);
      const input = { orderId, subject, amountMinor: 990, currency: 'USD', instrument: 'card' as const, idempotencyKey: 'checkout:double', actor };
      const first = await db.transaction().execute((trx) => app.payments.startPayment(trx, input));
      const second = await db.transaction().execute((trx) => app.payments.startPayment(trx, input));
      assert.deepEqual(second, first);
      assert.equal((await rows(db)).length, 1);
      const created = readFileSync(join(bed.sandbox.dir, 'processor.log'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"event":"created"'));
      assert.equal(created.length, 1, 'the processor was asked once');
      // Two at once (a double click reaching two web processes): still one payment and one session.
      const racing = { ...input, idempotencyKey: 'checkout:race' };
      const [x, y] = await Promise.all([1, 2].map(() => db.transaction().execute((trx) => app.payments.startPayment(trx, racing))));
      assert.deepEqual(x, y);
      assert.equal((await rows(db)).length, 2);
      const sessions = new Set(
        readFileSync(join(bed.sandbox.dir, 'sessions.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).id),
      );
      assert.equal(sessions.size, 2, 'one processor session per key');
      // The same key for another payment is refused, not answered with the first.
      await assert.rejects(app.payments.startPayment(db, { ...input, amountMinor: 991 }), (err) => isAppError(err) && err.code === 'CONFLICT');
    } finally {
      await bed.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  'a start cut off after the processor opened its session (the process killed before the commit) is retried with the same key for the new order: one payable session',
  async (database) => {
    const { db } = database;
    const bed = await paymentsTestBed(database);
    try {
      const { app } = bed;
      const { subject, orderId } = await buyerWithOrder(app.privacy, db);
      const input = { orderId, subject, amountMinor: 990, currency: 'USD', instrument: 'card' as const, idempotencyKey: 'checkout:cut-off', actor, description: 'Shop, order C-100001' };
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await app.payments.startPayment(trx, input);
          throw new Error('killed before the commit');
        }),
        /killed/,
      );
      assert.equal((await rows(db)).length, 0, 'the shop kept nothing of the cut-off start');
      // The retry's checkout made its order again: another id, another number in the description.
      const again = await buyerWithOrder(app.privacy, db);
      const retried = await db.transaction().execute((trx) => app.payments.startPayment(trx, { ...input, orderId: again.orderId, subject: again.subject, description: 'Shop, order C-100002' }));
      assert.equal((await rows(db)).length, 1);
      assert.equal((await submitPayForm(retried.redirectUrl, TEST_CARD)).status, 303, 'the buyer pays the session the retry answered');
      assert.equal((await db.transaction().execute((trx) => app.payments.settlePayment(trx, retried.paymentId))).status, 'succeeded');
    } finally {
      await bed.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  'processor down: PAYMENT_PROCESSOR_UNAVAILABLE (503) and no payment left open',
  async (database) => {
    const { db } = database;
    const bed = await paymentsTestBed(database, { SANDBOX_PROCESSOR_URL: 'http://127.0.0.1:9' });
    try {
      const { app } = bed;
      const { subject, orderId } = await buyerWithOrder(app.privacy, db);
      const input = { orderId, subject, amountMinor: 1200, currency: 'USD', instrument: 'card' as const, idempotencyKey: 'k-down', actor };
      await assert.rejects(
        db.transaction().execute((trx) => app.payments.startPayment(trx, input)),
        (err) => isAppError(err) && err.code === 'PAYMENT_PROCESSOR_UNAVAILABLE' && err.status === 503,
      );
      // As checkout does it: a savepoint around the payment, compensation, and the transaction commits.
      await db.transaction().execute(async (trx) => {
        await sql`savepoint pay`.execute(trx);
        await assert.rejects(app.payments.startPayment(trx, input), /cannot be reached/);
        await sql`rollback to savepoint pay`.execute(trx);
      });
      assert.equal((await rows(db)).length, 0);
      assert.equal((await app.privacy.disclosuresOf(db, { subject, actor: testActor('test'), purpose: 'fulfillment' })).length, 0, 'a rolled-back start leaves no disclosure either');
    } finally {
      await bed.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  'a bank account is kept by the store as token and last4 only; cancel ends an open payment at the processor; refunds are idempotent and never exceed what was paid',
  async (database) => {
    const { db } = database;
    const bed = await paymentsTestBed(database);
    try {
      const { app } = bed;
      const buyer = await buyerWithOrder(app.privacy, db);
      const open = await app.payments.startPayment(db, { ...buyer, amountMinor: 700, currency: 'USD', instrument: 'card', idempotencyKey: 'k-cancel', actor });
      await db.transaction().execute((trx) => app.payments.cancelPayment(trx, open.paymentId));
      assert.equal((await app.payments.getPayment(db, open.paymentId))!.status, 'expired');
      assert.equal((await submitPayForm(open.redirectUrl, TEST_CARD)).status, 409, 'the processor page no longer takes the card');

      const other = await buyerWithOrder(app.privacy, db);
      const paid = await app.payments.startPayment(db, { ...other, amountMinor: 1000, currency: 'USD', instrument: 'bank-account', idempotencyKey: 'k-refund', actor });
      await submitPayForm(paid.redirectUrl, { holder: 'Pat Buyer', routing: '110000000', account: '000123456789' });
      assert.equal((await db.transaction().execute((trx) => app.payments.settlePayment(trx, paid.paymentId))).last4, '6789');
      const kept = await app.privacy.read(db, { subject: other.subject, actor: testActor('payments'), purpose: 'fulfillment', categories: ['user.payment'], ref: `order:${other.orderId}` });
      assert.deepEqual(Object.keys(kept.values['user.payment'] as object).sort(), ['brand', 'last4', 'processor', 'token']);
      assert.equal((kept.values['user.payment'] as Record<string, unknown>).brand, 'bank_account');
      const staff = testActor('test-staff');
      const r1 = await db.transaction().execute((trx) => app.payments.refundPayment(trx, { paymentId: paid.paymentId, amountMinor: 400, idempotencyKey: 'refund-1', actor: staff }));
      assert.deepEqual(r1, { paymentId: paid.paymentId, status: 'succeeded', refundedMinor: 400 });
      const r1again = await app.payments.refundPayment(db, { paymentId: paid.paymentId, amountMinor: 400, idempotencyKey: 'refund-1', actor: staff });
      assert.equal(r1again.refundedMinor, 400);
      await assert.rejects(app.payments.refundPayment(db, { paymentId: paid.paymentId, amountMinor: 601, idempotencyKey: 'refund-2', actor: staff }), /amountMinor/);
      const rest = await app.payments.refundPayment(db, { paymentId: paid.paymentId, amountMinor: 600, idempotencyKey: 'refund-3', actor: staff });
      assert.equal(rest.status, 'refunded');
      await assert.rejects(
        app.payments.refundPayment(db, { paymentId: paid.paymentId, amountMinor: 1, idempotencyKey: 'refund-4', actor: staff }),
        (err) => isAppError(err) && err.code === 'PAYMENT_NOT_REFUNDABLE',
      );
      assert.ok(!dirText(bed.sandbox.dir).includes('000123456789'), 'the bank account number is tokenised at the processor too');
    } finally {
      await bed.close();
    }
  },
  { timeout: 180_000 },
);

testEachDatabase(
  'the reconcile job asks the processor about stale open payments and settles the paid ones',
  async (database) => {
    const { db } = database;
    const seen = recordSettlements();
    const bed = await paymentsTestBed(database, {}, [seen.module]);
    try {
      const { app } = bed;
      const a = await buyerWithOrder(app.privacy, db);
      const paid = await app.payments.startPayment(db, { ...a, amountMinor: 300, currency: 'USD', instrument: 'card', idempotencyKey: 'k-stale-paid', actor });
      const b = await buyerWithOrder(app.privacy, db);
      await app.payments.startPayment(db, { ...b, amountMinor: 300, currency: 'USD', instrument: 'card', idempotencyKey: 'k-stale-open', actor });
      await submitPayForm(paid.redirectUrl, TEST_CARD); // no webhook URL set, and the buyer never comes back
      assert.deepEqual(await reconcileOpenPayments(app.payments.deps, db, { olderThanMinutes: 5 }), { asked: 0, settled: 0 }, 'fresh payments are left alone');
      await sql`update payments_attempts set created_at = now() - interval '10 minutes'`.execute(db);
      assert.deepEqual(await reconcileOpenPayments(app.payments.deps, db, { olderThanMinutes: 5 }), { asked: 2, settled: 1 });
      assert.equal((await app.payments.getPayment(db, paid.paymentId))!.status, 'succeeded');
      assert.equal(seen.calls.length, 1);
    } finally {
      await bed.close();
    }
  },
  { timeout: 180_000 },
);
