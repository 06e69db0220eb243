// Testimonials and the customer list end to end on a running shop (P001-06, P001-07): consent is a
// box the customer must tick; the public pages show words with a first name or initial only and a
// company's name and logo; a takedown (from the account, or by the link mailed to a visitor) takes
// the entry off the site in the same request, erases it and opens a case with a 24-hour deadline,
// whose overdue job alerts staff; the person's export lists it all and their deletion removes it.
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import sharp from 'sharp';
import { FormClient, signUpAndConfirm, staffClient } from '../src/accounts/testing.ts';
import { sealContext } from '../src/comms/index.ts';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { modules } from '../src/modules.ts';
import type { Db } from '../src/platform/db/database.ts';
import { collectJobs, enqueue } from '../src/platform/jobs/index.ts';
import { jobInState, testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { consentRows, itemCountsByCategory, subjectStatus, testActor } from '../src/privacy/testing.ts';
import { assertFollowsExportSchema } from './export-schema-support.ts';
const owner = { name: 'Octavia Ledgerwood', email: 'octavia.ledgerwood@shop.example', role: 'owner', password: 'harbour-violet-93-compass-drift' };
const quoter = { name: 'Philippa Quarrington', email: 'philippa.quarrington@example.com', password: 'correct-horse-77-staple' };
const lister = { name: 'Bartholomew Ingleby-Strand', email: 'bartholomew.ingleby@example.net', password: 'granite-heron-58-waits-patiently' };
const HOUR = 3_600_000;
const OVERDUE_JOB = 'testimonials.overdue';
const WITHDRAWN_JOB = 'testimonials.withdrawn';

const one = async <T>(db: Db, query: ReturnType<typeof sql<T>>) => (await query.execute(db)).rows[0]!;
const count = async (db: Db, query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(db)).rows[0]!.n;

/** A multipart POST as the signed-in `client` (the logo forms). */
async function multipart(app: FastifyInstance, client: FormClient, url: string, fields: Record<string, string>, file?: { name: string; data: Buffer }): Promise<LightMyRequestResponse> {
  const body = new FormData();
  body.append('_csrf', client.csrf);
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  if (file) body.append('logo', new Blob([file.data], { type: 'image/png' }), file.name);
  const request = new Request('http://localhost/', { method: 'POST', body });
  const payload = Buffer.from(await request.arrayBuffer());
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return app.inject({ method: 'POST', url, headers: { cookie, accept: 'text/html', 'content-type': request.headers.get('content-type')! }, payload });
}

/** Mail of a testimonials template in the outbox, its sealed link opened as the send job does. */
async function outbox(app: FastifyInstance, template: string): Promise<{ subject_id: string; params: Record<string, string> }[]> {
  const { rows } = await sql<{ id: string; subject_id: string; params: Record<string, string>; sealed_params: Buffer | null }>`
    select id, subject_id, params, sealed_params from comms_outbox where template = ${template} order by created_at, id`.execute(app.db);
  const mails = [];
  for (const r of rows) {
    const secrets = r.sealed_params
      ? (JSON.parse(await app.privacy.openSecret(app.db, { subject: r.subject_id, context: sealContext(r.id), sealed: Buffer.from(r.sealed_params) })) as Record<string, string>)
      : {};
    mails.push({ subject_id: r.subject_id, params: { ...r.params, ...secrets } });
  }
  return mails;
}

testEachDatabase(
  '[P001-06][P001-07] testimonials and the customer list: consent ticked or nothing kept, first name or initial only, a takedown removes it in the same request and opens a 24-hour case whose overdue job alerts staff; export and deletion reach it',
  async (database, t) => {
    const sink = await startSmtpSink();
    const test = await buildTestApp(database, { SMTP_URL: sink.url, PUBLIC_URL: 'https://shop.test', MAIL_FROM: 'Shop <mail@shop.test>' });
    const { app } = test;
    const db = app.db;
    t.after(async () => {
      await app.close();
      await sink.stop();
    });
    const staff = await staffClient(app, db, owner);
    const philippa = new FormClient(app);
    await signUpAndConfirm(philippa, db, quoter);
    const bart = new FormClient(app, '127.0.0.2');
    await signUpAndConfirm(bart, db, lister);
    /** Runs the job `name` once through a worker running every module's jobs, as the shop's worker does. */
    const runJob = async (name: string) => {
      const worker = testWorker(database, collectJobs(modules).handlers, { services: { config: test.config, privacy: app.privacy, wiring: app.wiring } });
      await worker.start();
      try {
        const id = (await enqueue(db, name, {}))!;
        const ran = await waitFor(`${name} to run`, async () => (await jobInState(db, id, 'done')) ?? (await jobInState(db, id, 'dead')), 30_000);
        assert.equal(ran.state, 'done', `${name}: ${ran.last_error}`);
      } finally {
        await worker.stop(5000);
      }
    };
    const words = 'The battery monitor told us about a failing cell two weeks before the outage would have hit.';

    await t.test('without the consent box ticked nothing is kept: 400 naming the box', async () => {
      const page = await philippa.get('/account/testimonials');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<input type="checkbox" id="f-consent" name="consent" value="yes">/, 'the box starts unticked');
      assert.match(page.body, /Your first name: “Philippa”/);
      const refused = await philippa.post('/account/testimonials', { words, shown_as: 'first-name' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /href="#f-consent"/);
      assert.equal(await count(db, sql`select count(*)::int as n from testimonials_entries`), 0);
      assert.deepEqual(await consentRows(db, { purpose: 'testimonials' }), [], 'no consent recorded');
    });

    let quote = '';
    await t.test('[P001-06] a shared testimonial shows after approval with the first name only, never the full name', async () => {
      await philippa.get('/account/testimonials');
      const sent = await philippa.post('/account/testimonials', { words, shown_as: 'first-name', consent: 'yes' });
      assert.equal(sent.statusCode, 200, sent.body.slice(0, 500));
      quote = (await one(db, sql<{ id: string }>`select id from testimonials_entries where kind = 'quote'`)).id;
      assert.doesNotMatch((await app.inject({ method: 'GET', url: '/testimonials' })).body, /failing cell/, 'not shown before approval');

      const desk = await staff.get('/staff/testimonials');
      assert.equal(desk.statusCode, 200);
      assert.match(desk.body, /failing cell/);
      assert.equal((await staff.post(`/staff/testimonials/${quote}/approve`, {})).statusCode, 303);

      const shown = (await app.inject({ method: 'GET', url: '/testimonials' })).body;
      assert.match(shown, /two weeks before the outage/);
      assert.match(shown, /— Philippa</);
      assert.doesNotMatch(shown, /Quarrington/, 'the full name is nowhere on the page');
      assert.match(shown, new RegExp(`href="/testimonials/${quote}/remove"`), 'each entry has its takedown link');
    });

    let company = '';
    await t.test('[P001-07] a company listed with its logo, and a testimonial staff recorded from a mail, named by initial', async () => {
      await bart.get('/account/testimonials');
      const logo = await sharp({ create: { width: 120, height: 60, channels: 3, background: '#22557a' } })
        .png()
        .toBuffer();
      const noConsent = await multipart(app, bart, '/account/testimonials/company', { company: 'Ingleby Cold Storage Ltd' }, { name: 'logo.png', data: logo });
      assert.equal(noConsent.statusCode, 400);
      assert.match(noConsent.body, /href="#f-company_consent"/);
      const listed = await multipart(app, bart, '/account/testimonials/company', { company: 'Ingleby Cold Storage Ltd', company_consent: 'yes' }, { name: 'logo.png', data: logo });
      assert.equal(listed.statusCode, 200, listed.body.slice(0, 500));
      const row = await one(db, sql<{ id: string; logo_image_id: string }>`select id, logo_image_id from testimonials_entries where kind = 'company'`);
      company = row.id;
      assert.ok(row.logo_image_id, 'the logo is stored through media');

      // The owner records what Bartholomew agreed to by mail: consent with channel and evidence.
      await staff.get('/staff/testimonials');
      const recorded = await multipart(app, staff, '/staff/testimonials/record', {
        kind: 'quote',
        email: lister.email,
        words: 'Cold rooms stayed cold all summer.',
        first_name: 'Bartholomew',
        shown_as: 'initial',
        company: '',
        channel: 'email',
        evidence: 'His mail of 3 March, subject “Happy to be quoted”',
      });
      assert.equal(recorded.statusCode, 200, recorded.body.slice(0, 800));
      const ledger = await app.privacy.consentLedger(db, {
        subject: (await one(db, sql<{ subject_id: string }>`select subject_id from testimonials_entries where id = ${company}`)).subject_id,
        actor: testActor('test'),
        purpose: 'data-rights',
      });
      assert.ok(
        ledger.some((c) => c.purpose === 'testimonials' && c.channel === 'email' && c.evidence?.includes('3 March')),
        'the staff record keeps channel and evidence',
      );

      for (const { id } of (await sql<{ id: string }>`select id from testimonials_entries where state = 'pending'`.execute(db)).rows) {
        await staff.get('/staff/testimonials');
        assert.equal((await staff.post(`/staff/testimonials/${id}/approve`, {})).statusCode, 303);
      }
      const customers = (await app.inject({ method: 'GET', url: '/customers' })).body;
      assert.match(customers, /Ingleby Cold Storage Ltd/);
      assert.match(customers, new RegExp(`<img class="customer-logo" src="/media/${row.logo_image_id}-\\d+\\.webp"`));
      const quotes = (await app.inject({ method: 'GET', url: '/testimonials' })).body;
      assert.match(quotes, /Cold rooms stayed cold/);
      assert.match(quotes, /— B\.</);
      assert.doesNotMatch(quotes, /Bartholomew|Ingleby-Strand/);
    });

    await t.test('[P001-06] a takedown from the account removes it from the site in the same request, erases it, and opens a case due in 24 hours that staff are mailed about', async () => {
      await philippa.get('/account/testimonials');
      const before = Date.now();
      const res = await philippa.post(`/account/testimonials/${quote}/takedown`, {});
      assert.equal(res.statusCode, 200, res.body.slice(0, 500));
      assert.match(res.body, /gone from our site/);
      assert.doesNotMatch((await app.inject({ method: 'GET', url: '/testimonials' })).body, /failing cell/, 'gone at once');
      const subject = (await one(db, sql<{ subject_id: string }>`select subject_id from testimonials_entries where id = ${quote}`)).subject_id;
      const held = (await itemCountsByCategory(db, subject)).map((i) => i.category);
      assert.ok(held.includes('user.name') && !held.includes('user.content.public') && !held.includes('user.name.first'), `the words and name are erased (${held.join(', ')})`);
      const state = await app.privacy.consentState(db, { subject, actor: testActor('test'), purpose: 'data-rights' });
      assert.equal(state.find((c) => c.purpose === 'testimonials')?.state, 'withdrawn');
      const c = await one(db, sql<{ opened_at: Date; deadline_at: Date; via: string }>`select opened_at, deadline_at, via from testimonials_cases where entry_id = ${quote}`);
      assert.equal(c.via, 'account');
      assert.equal(new Date(c.deadline_at).getTime() - new Date(c.opened_at).getTime(), 24 * HOUR);
      assert.ok(new Date(c.opened_at).getTime() >= before - 1000);
      assert.equal((await outbox(app, 'testimonials.takedown')).length, 1, 'the owner is mailed at once');

      const desk = await staff.get('/staff/testimonials');
      assert.match(desk.body, /1 takedown case is open/);
      assert.match(desk.body, /Due by .* \(24 h left\)/);
      // Staff list a place a copy went and tick it off.
      const caseId = (await one(db, sql<{ id: string }>`select id from testimonials_cases where entry_id = ${quote}`)).id;
      assert.equal((await staff.post(`/staff/testimonials/cases/${caseId}/places`, { place: 'Spring brochure, page 4' })).statusCode, 303);
      assert.equal((await staff.post(`/staff/testimonials/cases/${caseId}/resolve`, {})).statusCode, 400, 'not resolved while a place is left');
    });

    await t.test('[P001-06] the overdue job, run 25 hours later, alerts staff once about the unresolved case', async () => {
      await runJob(OVERDUE_JOB);
      assert.equal((await outbox(app, 'testimonials.takedown-overdue')).length, 0, 'not before the deadline');
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 25 * HOUR });
      try {
        await runJob(OVERDUE_JOB);
        await runJob(OVERDUE_JOB);
      } finally {
        t.mock.timers.reset();
      }
      const alerts = await outbox(app, 'testimonials.takedown-overdue');
      assert.equal(alerts.length, 1, 'one alert per case and staff member, once');
      const caseId = (await one(db, sql<{ id: string }>`select id from testimonials_cases where entry_id = ${quote}`)).id;
      const mailed = await sink.waitForMail((m) => m.to.includes(owner.email) && (m.text ?? '').includes(`https://shop.test/staff/testimonials#case-${caseId}`), 20_000);
      assert.ok(mailed, 'the alert reached the owner by mail, linking the case');
    });

    await t.test('[P001-07] a visitor asks by the public link: the mailed link verifies them and the listing is gone at once', async () => {
      const visitor = new FormClient(app, '127.0.0.9');
      const page = await visitor.get(`/testimonials/${company}/remove`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Mail me the link/);
      assert.equal((await visitor.post(`/testimonials/${company}/remove`, { email: 'someone.else@example.org' })).statusCode, 200);
      assert.equal((await outbox(app, 'testimonials.takedown-link')).length, 0, 'no link for an address that is not the entry’s');
      const takedownMails = (await outbox(app, 'testimonials.takedown')).length;
      const asked = await visitor.post(`/testimonials/${company}/remove`, { email: lister.email });
      assert.equal(asked.statusCode, 200);
      assert.match(asked.body, /Check your mail/);
      const [mail] = await outbox(app, 'testimonials.takedown-link');
      const link = new URL(mail!.params.link!);
      const confirm = await visitor.get(`${link.pathname}${link.search}`);
      assert.equal(confirm.statusCode, 200);
      const done = await visitor.post('/testimonials/remove', { token: link.searchParams.get('token')! });
      assert.equal(done.statusCode, 200, done.body.slice(0, 500));
      const customers = (await app.inject({ method: 'GET', url: '/customers' })).body;
      assert.doesNotMatch(customers, /Ingleby Cold Storage/, 'the company is gone at once');
      assert.doesNotMatch((await app.inject({ method: 'GET', url: '/testimonials' })).body, /Cold rooms/, 'the withdrawn consent takes the person’s quote down too');
      const cases = (await sql<{ via: string; kind: string }>`select via, kind from testimonials_cases where via = 'mailed-link' order by kind`.execute(db)).rows;
      assert.deepEqual(
        cases.map((c) => c.kind),
        ['company', 'quote'],
      );
      const companyCase = await one(db, sql<{ id: string; opened_at: Date; deadline_at: Date }>`select id, opened_at, deadline_at from testimonials_cases where entry_id = ${company}`);
      assert.equal(new Date(companyCase.deadline_at).getTime() - new Date(companyCase.opened_at).getTime(), 24 * HOUR, 'the copies elsewhere are due within 24 hours');
      const mails = await outbox(app, 'testimonials.takedown');
      assert.ok(mails.length > takedownMails, 'staff are mailed about the takedown');
      assert.ok(
        mails.some(
          (m) =>
            m.params.link === `https://shop.test/staff/testimonials#case-${companyCase.id}` &&
            m.params.deadline === `${new Date(companyCase.deadline_at).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        ),
        'the mail links the company’s case and gives its deadline',
      );
      assert.equal((await visitor.post('/testimonials/remove', { token: link.searchParams.get('token')! })).statusCode, 400, 'the link works once');
    });

    await t.test('[P001-06] a request that came by mail: the owner takes the testimonial down with its evidence, at once', async () => {
      await philippa.get('/account/testimonials');
      assert.equal((await philippa.post('/account/testimonials', { words: 'Second thoughts: still happy.', shown_as: 'initial', consent: 'yes' })).statusCode, 200);
      const id = (await one(db, sql<{ id: string }>`select id from testimonials_entries where state = 'pending'`)).id;
      await staff.get('/staff/testimonials');
      await staff.post(`/staff/testimonials/${id}/approve`, {});
      const shown = (await app.inject({ method: 'GET', url: '/testimonials' })).body;
      assert.match(shown, /Second thoughts/);
      assert.match(shown, /— P\.</, 'the initial she chose');
      assert.equal((await staff.post(`/staff/testimonials/${id}/takedown`, { channel: 'email', evidence: '' })).statusCode, 400, 'evidence is required');
      assert.equal((await staff.post(`/staff/testimonials/${id}/takedown`, { channel: 'email', evidence: 'Her mail of 5 May, “please remove my words”' })).statusCode, 303);
      assert.doesNotMatch((await app.inject({ method: 'GET', url: '/testimonials' })).body, /Second thoughts/);
      assert.equal((await one(db, sql<{ via: string }>`select via from testimonials_cases where entry_id = ${id}`)).via, 'staff');
    });

    await t.test('[P001-06] turning testimonials off in the privacy centre hides the words at once; the withdrawn job erases them and opens the 24-hour case, and staff are mailed', async () => {
      const ceri = new FormClient(app, '127.0.0.3');
      await signUpAndConfirm(ceri, db, { name: 'Ceridwen Ashdown-Pryce', email: 'ceridwen.ashdown@example.org', password: 'meadow-anchor-41-lantern-hums' });
      await ceri.get('/account/testimonials');
      assert.equal((await ceri.post('/account/testimonials', { words: 'Setup took an afternoon and support answered within the hour.', shown_as: 'initial', consent: 'yes' })).statusCode, 200);
      const entry = (await one(db, sql<{ id: string }>`select id from testimonials_entries where kind = 'quote' and state <> 'removed'`)).id;
      assert.equal((await staff.post(`/staff/testimonials/${entry}/approve`, {})).statusCode, 303);
      assert.match((await app.inject({ method: 'GET', url: '/testimonials' })).body, /support answered within the hour/);

      await ceri.get('/account/privacy');
      assert.equal((await ceri.post('/account/privacy/choices', { purpose: 'testimonials', choice: 'withdraw' })).statusCode, 200);
      assert.doesNotMatch((await app.inject({ method: 'GET', url: '/testimonials' })).body, /support answered within the hour/, 'gone from the site at once');

      const before = (await outbox(app, 'testimonials.takedown')).length;
      await runJob(WITHDRAWN_JOB);
      await runJob(WITHDRAWN_JOB);
      const c = await one(db, sql<{ via: string; opened_at: Date; deadline_at: Date }>`select via, opened_at, deadline_at from testimonials_cases where entry_id = ${entry}::uuid`);
      assert.equal(c.via, 'privacy-centre');
      assert.equal(new Date(c.deadline_at).getTime() - new Date(c.opened_at).getTime(), 24 * HOUR, 'due 24 hours after the withdrawal');
      assert.equal(await count(db, sql`select count(*)::int as n from testimonials_cases where entry_id = ${entry}::uuid`), 1, 'one case, however often the job runs');
      assert.equal((await one(db, sql<{ state: string }>`select state from testimonials_entries where id = ${entry}::uuid`)).state, 'removed');
      assert.ok((await outbox(app, 'testimonials.takedown')).length > before, 'staff are mailed');
      assert.match((await staff.get('/staff/testimonials')).body, /by turning testimonials off in the privacy centre/);
    });

    await t.test('the export lists the entries and takedown cases; deleting the account removes them', async () => {
      const res = await bart.get('/account/privacy/export.json');
      assert.equal(res.statusCode, 200);
      const doc = JSON.parse(res.body) as { sections: { id: string; records: Record<string, unknown>[] }[] };
      assertFollowsExportSchema(doc);
      const entries = doc.sections.find((s) => s.id === 'testimonials')?.records ?? [];
      assert.deepEqual(entries.map((e) => `${e.kind}:${e.state}`).sort(), ['company:removed', 'quote:removed']);
      assert.equal(doc.sections.find((s) => s.id === 'takedown-cases')?.records.length, 2);

      // Bartholomew lists the company again, it is approved, then he deletes his account.
      await bart.get('/account/testimonials');
      assert.equal((await multipart(app, bart, '/account/testimonials/company', { company: 'Ingleby Cold Storage Ltd', company_consent: 'yes' })).statusCode, 200);
      const again = (await one(db, sql<{ id: string; subject_id: string }>`select id, subject_id from testimonials_entries where kind = 'company' and state = 'pending'`)) as {
        id: string;
        subject_id: string;
      };
      await staff.get('/staff/testimonials');
      await staff.post(`/staff/testimonials/${again.id}/approve`, {});
      assert.match((await app.inject({ method: 'GET', url: '/customers' })).body, /Ingleby Cold Storage/);

      const worker = testWorker(database, collectJobs(modules).handlers, { services: { config: test.config, privacy: app.privacy, wiring: app.wiring } });
      await worker.start();
      try {
        await bart.get('/account/privacy/delete');
        assert.equal((await bart.post('/account/privacy/delete', { password: lister.password })).statusCode, 200);
        assert.doesNotMatch((await app.inject({ method: 'GET', url: '/customers' })).body, /Ingleby Cold Storage/, 'off the site from the moment the deletion is asked');
        await waitFor('the deletion', async () => (await subjectStatus(db, again.subject_id)) === 'erased', 60_000);
      } finally {
        await worker.stop(5000);
      }
      assert.equal(await count(db, sql`select count(*)::int as n from testimonials_entries where subject_id = ${again.subject_id}`), 0);
      assert.equal(await count(db, sql`select count(*)::int as n from testimonials_cases where subject_id = ${again.subject_id}`), 0, 'cases are cut from the person');
      assert.equal(
        await count(db, sql`select count(*)::int as n from testimonials_cases where entry_id = ${again.id} and via = 'erasure' and subject_id is null`),
        1,
        'the listing’s copies elsewhere still have a case',
      );
      assert.doesNotMatch((await app.inject({ method: 'GET', url: '/customers' })).body, /Ingleby Cold Storage/);
    });
  },
);
