// Mail the shop sends on its own about the privacy policy and offers, on a running shop with a real
// SMTP server (decision 0052): a material policy change is mailed once to each person who receives
// site news, and nobody else; a non-material one is mailed to nobody. Once a year each person who
// receives offers is reminded that one click stops them, and the day is kept (P002-09).
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { FormClient, signUpAndConfirm } from '../src/accounts/testing.ts';
import { startSmtpSink, type SmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { modules } from '../src/modules.ts';
import type { Db } from '../src/platform/db/database.ts';
import { collectJobs, enqueue, type Worker } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp, type TestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase, type TestDatabase } from '../src/platform/testing/databases.ts';
import { backdateSubject, subjectStatus, testActor } from '../src/privacy/testing.ts';

const DAY_MS = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.parse(`${isoDay(new Date())}T00:00:00Z`) - n * DAY_MS);

/** The shop's data map with these versions added. */
function mapWith(versions: { version: string; effective: Date; material: boolean; summary: string }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-policy-mail-'));
  cpSync(fileURLToPath(new URL('../datamap/', import.meta.url)), dir, { recursive: true });
  for (const v of versions) appendFileSync(join(dir, 'policy.yml'), `  - version: "${v.version}"\n    effective: ${isoDay(v.effective)}\n    summary: ${v.summary}\n    material: ${v.material}\n`);
  return dir;
}

interface Bed extends TestApp {
  sink: SmtpSink;
  db: Db;
  close(): Promise<void>;
}

async function bed(database: TestDatabase, env: Record<string, string>): Promise<Bed & { startWorker(): Promise<void> }> {
  const sink = await startSmtpSink();
  const test = await buildTestApp(database, { SMTP_URL: sink.url, PUBLIC_URL: 'https://shop.test', MAIL_FROM: 'Shop <mail@shop.test>', ...env });
  let worker: Worker | null = null;
  return {
    ...test,
    sink,
    db: test.app.db,
    async startWorker() {
      worker = testWorker(database, collectJobs(modules).handlers, { services: { config: test.config, privacy: test.app.privacy, wiring: test.app.wiring } });
      await worker.start();
    },
    async close() {
      await worker?.stop(5000);
      await test.app.close();
      await sink.stop();
    },
  };
}

/** Signs up customers; returns each one's client and subject id. */
async function customers(b: Bed, names: string[]): Promise<{ client: FormClient; subject: string; email: string; password: string }[]> {
  const out = [];
  for (const name of names) {
    const who = { name, email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org`, password: 'lantern-orchid-58-quarry' };
    const client = new FormClient(b.app);
    await signUpAndConfirm(client, b.db, who);
    const subject = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer' order by created_at desc limit 1`.execute(b.db)).rows[0]!.subject_id;
    out.push({ client, subject, email: who.email, password: who.password });
  }
  return out;
}

const outboxOf = async (db: Db, keyPrefix: string) =>
  (await sql<{ subject_id: string; status: string }>`select subject_id, status from comms_outbox where idempotency_key like ${`${keyPrefix}%`}`.execute(db)).rows;

