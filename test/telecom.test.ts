// Telecom usage as CPNI, end to end on one shop with a real SMTP server (decision 0057): staff open
// a line and make a network key, the network posts usage records (checked, encrypted under the
// customer's key, audited), the customer reads the month's statement, an accountant reads it under
// a purpose the customer then sees in their access log, CPNI-based offers stop at the opt-out while
// the service goes on, CPNI leaves only with a recorded authorisation, an emergency call's location
// goes to the emergency services through the legal-disclosure flow, the statement mail carries no
// usage, and the export and the deletion reach it all.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { FormClient, signUpAndConfirm, staffClient } from '../src/accounts/testing.ts';
import { createCategory, createProduct, createVendor } from '../src/commerce/catalogue/index.ts';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { modules } from '../src/modules.ts';
import { collectJobs, enqueue } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { SubjectErased } from '../src/privacy/index.ts';
import { countSubjectAudit, disclosureRows, storedItems, subjectStatus, testActor } from '../src/privacy/testing.ts';
import { assertFollowsExportSchema } from './export-schema-support.ts';

const password = 'amber-lighthouse-27-quietly-sings';
const customer = { name: 'Wilhelmina Brackenridge', email: 'wilhelmina.brackenridge@example.com', password: 'lantern-orchid-58-quarry' };
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2_000, 0x41), Buffer.from('\n%%EOF\n')]);
const LOCATION = { lat: 44.31, lon: -69.78 };

/** The month before now (UTC) and a time in it. */
function lastMonth(): { month: string; at: (minutes: number) => string } {
  const now = new Date();
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 2, 8);
  return { month: new Date(start).toISOString().slice(0, 7), at: (minutes) => new Date(start + minutes * 60_000).toISOString() };
}

async function multipart(client: FormClient, url: string, fields: Record<string, string | string[]>, file?: Buffer): Promise<LightMyRequestResponse> {
  const body = new FormData();
  body.append('_csrf', client.csrf);
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  if (file) body.append('document', new Blob([new Uint8Array(file)], { type: 'application/pdf' }), 'order.pdf');
  const request = new Request('http://localhost/', { method: 'POST', body });
  const payload = Buffer.from(await request.arrayBuffer());
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return client.app.inject({ method: 'POST', url, headers: { cookie, accept: 'text/html', 'content-type': request.headers.get('content-type')! }, payload });
}

/** A legal-disclosure request recorded by `owner` through the console; its id. */
async function recordDisclosure(owner: FormClient, fields: Record<string, string | string[]>, file?: Buffer): Promise<string> {
  await owner.get(`/staff/disclosures/new/${fields.basis}/${fields.recipient}`);
  const res = await multipart(owner, '/staff/disclosures', fields, file);
  assert.equal(res.statusCode, 303, res.body.slice(0, 600));
  return /^\/staff\/disclosures\/([0-9a-f-]{36})$/.exec(String(res.headers.location))![1]!;
}

async function produce(client: FormClient, id: string): Promise<LightMyRequestResponse> {
  await client.get(`/staff/disclosures/${id}`);
  return client.post(`/staff/disclosures/${id}/produce`, {});
}

