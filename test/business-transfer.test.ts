// The sale of the shop (P004-15, P003-12, P003-24; decision 0053): an owner schedules it at least 30
// days ahead; every active customer is emailed at once and the privacy policy shows the notice; a
// customer turns it off in the privacy centre; the customer records for the buyer are refused
// before the date and, from it, leave as ledgered disclosures without the customer who turned it off.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { FormClient, signUpAndConfirm, staffClient } from '../src/accounts/testing.ts';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import type { Db } from '../src/platform/db/database.ts';
import { collectJobs } from '../src/platform/jobs/index.ts';
import { testWorker } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { disclosureRows } from '../src/privacy/testing.ts';
import { modules } from '../src/modules.ts';

const person = (name: string) => ({ name, email: `${name.toLowerCase().replace(' ', '.')}@example.com`, password: 'copper-quill-83-harbour' });
const ann = person('Annwen Saltmarsh');
const ben = person('Bertram Kilnworth');
const day = (d: Date) => d.toISOString().slice(0, 10);
const inDays = (n: number) => day(new Date(Date.now() + n * 86_400_000));

async function newestCustomer(db: Db): Promise<string> {
  const { rows } = await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer' order by created_at desc limit 1`.execute(db);
  return rows[0]!.subject_id;
}

testEachDatabase(
  '[P004-15] [P003-12] [P003-24] the sale of the shop: scheduled at least 30 days ahead, every customer emailed and the policy shows it; the customer records are refused before the date and then leave, ledgered, without those who turned it off',
  async (database) => {
    const sink = await startSmtpSink();
    const { app, config } = await buildTestApp(database, { SMTP_URL: sink.url });
    const worker = testWorker(database, collectJobs(modules).handlers, { services: { config, privacy: app.privacy, wiring: app.wiring } });
    try {
      const db = database.db;
      const customers = new Map<string, { client: FormClient; subject: string }>();
      for (const who of [ann, ben]) {
        const client = new FormClient(app);
        await signUpAndConfirm(client, db, who);
        customers.set(who.email, { client, subject: await newestCustomer(db) });
      }
      await worker.start(); // after the sign-ups, whose confirmation links the test reads from the outbox
      const owner = await staffClient(app, db, { name: 'Olwen Proprietor', email: 'olwen@shop.example', role: 'owner', password: 'granite-heron-58-waits-patiently' });

      // Less than 30 days ahead (29, the day before the earliest): refused, naming the date; nothing scheduled, nobody mailed.
      await owner.get('/staff/transfer');
      const early = await owner.post('/staff/transfer', { acquirer: 'Northwind Traders Ltd', date: inDays(29), new_use: '' });
      assert.equal(early.statusCode, 400);
      assert.match(early.body, new RegExp(`must be at least 30 days from today: ${inDays(30)} or later`));
      assert.doesNotMatch((await app.inject({ method: 'GET', url: '/privacy' })).body, /passes to Northwind/);

      const date = inDays(30); // exactly 30 days ahead: the earliest allowed
      await owner.get('/staff/transfer');
      const scheduled = await owner.post('/staff/transfer', { acquirer: 'Northwind Traders Ltd', date, new_use: 'Northwind will also send its own catalogue.' });
      assert.equal(scheduled.statusCode, 200, scheduled.body.slice(0, 400));
      assert.match(scheduled.body, /2 customers are being emailed now/);
      for (const who of [ann, ben]) {
        const mail = await sink.waitForMail((m) => m.to.some((to) => to.includes(who.email)) && /is being sold to Northwind Traders Ltd/.test(m.subject), 20_000);
        assert.match(mail.subject, new RegExp(`on ${date}`));
        assert.match(mail.text, /will use them differently from us: Northwind will also send its own catalogue\./);
        assert.match(mail.text, /\/account\/privacy#choices/);
      }
      // Every page says so above its content, linking the policy's notice.
      const elsewhere = await app.inject({ method: 'GET', url: '/mailing-list' });
      assert.match(
        elsewhere.body,
        /<p class="notice site-notice">Custodian Demo Shop passes to Northwind Traders Ltd on <time datetime="[0-9-]+">[^<]+<\/time>: [^<]+ — <a href="\/privacy#sale-of-the-shop">read more<\/a><\/p>/,
      );
      const policy = await app.inject({ method: 'GET', url: '/privacy' });
      assert.match(policy.body, new RegExp(`On ${date} Custodian Demo Shop passes to Northwind Traders Ltd`));

      // Ben turns it off in his privacy centre.
      const bens = customers.get(ben.email)!;
      assert.match((await bens.client.get('/account/privacy')).body, /New owner of the shop/);
      await bens.client.post('/account/privacy/choices', { purpose: 'business-transfer', choice: 'withdraw' });

      // Before the date: refused, and nothing left.
      const refused = await owner.get('/staff/transfer/customer-records.json');
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, new RegExp(`may pass to Northwind Traders Ltd on ${date}, not before`));
      assert.deepEqual(await disclosureRows(db, customers.get(ann.email)!.subject), []);

      // The date comes.
      await sql`update rights_transfers set transfer_on = current_date`.execute(db);
      const records = await owner.get('/staff/transfer/customer-records.json');
      assert.equal(records.statusCode, 200, records.body.slice(0, 400));
      const pack = JSON.parse(records.body) as { acquirer: string; customers: { data: Record<string, unknown> }[] };
      assert.equal(pack.acquirer, 'Northwind Traders Ltd');
      assert.deepEqual(
        pack.customers.map((c) => c.data['user.contact.email']),
        [ann.email],
        'only the customer who did not turn it off',
      );
      assert.deepEqual(
        (await disclosureRows(db, customers.get(ann.email)!.subject)).map((r) => [r.recipient, r.basis]),
        [['acquirer', 'business-transfer']],
      );
      assert.deepEqual(await disclosureRows(db, bens.subject), []);
    } finally {
      await worker.stop(5000);
      await app.close();
      await sink.stop();
    }
  },
);