testEachDatabase(
  '[P004-23] a material policy version is announced by the site notice and mailed once to the people who receive site news, never to one who opted out or deleted their account; a non-material version is mailed to nobody',
  async (database, t) => {
    const material = { version: '2099.2', effective: daysAgo(2), material: true, summary: 'Invoices are now kept by our new accounting provider.' };
    const minor = { version: '2099.1', effective: daysAgo(6), material: false, summary: 'Clearer wording of the cookies section.' };
    const b = await bed(database, { DATAMAP_DIR: mapWith([minor, material]) });
    t.after(() => b.close());
    const [keen, optedOut, deleted] = await customers(b, ['Perpetua Keen', 'Osmund Optout', 'Delia Deleted']);

    // One opts out of site news in the privacy centre; one deletes their account (a job erases them).
    await optedOut!.client.get('/account/privacy');
    assert.equal((await optedOut!.client.post('/account/privacy/choices', { purpose: 'offers', choice: 'withdraw' })).statusCode, 200);
    await deleted!.client.get('/account/privacy/delete');
    assert.equal((await deleted!.client.post('/account/privacy/delete', { password: deleted!.password })).statusCode, 200);
    await b.startWorker();
    await waitFor('the deletion', async () => (await subjectStatus(b.db, deleted!.subject)) === 'erased', 30_000);

    // The hourly job, run twice at once (two workers' schedules firing), then once more after it finished.
    await enqueue(b.db, 'mailing.policy-change', {});
    await enqueue(b.db, 'mailing.policy-change', {});
    await waitFor('the announcement', async () => (await sql<{ f: Date | null }>`select finished_at as f from mailing_policy_announcements where version = '2099.2'`.execute(b.db)).rows[0]?.f);
    const mail = await b.sink.waitForMail((m) => m.to.includes(keen!.email) && /privacy policy/.test(m.subject), 20_000);
    await enqueue(b.db, 'mailing.policy-change', {});
    await waitFor('the jobs', async () => (await sql<{ n: number }>`select count(*)::int as n from jobs where name = 'mailing.policy-change' and state <> 'done'`.execute(b.db)).rows[0]!.n === 0);

    assert.equal(mail.subject, 'Our privacy policy changes: version 2099.2');
    assert.match(mail.text, /Hello Perpetua Keen,/);
    assert.ok(mail.text.includes(material.summary), 'the mail says what changed');
    assert.ok(mail.text.includes(`in force from ${isoDay(material.effective)}`));
    assert.ok(mail.text.includes('https://shop.test/privacy#changes'), 'and links the policy');
    assert.equal(mail.header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click', 'site news can be stopped with one click');

    const rows = await outboxOf(b.db, 'mailing.policy-change:');
    assert.deepEqual(
      rows.map((r) => r.subject_id),
      [keen!.subject],
      'one message, to the one person who receives site news',
    );
    await waitFor('sent', async () => (await outboxOf(b.db, 'mailing.policy-change:')).every((r) => r.status === 'sent'));
    assert.equal(b.sink.received.filter((m) => /privacy policy/.test(m.subject)).length, 1, 'one mail in all, though the job ran three times');
    for (const who of [optedOut!, deleted!])
      assert.deepEqual(
        b.sink.received.filter((m) => m.to.includes(who.email) && /privacy policy/.test(m.subject)),
        [],
      );

    // The site notice: every page says the material version changed the policy, when and how, and links what changed.
    const home = await new FormClient(b.app).get('/');
    assert.equal(home.statusCode, 200);
    const notice = /<p class="notice site-notice">([\s\S]*?)<\/p>/.exec(home.body)?.[1];
    assert.ok(notice, 'the storefront shows the site notice');
    assert.ok(notice.includes(material.summary), `the notice carries the material version's summary: ${notice}`);
    assert.ok(notice.includes(`<time datetime="${isoDay(material.effective)}">`), `and its effective day: ${notice}`);
    assert.match(notice, /<a href="\/privacy#changes">/, 'and links the changes on the policy');
    assert.ok(!notice.includes(minor.summary), 'the newer material version, not the older minor one');

    // The non-material version, also within the notice period: no announcement, no mail.
    assert.deepEqual(
      (await sql<{ version: string }>`select version from mailing_policy_announcements`.execute(b.db)).rows.map((r) => r.version),
      ['2099.2'],
    );
    assert.deepEqual(await outboxOf(b.db, 'mailing.policy-change:2099.1:'), []);
  },
);

testEachDatabase(
  '[P002-09] the yearly job reminds a customer whose offers choice is a year old that they can opt out, keeps the day (in their export, erased with them), not again within the year; the one-click link in it works',
  async (database, t) => {
    const b = await bed(database, {});
    t.after(() => b.close());
    const [veteran, newcomer] = await customers(b, ['Vivienne Veteran', 'Nathaniel Newcomer']);
    await backdateSubject(b.db, veteran!.subject, 400);
    await b.startWorker();
    const isReminder = (m: { subject: string }) => m.subject === 'Do you still want offers from Custodian Demo Shop?';
    const jobsDone = () =>
      waitFor('the jobs', async () => (await sql<{ n: number }>`select count(*)::int as n from jobs where name like 'mailing.%' and state <> 'done'`.execute(b.db)).rows[0]!.n === 0);

    await enqueue(b.db, 'mailing.offer-reminder', {});
    const reminder = await b.sink.waitForMail((m) => m.to.includes(veteran!.email) && isReminder(m), 20_000);
    await jobsDone();
    assert.match(reminder.text, /Hello Vivienne Veteran,/);
    assert.match(reminder.text, /you can stop them at any time/);
    const header = reminder.header('list-unsubscribe') ?? '';
    const url = /^<(https:\/\/shop\.test\/unsubscribe\/[A-Za-z0-9_-]{43})>, <mailto:mail@shop\.test\?subject=unsubscribe%20[A-Za-z0-9_-]{43}>$/.exec(header)?.[1];
    assert.ok(url, `one-click List-Unsubscribe: ${header}`);
    assert.equal(reminder.header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    assert.ok(reminder.text.trim().endsWith(url), 'the link ends the text');

    // The day is kept, and the person sees it in their export.
    const exported = JSON.parse((await veteran!.client.get('/account/privacy/export.json')).body) as { sections: { id: string; records: { reminded_at?: string }[] }[] };
    const kept = exported.sections.find((s) => s.id === 'offer-reminder')?.records[0]?.reminded_at;
    assert.ok(kept && Date.now() - Date.parse(kept) < 120_000, `the export shows today's reminder: ${kept}`);
    assert.equal(
      (JSON.parse((await newcomer!.client.get('/account/privacy/export.json')).body) as { sections: { id: string }[] }).sections.some((s) => s.id === 'offer-reminder'),
      false,
    );

    // The next day's run (and every other within the year) sends nothing; the newcomer's year has not passed.
    await enqueue(b.db, 'mailing.offer-reminder', {});
    await jobsDone();
    assert.equal(b.sink.received.filter(isReminder).length, 1, 'one reminder in all');
    assert.deepEqual(
      b.sink.received.filter((m) => m.to.includes(newcomer!.email) && isReminder(m)),
      [],
    );

    // One click on the link stops offers, without signing in.
    const click = await b.app.inject({ method: 'POST', url: new URL(url).pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    assert.equal(click.statusCode, 200);
    const offers = (await b.app.privacy.consentState(b.db, { subject: veteran!.subject, actor: testActor('test'), purpose: 'data-rights' })).find((c) => c.purpose === 'offers');
    assert.equal(offers?.state, 'withdrawn');

    // Deleting the account erases the reminder's day with the rest.
    await veteran!.client.get('/account/privacy/delete');
    assert.equal((await veteran!.client.post('/account/privacy/delete', { password: veteran!.password })).statusCode, 200);
    await waitFor('the deletion', async () => (await subjectStatus(b.db, veteran!.subject)) === 'erased', 30_000);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from mailing_offer_reminders`.execute(b.db)).rows[0]!.n, 0);
  },
);