testEachDatabase(
  'telecom lines, usage records as CPNI, statements, offers and disclosures',
  async (database, t) => {
    const sink = await startSmtpSink();
    const { app, config } = await buildTestApp(database, { SMTP_URL: sink.url, PUBLIC_URL: 'https://shop.test', MAIL_FROM: 'Shop <mail@shop.test>' });
    const db = app.db;
    const worker = testWorker(database, collectJobs(modules).handlers, { services: { config, privacy: app.privacy, wiring: app.wiring } });
    t.after(async () => {
      await worker.stop(5000);
      await app.close();
      await sink.stop();
    });

    const vendor = await createVendor(db, { slug: 'ashgrove', name: 'Ashgrove Telecom' });
    const category = await createCategory(db, { slug: 'telecom', name: 'Telecom' });
    await createProduct(
      db,
      {
        vendor_id: vendor.id,
        category_id: category.id,
        slug: 'mobile-plan',
        name: 'Mobile Plan',
        kind: 'service',
        variants: [
          { sku: 'MOB-5GB', name: 'Essentials, 5 GB', price_minor: 1_500 },
          { sku: 'MOB-UNL', name: 'Unlimited data', price_minor: 4_500 },
        ],
      },
      { currency: 'USD' },
    );
    const owner = await staffClient(app, db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password });
    const accountant = await staffClient(app, db, { name: 'Abe Accountant', email: 'abe@shop.example', role: 'accountant', password });
    const dpo = await staffClient(app, db, { name: 'Dana Dpo', email: 'dana@shop.example', role: 'dpo', password });
    const client = new FormClient(app);
    await signUpAndConfirm(client, db, customer);
    const subject = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer'`.execute(db)).rows[0]!.subject_id;
    const { month, at } = lastMonth();

    // Staff open the line (the number is the customer's contact data, not CPNI) and make a network key.
    await owner.get('/staff/telecom');
    const wrongPlan = await owner.post('/staff/telecom/lines', { email: customer.email, sku: 'NOPE-1', number: '+1 207 555 0188' });
    assert.equal(wrongPlan.statusCode, 400);
    assert.match(wrongPlan.body, /href="#f-sku"/);
    const opened = await owner.post('/staff/telecom/lines', { email: customer.email, sku: 'MOB-5GB', number: '+1 207 555 0188' });
    assert.equal(opened.statusCode, 201, opened.body.slice(0, 600));
    const line = /Line ([0-9a-f-]{36}) is open/.exec(opened.body)![1]!;
    const made = await owner.post('/staff/telecom/keys', { label: 'Mediation server 1' });
    assert.equal(made.statusCode, 201);
    const key = /id="f-new-key" readonly size="60" value="(ctn_[A-Za-z0-9_-]+)"/.exec(made.body)![1]!;
    const post = (payload: unknown, headers: Record<string, string> = { authorization: `Bearer ${key}` }) =>
      app.inject({ method: 'POST', url: '/api/telecom/usage', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) });

    // 600 calls of 61 s (2 billed minutes each), 400 messages, 200 data sessions of 25 MB, one emergency call with the caller's location.
    const records = [
      ...Array.from({ length: 600 }, (_, i) => ({ line, kind: 'call', at: at(i), seconds: 61, other: `+1202555${String(1000 + i)}`, cell: 'cell-ME-0042', device: '356938035643809' })),
      ...Array.from({ length: 400 }, (_, i) => ({ line, kind: 'sms', at: at(700 + i), other: '+12025550999' })),
      ...Array.from({ length: 200 }, (_, i) => ({ line, kind: 'data', at: at(1200 + i), bytes: 25_000_000, cell: 'cell-ME-0043' })),
      { line, kind: 'call', at: at(2000), seconds: 120, other: '911', emergency: true, location: LOCATION, cell: 'cell-ME-0042' },
    ];

    await t.test('[P003-03] [P003-14] usage posted by the network is checked, then kept as encrypted CPNI apart from the line’s number', async () => {
      assert.equal((await post({ records: records.slice(0, 1) }, {})).statusCode, 401);
      assert.equal((await post({ records: records.slice(0, 1) }, { authorization: 'Bearer ctn_wrong' })).statusCode, 401);
      const wrongKind = await post({ records: [records[0], { ...records[1], kind: 'fax' }] });
      assert.equal(wrongKind.statusCode, 400);
      assert.match(JSON.stringify(wrongKind.json().error.fields), /records\/1\/kind|records\.1\.kind/);
      const smsWithSeconds = await post({ records: [records[0], records[1], { ...records[700], seconds: 5 }] });
      assert.equal(smsWithSeconds.statusCode, 400);
      assert.deepEqual(
        smsWithSeconds.json().error.fields.map((f: { field: string }) => f.field),
        ['records.2.seconds'],
      );
      const located = await post({ records: [{ ...records[0], location: LOCATION }] });
      assert.equal(located.statusCode, 400, 'a location is kept only with an emergency call');
      assert.equal(Number((await sql<{ n: number }>`select count(*)::int as n from telecom_usage_batches`.execute(db)).rows[0]!.n), 0, 'nothing of a refused batch is kept');

      const stored = await post({ batch: 'mediation-0001', records });
      assert.equal(stored.statusCode, 201, stored.body);
      assert.equal(stored.json().records, records.length);
      const again = await post({ batch: 'mediation-0001', records });
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().duplicate, true, 'a retried batch stores nothing again');

      const batches = (await sql<{ month: string; records: number; parts: number }>`select month, records, parts from telecom_usage_batches`.execute(db)).rows;
      assert.deepEqual(
        batches.map((b) => [b.month, b.records]),
        [[month, records.length]],
      );
      assert.ok(batches[0]!.parts >= 2, 'a batch over 64 KB is kept in parts');
      const items = await storedItems(db, subject);
      const usage = items.filter((i) => i.ref.startsWith(`usage:${month}:`));
      assert.equal(usage.length, batches[0]!.parts);
      assert.ok(usage.every((i) => i.category === 'user.telecom.cpni' && i.purpose === 'billing'));
      assert.ok(!usage.some((i) => Buffer.from(i.ciphertext).includes('+12025551000')), 'the records are encrypted');
      assert.deepEqual(
        items.filter((i) => i.ref === `telecom-line:${line}`).map((i) => i.category),
        ['user.contact.phone_number'],
        'the line’s number is contact data, not CPNI',
      );
      assert.equal(app.privacy.map.categories.get('user.telecom.cpni')?.cpni, true);
      const plain = JSON.stringify((await sql`select * from telecom_lines, telecom_usage_batches, telecom_ingests`.execute(db)).rows);
      assert.ok(!plain.includes('2025551') && !plain.includes('555 0188') && !plain.includes('cell-ME'), 'the module’s own tables hold no number and no usage');
      assert.ok((await countSubjectAudit(db, { subject, action: 'data.write' })) >= batches[0]!.parts, 'each write is audited');
    });

    await t.test('the customer reads the month’s statement: plan charge, totals, itemised records and a plan that fits', async () => {
      const lines = await client.get('/account/telecom');
      assert.equal(lines.statusCode, 200);
      assert.match(lines.body, /\+1 207 555 0188/);
      assert.match(lines.body, new RegExp(`href="/account/telecom/statements/${month}"`));
      const page = await client.get(`/account/telecom/statements/${month}`);
      assert.equal(page.statusCode, 200, page.body.slice(0, 600));
      assert.match(page.body, /Mobile Plan: Essentials, 5 GB/);
      assert.match(page.body, /Plan charges for [0-9-]+: \$15\.00/);
      assert.match(page.body, /data-label="Calls \(minutes\)" class="num">601 \(1202\)</);
      assert.match(page.body, /data-label="Messages" class="num">400</);
      assert.match(page.body, /data-label="Data" class="num">5\.00 GB</);
      assert.match(page.body, /\+12025551000/, 'itemised');
      assert.match(page.body, /A plan that fits[\s\S]*Unlimited data/);
      const last = await client.get(`/account/telecom/statements/${month}?page=7`);
      assert.match(last.body, /Call \(emergency\)/);
      assert.equal((await client.get('/account/telecom/statements/2019-13')).statusCode, 400);
    });

    await t.test('[P003-16] an accountant reads the statement under a purpose, and the customer sees that read in their access log', async () => {
      const before = await countSubjectAudit(db, { subject, action: 'data.read' });
      const url = `/staff/telecom/customers/${subject}/statements/${month}`;
      assert.equal((await owner.get(url)).statusCode, 403, 'the owner does not see CPNI');
      const read = await accountant.get(url);
      assert.equal(read.statusCode, 200, read.body.slice(0, 600));
      assert.match(read.body, /under the purpose <strong>Billing<\/strong>/);
      assert.match(read.body, /601 \(1202\)/);
      assert.ok((await countSubjectAudit(db, { subject, action: 'data.read' })) > before, 'audited');
      await app.privacy.flush();
      const log = await client.get('/account/privacy/access-log');
      const rows = log.body.split('<tr>').filter((r) => r.includes('staff (accountant)'));
      assert.ok(
        rows.some((r) => /data-label="Did">read( \(\d+ times\))?</.test(r) && r.includes('>Billing<') && r.includes('usage, call records')),
        'the customer sees the accountant’s read of their CPNI',
      );
    });

    await t.test('[P003-17] opting out of CPNI-based offers ends the offer; the line, its usage and its statement go on', async () => {
      await client.get('/account/privacy');
      const off = await client.post('/account/privacy/choices', { purpose: 'cpni-marketing', choice: 'withdraw' });
      assert.match(off.body, /CPNI-based offers is now off/);
      const more = await post({ records: [{ line, kind: 'sms', at: at(2100), other: '+12025550999' }] });
      assert.equal(more.statusCode, 201, 'usage is still taken');
      const page = await client.get(`/account/telecom/statements/${month}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /data-label="Messages" class="num">401</);
      assert.doesNotMatch(page.body, /A plan that fits/);
      assert.ok((await countSubjectAudit(db, { subject, action: 'data.read', outcome: 'refused' })) >= 1, 'the kernel refused the offer’s read');
    });

    await t.test('[P003-15] CPNI is refused to a third party without the customer’s authorisation and given, ledgered, with it', async () => {
      const id = await recordDisclosure(
        owner,
        { basis: 'legal-rights', recipient: 'courts', email: customer.email, categories: ['user.telecom.cpni'], instrument: 'Billing dispute, small-claims case 2026-91' },
        pdf,
      );
      await dpo.get('/staff/dpo');
      assert.equal((await dpo.post(`/staff/dpo/disclosures/${id}`, { decision: 'approved' })).statusCode, 200);
      const refused = await produce(dpo, id);
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /CPNI\) is never shared with a third party without the customer&#39;s recorded authorisation/);
      assert.deepEqual(await disclosureRows(db, subject), []);
      await owner.get(`/staff/disclosures/${id}`);
      assert.equal((await owner.post(`/staff/disclosures/${id}/authorisation`, { channel: 'paper', evidence: 'Signed CPNI release form, case 2026-91' })).statusCode, 303);
      const produced = await produce(dpo, id);
      assert.equal(produced.statusCode, 200, produced.body.slice(0, 600));
      assert.deepEqual(produced.json().fields['user.telecom.cpni'].months[month], { records: 1202, calls: 601, minutes: 1202, messages: 401, data_bytes: 5_000_000_000 });
      const rows = await disclosureRows(db, subject);
      assert.deepEqual(
        rows.map((r) => [r.recipient, r.basis, r.categories]),
        [['courts', 'legal-rights', ['user.telecom.cpni']]],
      );
      assert.ok(rows[0]!.consent_id !== null, 'ledgered with the authorisation it rests on');
    });

    await t.test('[P003-13] the location of an emergency call goes to the emergency services at once through the legal-disclosure flow, ledgered', async () => {
      const id = await recordDisclosure(owner, {
        basis: 'emergency',
        recipient: 'emergency-services',
        email: customer.email,
        categories: ['user.location.precise'],
        instrument: '911 call from the customer’s line, caller cannot give an address',
      });
      const produced = await produce(owner, id);
      assert.equal(produced.statusCode, 200, produced.body.slice(0, 600));
      assert.deepEqual(produced.json().fields['user.location.precise'], { ...LOCATION, at: at(2000), line });
      const rows = await disclosureRows(db, subject);
      assert.deepEqual(
        rows.filter((r) => r.basis === 'emergency').map((r) => [r.recipient, r.categories, r.approval_id]),
        [['emergency-services', ['user.location.precise'], null]],
      );
    });

    await t.test('the monthly job mails “your statement is ready” once, with a link and no usage', async () => {
      await worker.start();
      await enqueue(db, 'telecom.statements', { month });
      const mail = await sink.waitForMail((m) => m.to.some((to) => to.includes(customer.email)) && m.subject.includes(`statement for ${month} is ready`), 20_000);
      assert.match(mail.text, new RegExp(`https://shop.test/account/telecom/statements/${month}`));
      assert.doesNotMatch(mail.text, /2025551|911|cell-ME|GB/);
      await enqueue(db, 'telecom.statements', { month });
      await waitFor(
        'the second run',
        async () => Number((await sql<{ n: number }>`select count(*)::int as n from jobs where name = 'telecom.statements' and state = 'done'`.execute(db)).rows[0]!.n) === 2,
      );
      assert.equal(Number((await sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = 'telecom.statement-ready'`.execute(db)).rows[0]!.n), 1);
    });

    await t.test('the export holds the lines and statements, CPNI marked; staff suspend and close the line; the deletion removes them and shreds the records', async () => {
      const doc = (await client.get('/account/privacy/export.json')).json() as { sections: { id: string; records: Record<string, unknown>[] }[] };
      assertFollowsExportSchema(doc);
      const section = (id: string) => doc.sections.find((s) => s.id === id)?.records ?? [];
      assert.deepEqual(
        section('telecom-lines'),
        [{ line, plan: 'MOB-5GB', plan_cpni: true, status: 'active', opened_at: section('telecom-lines')[0]!.opened_at }],
        'the service a person has is CPNI too (seed 003)',
      );
      assert.deepEqual(
        section('telecom-statements').map((r) => [r.line, r.month, r.records, r.cpni]),
        [[line, month, 1202, true]],
      );
      assert.ok(section('personal-data').some((r) => r.category === 'user.telecom.cpni' && String(r.ref).startsWith(`usage:${month}:`)));

      // Staff suspend the line (usage is still taken) and close it (no more usage).
      await owner.get('/staff/telecom');
      assert.match((await owner.post(`/staff/telecom/lines/${line}/status`, { status: 'suspended' })).body, /is suspended/);
      assert.equal((await post({ records: [{ line, kind: 'sms', at: at(2150), other: '+12025550999' }] })).statusCode, 201);
      assert.equal((await owner.post(`/staff/telecom/lines/${line}/status`, { status: 'closed' })).statusCode, 200);
      const closed = await post({ records: [{ line, kind: 'sms', at: at(2160), other: '+12025550999' }] });
      assert.equal(closed.statusCode, 400);
      assert.match(closed.body, /records\.0\.line.*is closed/);
      assert.equal((await owner.post(`/staff/telecom/lines/${line}/status`, { status: 'active' })).statusCode, 409, 'a closed line stays closed');

      await client.get('/account/privacy/delete');
      assert.equal((await client.post('/account/privacy/delete', { password: customer.password })).statusCode, 200);
      await waitFor('the deletion', async () => (await subjectStatus(db, subject)) === 'erased', 30_000);
      for (const table of ['telecom_lines', 'telecom_usage_batches', 'telecom_statement_notices']) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where subject_id = ${subject}::uuid`.execute(db);
        assert.equal(Number(rows[0]!.n), 0, `${table} is emptied`);
      }
      await assert.rejects(
        app.privacy.read(db, { subject, actor: testActor('test'), purpose: 'billing', categories: ['user.telecom.cpni'] }),
        (err: unknown) => err instanceof SubjectErased,
        'the key is shredded: no record can be read again',
      );
      const after = await post({ records: [{ line, kind: 'sms', at: at(2200), other: '+12025550999' }] });
      assert.equal(after.statusCode, 400);
      assert.match(after.body, /records\.0\.line/);
    });
  },
  { timeout: 300_000 },
);
