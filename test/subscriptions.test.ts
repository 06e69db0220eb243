// Subscriptions over HTTP with the sandbox processor in-process: a customer buys a monthly plan
// through the real checkout, the renewal job's code bills month two through the processor port
// (a charge of the kept card, disclosed on the billing basis), a run killed after the charge and
// before its commit charges once when run again, a declined card is retried after 1 and 3 days and
// then suspends the plan, paying the open invoice with a new card resumes it, cancelling ends it at
// the period's end with no charge after, and the export and the deletion reach it all.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { type FormClient, signUpAndConfirm, staffClient, staffTokenHeaders } from '../src/accounts/testing.ts';
import { makeShop, newClient, type CartClient } from '../src/commerce/cart/testing.ts';
import { createProduct } from '../src/commerce/catalogue/index.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import { modules } from '../src/modules.ts';
import { collectJobs, enqueue } from '../src/platform/jobs/index.ts';
import { jobInState, testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { cliInProcess } from '../src/cli/testing.ts';
import { consentRows, disclosureRows, subjectStatus, testActor } from '../src/privacy/testing.ts';
import { submitPayForm, TEST_CARD, TEST_SANDBOX_SECRET } from '../src/sandbox-processor/testing.ts';
import { RENEW_JOB, renewDue } from '../src/subscriptions/index.ts';
import { addToCart, keyOf, pathOf } from './checkout-support.ts';
import { assertFollowsExportSchema } from './export-schema-support.ts';

const DAY = 86_400_000;

interface Sub {
  id: string;
  status: string;
  current_period_start: Date;
  current_period_end: Date;
  retry_at: Date | null;
  subject_id: string | null;
}

testEachDatabase(
  '[P003-11] a monthly plan bought at checkout is renewed by the job through the processor (billing disclosure ledgered), once per period even when killed mid-run; a declined renewal is retried, suspends, and resumes when paid; cancel and erasure stop the charges',
  async (database, t) => {
    const bed = await paymentsTestBed(database);
    t.after(() => bed.close());
    const { app } = bed;
    const db = database.db;
    const shop = await makeShop(db);
    const plan = await createProduct(
      db,
      { vendor_id: shop.router.vendor.id, slug: 'phone-plan', name: 'Phone Plan', kind: 'service', variants: [{ sku: 'PLAN-5', name: '5 GB', price_minor: 1500, billing_period: 'month' }] },
      { currency: 'USD' },
    );
    const planVariant = plan.variants[0]!.id;
    const renew = (asOf: Date, extra: Partial<Parameters<typeof renewDue>[2]> = {}) => renewDue(app.payments.deps, db, { asOf, ...extra });
    const subOf = async (subject: string) =>
      (await sql<Sub>`select id, status, current_period_start, current_period_end, retry_at, subject_id from subscriptions_subscriptions where subject_id = ${subject}::uuid`.execute(db)).rows[0]!;
    const invoices = async (id: string) =>
      (
        await sql<{
          status: string;
          period_start: Date;
          attempts: number;
        }>`select status, period_start, attempts from subscriptions_invoices where subscription_id = ${id}::uuid order by period_start`.execute(db)
      ).rows;
    const charges = () =>
      readFileSync(join(bed.sandbox.dir, 'processor.log'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"event":"charged"')).length;
    const mails = async (template: string, subject: string) =>
      Number((await sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = ${template} and subject_id = ${subject}::uuid`.execute(db)).rows[0]!.n);

    async function subscribe(who: { name: string; email: string; password: string }, card: Record<string, string>): Promise<{ client: CartClient; subject: string }> {
      const client = newClient(app);
      await signUpAndConfirm(client as FormClient, db, who);
      const subject = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer' order by created_at desc limit 1`.execute(db)).rows[0]!.subject_id;
      await addToCart(client, 'phone-plan', planVariant);
      const cart = await client.get('/cart');
      assert.match(cart.body, /Phone Plan \(5 GB\), per month/, 'the cart says the plan is per month');
      const form = await client.get('/checkout');
      const started = await client.post('/checkout', { idempotency_key: keyOf(form.body), method: 'card', name: who.name, email: who.email, age: 'adult' });
      assert.equal(started.statusCode, 303, started.body);
      const paid = await submitPayForm(started.headers.location as string, card);
      assert.equal(paid.status, 303, paid.body);
      assert.equal((await client.get(pathOf(paid.location!))).statusCode, 303);
      return { client, subject };
    }

    let bobSubject = '';
    const ada = await subscribe({ name: 'Ada Byron', email: 'ada.byron@example.com', password: 'lantern-orchid-58-quarry' }, TEST_CARD);
    const adaSub = await subOf(ada.subject);

    await t.test('the plan is shown per month, and checkout starts an active subscription with its first invoice paid; the card is a kernel item, not a column', async () => {
      const page = await newClient(app).get('/products/phone-plan');
      assert.match(page.body, /\$15\.00<\/span> <span class="currency">USD<\/span> <span class="meta">per month<\/span>/);
      assert.equal(adaSub.status, 'active');
      assert.equal(Math.round((adaSub.current_period_end.getTime() - adaSub.current_period_start.getTime()) / DAY) >= 28, true);
      assert.deepEqual(
        (await invoices(adaSub.id)).map((i) => i.status),
        ['paid'],
      );
      const list = await ada.client.get('/account/subscriptions');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Phone Plan \(5 GB\), per month/);
      assert.match(list.body, new RegExp(`${adaSub.current_period_end.toISOString().slice(0, 10)}: \\$15\\.00`), 'the next charge date and amount');
      const columns = (await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name like 'subscriptions_%'`.execute(db)).rows.map((r) => r.column_name);
      assert.ok(!columns.some((c) => /token|card|email|name$/.test(c) && c !== 'name'), `no token or contact column: ${columns.join(', ')}`);
      const dump = JSON.stringify((await sql`select * from subscriptions_subscriptions`.execute(db)).rows);
      assert.doesNotMatch(dump, /pm_sbx_|ada\.byron/);
      // Another customer's subscription answers as a missing one.
      const other = newClient(app);
      await signUpAndConfirm(other as FormClient, db, { name: 'Eve Other', email: 'eve@example.com', password: 'harbour-lantern-64-quietly' });
      assert.equal((await other.get(`/account/subscriptions/${adaSub.id}`)).statusCode, 404);
    });

    await t.test('the renewal job bills month two once: an off-session charge of the kept card, disclosed on the billing basis, invoice paid, period moved on, mailed', async () => {
      assert.deepEqual(await renew(new Date(adaSub.current_period_end.getTime() - 60_000)), { charged: 0, failed: 0, suspended: 0, ended: 0, errors: 0 }, 'nothing is due before the period ends');
      const before = charges();
      const asOf = new Date(adaSub.current_period_end.getTime() + 60_000);
      assert.equal((await renew(asOf)).charged, 1);
      assert.equal((await renew(asOf)).charged, 0, 'a second run in the same period charges nothing');
      assert.equal(charges(), before + 1);
      const after = await subOf(ada.subject);
      assert.equal(after.current_period_start.getTime(), adaSub.current_period_end.getTime());
      assert.deepEqual(
        (await invoices(adaSub.id)).map((i) => i.status),
        ['paid', 'paid'],
      );
      assert.equal(await mails('subscriptions.paid', ada.subject), 1);
      const ledger = await app.privacy.disclosuresOf(db, { subject: ada.subject, actor: testActor('test'), purpose: 'data-rights' });
      const billing = ledger.filter((d) => d.recipient === 'payment-processor' && d.basis === 'billing');
      assert.equal(billing.length, 1, 'one billing disclosure to the processor for the renewal');
      assert.deepEqual(billing[0]!.categories, ['user.payment']);
      const detail = await ada.client.get(`/account/subscriptions/${adaSub.id}`);
      const links = [...detail.body.matchAll(/href="(\/account\/subscriptions\/[^/"]+\/invoices\/[^"]+)"/g)].map((m) => m[1]!);
      assert.equal(links.length, 2, 'two invoices in the account');
      const invoice = await ada.client.get(links[0]!);
      assert.equal(invoice.statusCode, 200);
      assert.match(invoice.body, /Invoice for .* to /);
      assert.match(invoice.body, /\$15\.00/);
    });

    await t.test('a run killed after the processor charged and before the commit charges once when it runs again', async () => {
      const s = await subOf(ada.subject);
      const asOf = new Date(s.current_period_end.getTime() + 60_000);
      const before = charges();
      const killed = await renew(asOf, {
        afterCharge: () => {
          throw new Error('killed');
        },
      });
      assert.equal(killed.errors, 1);
      assert.equal(charges(), before + 1, 'the processor charged');
      assert.equal((await invoices(s.id)).length, 2, 'nothing of the killed run was recorded');
      assert.equal((await renew(asOf)).charged, 1);
      assert.equal(charges(), before + 1, 'the run again got the same charge back: one charge at the processor');
      assert.deepEqual(
        (await invoices(s.id)).map((i) => i.status),
        ['paid', 'paid', 'paid'],
      );
    });

    await t.test('a declined renewal is retried after 1 and 3 days, then suspended and mailed; paying the open invoice with another card resumes it; the phone line on the plan follows', async () => {
      const bob = await subscribe({ name: 'Bob Marley', email: 'bob.m@example.com', password: 'quarry-lantern-58-orchid' }, { ...TEST_CARD, number: '4000 0000 0000 0341' });
      const s = await subOf(bob.subject);
      bobSubject = bob.subject;
      // Bob's phone line runs on the plan: it follows the subscription's payment state.
      const support = await staffClient(app, db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password: 'harbour-quarry-71-lantern' });
      await support.get('/staff/telecom');
      const opened = await support.post('/staff/telecom/lines', { email: 'bob.m@example.com', sku: 'PLAN-5', number: '+1 207 555 0142' });
      const line = /Line ([0-9a-f-]{36}) is open/.exec(opened.body)?.[1];
      assert.ok(line, `the line is open: ${opened.body.slice(0, 200)}`);
      const lineStatus = async () => (await sql<{ status: string }>`select status from telecom_lines where id = ${line}::uuid`.execute(db)).rows[0]!.status;
      let asOf = new Date(s.current_period_end.getTime() + 60_000);
      assert.equal((await renew(asOf)).failed, 1);
      let now = await subOf(bob.subject);
      assert.equal(now.status, 'past_due');
      assert.equal(now.retry_at!.getTime(), asOf.getTime() + DAY);
      assert.equal(await mails('subscriptions.failed', bob.subject), 1);
      assert.equal((await renew(new Date(asOf.getTime() + DAY - 60_000))).failed, 0, 'no retry before its day');
      asOf = now.retry_at!;
      assert.equal((await renew(asOf)).failed, 1);
      now = await subOf(bob.subject);
      assert.equal(now.retry_at!.getTime(), asOf.getTime() + 3 * DAY);
      assert.equal((await renew(now.retry_at!)).suspended, 1);
      now = await subOf(bob.subject);
      assert.equal(now.status, 'suspended');
      assert.equal(await lineStatus(), 'suspended', 'the phone line is suspended with its unpaid plan');
      assert.equal(await mails('subscriptions.suspended', bob.subject), 1);
      assert.equal((await renew(new Date(asOf.getTime() + 30 * DAY))).failed, 0, 'a suspended subscription is not charged');
      assert.deepEqual(
        (await invoices(s.id)).map((i) => [i.status, i.attempts]),
        [
          ['paid', 1],
          ['failed', 3],
        ],
      );

      const page = await bob.client.get(`/account/subscriptions/${s.id}`);
      assert.match(page.body, /Suspended/);
      assert.match(page.body, /Pay now/);
      const pay = await bob.client.post(`/account/subscriptions/${s.id}/pay`, {});
      assert.equal(pay.statusCode, 303, pay.body);
      assert.ok((pay.headers.location as string).startsWith(bed.sandbox.url), 'paid on the processor page');
      const paid = await submitPayForm(pay.headers.location as string, TEST_CARD);
      assert.equal(paid.status, 303);
      const back = await bob.client.get(pathOf(paid.location!));
      assert.equal(back.statusCode, 303);
      now = await subOf(bob.subject);
      assert.equal(now.status, 'active');
      assert.equal(await lineStatus(), 'active', 'paying resumes the phone line');
      assert.equal(now.current_period_start.getTime(), s.current_period_end.getTime(), 'the paid period is the current one');
      assert.deepEqual(
        (await invoices(s.id)).map((i) => i.status),
        ['paid', 'paid'],
      );
      assert.match((await bob.client.get(`/account/subscriptions/${s.id}`)).body, /the invoice is paid/);
      // The new card is kept: the next period is charged to it.
      assert.equal((await renew(new Date(now.current_period_end.getTime() + 60_000))).charged, 1);
    });

    await t.test('cancel asks first, then ends the subscription at the period end with no charge after', async () => {
      const s = await subOf(ada.subject);
      const ask = await ada.client.get(`/account/subscriptions/${s.id}/cancel`);
      assert.match(ask.body, new RegExp(`ends on ${s.current_period_end.toISOString().slice(0, 10)}`));
      assert.equal((await ada.client.post(`/account/subscriptions/${s.id}/cancel`, {})).statusCode, 303);
      assert.match((await ada.client.get(`/account/subscriptions/${s.id}`)).body, /nothing more will be charged/);
      const billed = (await invoices(s.id)).length;
      const run = await renew(new Date(s.current_period_end.getTime() + 60_000));
      assert.equal(run.ended, 1);
      assert.equal((await invoices(s.id)).length, billed, 'no invoice, no charge after the end');
      assert.equal((await subOf(ada.subject)).status, 'cancelled');
      assert.equal((await renew(new Date(s.current_period_end.getTime() + 40 * DAY))).ended, 0);
      assert.equal((await invoices(s.id)).length, billed);
    });

    await t.test("staff set a variant's billing period in the product form, and list the subscriptions by status", async () => {
      const owner = await staffClient(app, db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'meadow-violet-92-anchor' });
      const url = `/staff/catalogue/products/${plan.id}/variants/${planVariant}`;
      const form = await owner.get(url);
      assert.match(form.body, /<option value="month" selected>/);
      const period = async () => (await sql<{ p: string | null }>`select billing_period as p from catalogue_variants where id = ${planVariant}::uuid`.execute(db)).rows[0]!.p;
      const fields = { sku: 'PLAN-5', name: '5 GB', price: '15.00', currency: 'USD', stock: '' };
      assert.equal((await owner.post(url, { ...fields, billing_period: 'year' })).statusCode, 303);
      assert.equal(await period(), 'year');
      assert.notEqual((await owner.post(url, { ...fields, billing_period: 'weekly' })).statusCode, 303);
      assert.equal(await period(), 'year', 'a period that is not offered changes nothing');
      assert.equal((await owner.post(url, { ...fields, billing_period: 'month' })).statusCode, 303);
      assert.equal(await period(), 'month');
      const cancelled = await owner.get('/staff/subscriptions?status=cancelled');
      assert.equal(cancelled.statusCode, 200);
      assert.match(cancelled.body, new RegExp(adaSub.id.slice(0, 8)));
      const active = await owner.get('/staff/subscriptions?status=active');
      assert.doesNotMatch(active.body, new RegExp(adaSub.id.slice(0, 8)));
      assert.match((await owner.get('/staff/subscriptions?status=suspended')).body, /No subscriptions\./);
      assert.equal((await ada.client.get('/staff/subscriptions')).statusCode === 200, false, 'customers do not see the staff list');
    });

    await t.test('staff cancelling the order that bought a plan (refunded) ends its subscription: nothing more is charged', async () => {
      const dan = await subscribe({ name: 'Dan Brook', email: 'dan.brook@example.com', password: 'anchor-meadow-92-violet' }, TEST_CARD);
      const s = await subOf(dan.subject);
      const { number } = (await sql<{ number: string }>`select o.number from orders o join subscriptions_subscriptions s on s.order_id = o.id where s.id = ${s.id}::uuid`.execute(db)).rows[0]!;
      const cancel = await app.inject({
        method: 'POST',
        url: `/api/staff/orders/${number}/transitions`,
        headers: await staffTokenHeaders(app, db, 'owner'),
        payload: { to: 'cancelled', reason: 'out_of_stock' },
      });
      assert.equal(cancel.statusCode, 200, cancel.body);
      assert.equal((await subOf(dan.subject)).status, 'cancelled');
      const billed = (await invoices(s.id)).length;
      await renew(new Date(s.current_period_end.getTime() + 60_000));
      assert.equal((await invoices(s.id)).length, billed);
    });

    await t.test('the export holds the subscriptions and their invoices; the deletion cancels the running one and unlinks the rows', async () => {
      const carol = await subscribe({ name: 'Carol Ann', email: 'carol.ann@example.com', password: 'orchid-quarry-58-lantern' }, TEST_CARD);
      const s = await subOf(carol.subject);
      const res = await carol.client.get('/account/privacy/export.json');
      assert.equal(res.statusCode, 200);
      const data = JSON.parse(res.body) as { sections?: { id: string; records: Record<string, unknown>[] }[] };
      assertFollowsExportSchema(data);
      const sections = new Map((data.sections ?? []).map((x) => [x.id, x]));
      assert.equal(sections.get('subscriptions')?.records[0]?.id, s.id);
      assert.equal(sections.get('subscription-invoices')?.records.length, 1);

      await carol.client.get('/account/privacy/delete');
      assert.equal((await carol.client.post('/account/privacy/delete', { password: 'orchid-quarry-58-lantern' })).statusCode, 200);
      const worker = testWorker(database, collectJobs(modules).handlers, { services: { config: bed.config, privacy: app.privacy, wiring: app.wiring } });
      await worker.start();
      try {
        await waitFor('the deletion', async () => (await subjectStatus(db, carol.subject)) === 'erased', 60_000);
      } finally {
        await worker.stop(5000);
      }
      const row = (await sql<Sub>`select id, status, subject_id from subscriptions_subscriptions where id = ${s.id}::uuid`.execute(db)).rows[0]!;
      assert.equal(row.subject_id, null);
      assert.equal(row.status, 'cancelled');
      const before = charges();
      assert.equal((await renew(new Date(s.current_period_end.getTime() + 60_000))).charged, 0, 'nothing is charged after the erasure');
      assert.equal(charges(), before);
    });

    // The command opens the shop's database itself: on PostgreSQL that is this test's; the embedded one is open in this process only.
    const cliSkip = database.engine === 'postgres' ? false : 'the embedded database is open in this process only';
    await t.test('support runs the renewals as of a date from the command line: custodian subscriptions renew --as-of', { skip: cliSkip }, async () => {
      const env: Record<string, string> = {
        DATA_DIR: bed.config.dataDir,
        PUBLIC_URL: 'http://shop.test',
        SANDBOX_PROCESSOR_URL: bed.sandbox.url,
        SANDBOX_PROCESSOR_SECRET: TEST_SANDBOX_SECRET,
        DATABASE_URL: database.url!,
      };
      const bad = await cliInProcess(env, 'subscriptions', 'renew', '--as-of', 'next week');
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /--as-of/);
      const s = await subOf(bobSubject);
      const billed = (await invoices(s.id)).length;
      const run = await cliInProcess(env, 'subscriptions', 'renew', '--as-of', new Date(s.current_period_end.getTime() + 60_000).toISOString(), '--json');
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as { charged: number; errors: number };
      assert.equal(report.errors, 0);
      assert.equal(report.charged, 1);
      assert.deepEqual(
        (await invoices(s.id)).map((i) => i.status),
        Array(billed + 1).fill('paid'),
      );
    });

    await t.test('[P003-11] the renewal run by the worker, as the schedule runs it, charges the card on the billing basis: ledgered without any consent', async () => {
      const fay = await subscribe({ name: 'Fay Morrow', email: 'fay.morrow@example.com', password: 'violet-anchor-29-meadow' }, TEST_CARD);
      const s = await subOf(fay.subject);
      // A month has passed: the period the checkout paid for ended a minute ago (the job charges as of now).
      await sql`update subscriptions_subscriptions set current_period_start = now() - interval '31 days', current_period_end = now() - interval '1 minute' where id = ${s.id}::uuid`.execute(db);
      assert.deepEqual(
        (await disclosureRows(db, fay.subject)).filter((d) => d.basis === 'billing'),
        [],
        'nothing on the billing basis before the renewal',
      );
      const before = charges();
      const worker = testWorker(database, collectJobs(modules).handlers, { services: { config: bed.config, privacy: app.privacy, wiring: app.wiring } });
      await worker.start();
      try {
        const id = (await enqueue(db, RENEW_JOB, {}))!;
        const ran = await waitFor('the renewal job', async () => (await jobInState(db, id, 'done')) ?? (await jobInState(db, id, 'dead')), 60_000);
        assert.equal(ran.state, 'done', ran.last_error ?? '');
      } finally {
        await worker.stop(5000);
      }
      assert.equal(charges(), before + 1, 'one charge at the processor');
      assert.deepEqual(
        (await invoices(s.id)).map((i) => i.status),
        ['paid', 'paid'],
      );
      assert.deepEqual(
        (await disclosureRows(db, fay.subject)).filter((d) => d.basis === 'billing').map((d) => [d.recipient, d.basis, d.categories, d.consent_id]),
        [['payment-processor', 'billing', ['user.payment'], null]],
        'the renewal charge is one billing disclosure to the processor, resting on no consent',
      );
      assert.deepEqual(await consentRows(db, { subject: fay.subject, purpose: 'billing' }), [], 'no consent was asked for billing');
    });
  },
);
