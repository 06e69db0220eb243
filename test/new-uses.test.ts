// A new use of data already held (P001-08, P004-21, P004-22; decision 0053): recommendations came
// with policy 2025.1, so a buyer from before sees none on their orders page until they were told by
// email and either agreed in the privacy centre or let the 30-day opt-out window pass without
// turning it off. The notice job mails each affected person once; a deactivated person gets none.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { FormClient, signUpAndConfirm } from '../src/accounts/testing.ts';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { createOrder, ordersDeps } from '../src/commerce/orders/index.ts';
import { pricedCart } from '../src/commerce/orders/test-support.ts';
import type { Db } from '../src/platform/db/database.ts';
import { collectJobs, enqueue } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { collectedUnder, noticeOfNewUseDaysAgo, testActor } from '../src/privacy/testing.ts';
import { modules } from '../src/modules.ts';
import { NEW_USES_JOB } from '../src/rights/index.ts';

const person = (name: string) => ({ name, email: `${name.toLowerCase().replace(' ', '.')}@example.com`, password: 'harbour-quill-47-meadow' });
const ann = person('Annika Brightwater');
const ben = person('Benedict Loamfield');
const cal = person('Calla Mossgrave');
const dee = person('Delphine Oarlock');

async function newestCustomer(db: Db): Promise<string> {
  const { rows } = await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer' order by created_at desc limit 1`.execute(db);
  return rows[0]!.subject_id;
}

const OFF = /Recommendations from your purchases are off/;
const ON = /Recommended for you.*Trail lantern/s;

testEachDatabase(
  '[P001-08] [P004-21] [P004-22] a use added after data was collected: refused until the person is emailed the choice, then on their agreement or once the opt-out window passed without an opt-out; never after an opt-out, and no notice to a deactivated person',
  async (database) => {
    const sink = await startSmtpSink();
    const { app, config } = await buildTestApp(database, { SMTP_URL: sink.url });
    const worker = testWorker(database, collectJobs(modules).handlers, { services: { config, privacy: app.privacy, wiring: app.wiring } });
    try {
      const db = database.db;
      const deps = ordersDeps(app);
      const actor = testActor('test.checkout');
      const kettle = randomUUID();
      const order = async (subject: string, products: { id: string; name: string }[]) => {
        const base = pricedCart();
        const lines = products.map((p, i) => ({ ...base.lines[0]!, productId: p.id, sku: `SKU-${i}`, name: p.name, quantity: 1, unitMinor: 1000, totalMinor: 1000 }));
        const id = randomUUID();
        await app.privacy.write(db, { subject, actor, purpose: 'fulfillment', ref: `order:${id}`, values: { 'user.behavior.purchase_history': { carrier: 'Post', tracking: 'TRK1' } } });
        await createOrder(deps, db, {
          id,
          customerSubject: subject,
          customerUserId: null,
          priced: { ...base, lines, subtotalMinor: 1000 * lines.length, totalMinor: 1000 * lines.length + base.shippingMinor + base.taxMinor },
          paymentMethod: 'card',
          fulfilment: 'ship',
          actor,
        });
      };
      // Another buyer bought the kettle and a lantern: the lantern is what a kettle buyer is recommended.
      const peer = await app.privacy.createSubject(db, { kind: 'customer', actor, purpose: 'account' });
      await order(peer, [
        { id: kettle, name: 'Copper kettle' },
        { id: randomUUID(), name: 'Trail lantern' },
      ]);

      // Four customers from before policy 2025.1, each with a kettle order.
      const clients = new Map<string, { client: FormClient; subject: string }>();
      for (const who of [ann, ben, cal, dee]) {
        const client = new FormClient(app);
        await signUpAndConfirm(client, db, who);
        const subject = await newestCustomer(db);
        await order(subject, [{ id: kettle, name: 'Copper kettle' }]);
        await collectedUnder(db, subject, '2024.1');
        clients.set(who.email, { client, subject });
      }
      const of = (who: typeof ann) => clients.get(who.email)!;
      const ordersPage = async (who: typeof ann) => (await of(who).client.get('/account/orders')).body;

      // Before any notice: no recommendations from the earlier purchases.
      assert.match(await ordersPage(ann), OFF);
      assert.doesNotMatch(await ordersPage(ann), ON);
      // Dee deactivates her account in the privacy centre.
      await of(dee).client.get('/account/privacy/deactivate');
      const deactivated = await of(dee).client.post('/account/privacy/deactivate', { password: dee.password });
      assert.ok(deactivated.statusCode < 400, `deactivation answered ${deactivated.statusCode}`);

      await worker.start(); // after the sign-ups, whose confirmation links the test reads from the outbox
      // The notice job mails the three active customers the choice, once; Dee gets nothing.
      await enqueue(db, NEW_USES_JOB, {});
      for (const who of [ann, ben, cal]) {
        const mail = await sink.waitForMail((m) => m.to.some((to) => to.includes(who.email)) && /A new use of your data/.test(m.subject), 20_000);
        assert.match(mail.text, /adds a use of personal data you gave us before: Recommendations/);
        assert.match(mail.text, /until 30 days after this mail/);
        assert.match(mail.text, /\/account\/privacy#choices/);
        assert.equal(mail.header('list-unsubscribe'), undefined, 'a notice, not marketing');
      }
      await enqueue(db, NEW_USES_JOB, {});
      await waitFor('both runs', async () => (await sql<{ n: number }>`select count(*)::int as n from jobs where name = ${NEW_USES_JOB} and state = 'done'`.execute(db)).rows[0]!.n >= 2, 20_000);
      await waitFor(
        'the outbox drained',
        async () => (await sql<{ n: number }>`select count(*)::int as n from comms_outbox where status in ('queued', 'sending')`.execute(db)).rows[0]!.n === 0,
        20_000,
      );
      const notices = sink.received.filter((m) => /A new use of your data/.test(m.subject));
      assert.equal(notices.length, 3, 'one notice per person, none to the deactivated customer');
      assert.ok(!notices.some((m) => m.to.some((to) => to.includes(dee.email))));

      // Told, but within the window: still nothing.
      assert.match(await ordersPage(ben), OFF);
      // Ann agrees in the privacy centre: her recommendations show at once.
      const centre = await of(ann).client.get('/account/privacy');
      assert.match(centre.body, /New since policy 2025\.1/);
      await of(ann).client.post('/account/privacy/choices', { purpose: 'recommendations', choice: 'grant' });
      assert.match(await ordersPage(ann), ON);
      // Cal turns it off; then the window passes for Ben and Cal (and for Dee's data, never told).
      await of(cal).client.get('/account/privacy');
      await of(cal).client.post('/account/privacy/choices', { purpose: 'recommendations', choice: 'withdraw' });
      for (const who of [ben, cal]) await noticeOfNewUseDaysAgo(db, of(who).subject, 'recommendations', 31);
      assert.match(await ordersPage(ben), ON, 'the window passed without an opt-out');
      assert.match(await ordersPage(cal), OFF, 'opted out: never');
      await assert.rejects(
        app.privacy.read(db, { subject: of(dee).subject, actor: testActor('orders.recommendations'), purpose: 'recommendations', categories: ['user.behavior.purchase_history'] }),
        /deactivated/,
      );
    } finally {
      await worker.stop(5000);
      await app.close();
      await sink.stop();
    }
  },
);
