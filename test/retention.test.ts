// The retention engine (decision 0065) on a real shop: one run of the `privacy.sweep` job, through
// the job runner, purges what is past the data map's period in two modules' declared stores
// (accounts' known networks and security events, mailing's unconfirmed signups) and the kernel's
// items, leaves what is not, works in bounded batches (a store with more rows than a batch is
// emptied in one run), and records the run, which the privacy officer's page shows.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { FormClient, signUpAndConfirm, staffClient } from '../src/accounts/testing.ts';
import { modules } from '../src/modules.ts';
import { collectJobs, enqueue } from '../src/platform/jobs/index.ts';
import { jobInState, testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { RETENTION_BATCH, RETENTION_JOB } from '../src/privacy/index.ts';
import { expireItems, itemCountsByCategory, retentionAudit, subjectStatus } from '../src/privacy/testing.ts';

const dpo = { name: 'Ingrid Keepwell', email: 'ingrid.keepwell@shop.example', role: 'dpo', password: 'saffron-harbour-83-kettle-drum' };

testEachDatabase(
  'one retention run, through the job runner, purges in batches what the data map says is past its time in every declared store and the kernel, keeps the rest, and is shown to the privacy officer',
  async (database) => {
    const { app, config } = await buildTestApp(database);
    const db = app.db;
    const worker = testWorker(database, collectJobs(modules).handlers, { services: { config, privacy: app.privacy, wiring: app.wiring } });
    try {
      const count = async (table: string, where = 'true') => (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where ${sql.raw(where)}`.execute(db)).rows[0]!.n;

      // A customer with two known networks: last seen 31 and 29 days ago (the map keeps IP data for security 30 days).
      await signUpAndConfirm(new FormClient(app), db);
      const { id: userId, subject_id: subject } = (await sql<{ id: string; subject_id: string }>`select id, subject_id from accounts_users where kind = 'customer'`.execute(db)).rows[0]!;
      for (const days of [31, 29]) {
        await sql`insert into accounts_known_networks (user_id, network, first_seen_at, last_seen_at)
        values (${userId}::uuid, decode(md5(${`a${days}`}) || md5(${`b${days}`}), 'hex'), now() - make_interval(days => ${days}), now() - make_interval(days => ${days}))`.execute(db);
      }
      // More old security events than a batch holds, and one of today.
      const old = RETENTION_BATCH * 2 + 500;
      await sql`delete from accounts_security_events`.execute(db);
      await sql`insert into accounts_security_events (at, kind) select now() - interval '31 days', 'login-failed' from generate_series(1, ${old}::int)`.execute(db);
      await sql`insert into accounts_security_events (at, kind) values (now(), 'login-failed')`.execute(db);
      // Two mailing-list signups nobody confirmed: one from eight days ago (the map keeps a signup a week), one from today.
      const visitor = new FormClient(app);
      await visitor.get('/mailing-list');
      for (const who of [
        { name: 'Leopold Fairhaven', email: 'leopold.fairhaven@example.net' },
        { name: 'Marisol Underwood', email: 'marisol.underwood@example.org' },
      ]) {
        assert.equal((await visitor.post('/mailing-list', who)).statusCode, 200);
      }
      const signups = (await sql<{ subject_id: string }>`select subject_id from mailing_members order by created_at`.execute(db)).rows.map((r) => r.subject_id);
      assert.equal(signups.length, 2);
      await sql`update mailing_members set created_at = now() - interval '8 days' where subject_id = ${signups[0]!}::uuid`.execute(db);
      // One of the customer's kernel items past its end.
      const categories = (await itemCountsByCategory(db, subject)).map((c) => c.category);
      const expiring = categories[0]!;
      assert.ok((await expireItems(db, subject, expiring)) > 0);

      await worker.start();
      const id = (await enqueue(db, RETENTION_JOB, {}))!;
      const ran = await waitFor('the retention run', async () => (await jobInState(db, id, 'done')) ?? (await jobInState(db, id, 'dead')), 30_000);
      assert.equal(ran.state, 'done', ran.last_error ?? '');

      assert.equal(await count('accounts_known_networks', `last_seen_at < now() - interval '30 days'`), 0, 'the network last seen 31 days ago is gone');
      assert.equal(await count('accounts_known_networks'), 1, 'the one seen 29 days ago stays');
      assert.equal(await count('accounts_security_events'), 1, `all ${old} old security events went in one run; today's stays`);
      assert.equal(await subjectStatus(db, signups[0]!), 'erased', 'the lapsed signup is erased');
      assert.equal(await subjectStatus(db, signups[1]!), 'active', 'the fresh signup stays');
      assert.equal(await count('mailing_members'), 1);
      const left = (await itemCountsByCategory(db, subject)).map((c) => c.category);
      assert.ok(!left.includes(expiring), `the expired ${expiring} item is purged`);
      assert.deepEqual(left, categories.slice(1), "the customer's other items stay");
      assert.deepEqual(await itemCountsByCategory(db, signups[0]!), [], "the erased signup's items went in the same run");

      // Audited as a purge, with counts only.
      const audit = (await retentionAudit(db)).at(-1)!;
      assert.equal(audit['accounts.security-events'], old);
      assert.equal(audit['accounts.known-networks'], 1);
      assert.equal(audit['mailing.unconfirmed-signups'], 1);
      assert.ok(!JSON.stringify(audit).includes('@'));

      // The privacy officer's page: each store with its category, purpose, period and reason, and the run.
      const officer = await staffClient(app, db, dpo);
      const page = await officer.get('/staff/dpo/retention');
      assert.equal(page.statusCode, 200);
      const text = page.body.replace(/&#39;|&rsquo;/g, '’');
      for (const store of ['accounts.known-networks', 'accounts.security-events', 'mailing.unconfirmed-signups', 'support.tickets', 'fraud.proofs'])
        assert.ok(text.includes(`<code>${store}</code>`), store);
      assert.match(text, /30 days<\/td><td data-label="Why">Security logs are kept thirty days\./);
      assert.match(text, new RegExp(`<code>accounts.security-events</code>: ${old.toLocaleString('en-US')} purged in 3 batches`));
      assert.match(text, /<code>privacy.items<\/code>: \d+ purged/);
      // Anyone else is turned away.
      assert.notEqual((await new FormClient(app).get('/staff/dpo/retention')).statusCode, 200);
    } finally {
      await worker.stop(5000);
      await app.close();
    }
  },
);
