// The complaint channel (P002-24, P003-25): a visitor complains on the public form, is acknowledged
// by a real mail with the case number, and the privacy officer handles the case (reads it, answers
// by mail, notes, closes, reopens), with nothing the person wrote outside the kernel and every
// reading of it audited. A signed-in customer's complaint is theirs: in their export.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { FormClient, staffClient } from '../src/accounts/testing.ts';
import { testActor, subjectKind } from '../src/privacy/testing.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { ada, everything, rightsBed, signUp, waitForRequest } from './rights-support.ts';
import { newClient } from '../src/commerce/cart/testing.ts';
import { assertFollowsExportSchema } from './export-schema-support.ts';

const visitor = { name: 'Wilhelmina Brackenridge', email: 'wilhelmina.brackenridge@example.net' };
const complaintText = 'On 3 March you sent my address to a marketing partner called Quibblefinch Ltd.\n\nYour policy says you never do that. Please stop and tell me what they received.';
const replyText = 'We looked into it: Quibblefinch Ltd never received your address from us.\n\nThe mail you saw came from a spoofed sender; we reported it to them.';
const noteText = 'Checked the disclosure ledger for Zanzibar-7 cross-check: no disclosure to any marketing recipient.';
const dora = { name: 'Dora Protectorova', email: 'dora.protectorova@shop.example', role: 'dpo', password: 'harbour-violet-47-compass-lantern' };

const decoded = (body: string) =>
  body
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

testEachDatabase(
  '[P002-24][P003-25] a visitor complains on the public form, is acknowledged by mail with the number; the privacy officer reads the case, answers by mail, notes, closes and reopens it; nothing written sits outside the kernel and the reading is audited',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const sink = bed.sink!;
    const db = bed.app.db;

    // The policy and the form: no sign-in needed.
    const person = new FormClient(bed.app);
    assert.ok((await person.get('/privacy')).body.includes('href="/privacy/complaint"'), 'the published policy links the complaint form');
    const form = await person.get('/privacy/complaint');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Tell us if you think this shop is not keeping its <a href="\/privacy">privacy policy<\/a>/);
    const sent = await person.post('/privacy/complaint', { ...visitor, text: complaintText, order_number: 'C-100042' });
    assert.equal(sent.statusCode, 200, sent.body.slice(0, 500));
    const number = /<strong>(K-\d{6})<\/strong>/.exec(sent.body)?.[1];
    assert.ok(number, 'the page gives the complaint its number');
    const [row] = (
      await sql<{ id: string; subject_id: string; status: string; filed_by: string; due_at: Date; received_at: Date }>`select * from rights_complaints where number = ${number}`.execute(db)
    ).rows;
    assert.equal(row!.status, 'open');
    assert.equal(row!.filed_by, 'correspondent');
    assert.equal(Math.round((row!.due_at.getTime() - row!.received_at.getTime()) / 86_400_000), bed.config.rights.deadlineDays);
    const kind = await subjectKind(db, row!.subject_id);
    assert.equal(kind, 'correspondent', 'a complaint filed without signing in has a subject of its own');

    // The acknowledgement, over SMTP: the number, what happens next, the deadline.
    const ack = await sink.waitForMail((m) => m.to.includes(visitor.email) && m.subject.includes(number), 20_000);
    assert.equal(ack.subject, `We received your complaint ${number}`);
    assert.match(ack.text, new RegExp(`Dear ${visitor.name},`));
    assert.ok(ack.text.includes(`answers you at this address by ${row!.due_at.toISOString().slice(0, 10)}`), ack.text);

    // The privacy officer's list: the case, waiting for an answer.
    const dpo = await staffClient(bed.app, db, dora);
    const list = await dpo.get('/staff/dpo/complaints');
    assert.equal(list.statusCode, 200, list.body.slice(0, 300));
    assert.ok(list.body.includes(`href="/staff/dpo/complaints/${number}"`));
    assert.match(list.body, /Waiting for an answer/);
    assert.ok(!list.body.includes(visitor.email) && !list.body.includes(visitor.name), 'the list shows no personal data');

    // The case: name, email, order number and text, read through the kernel as this staff member.
    const opened = await dpo.get(`/staff/dpo/complaints/${number}`);
    assert.equal(opened.statusCode, 200, opened.body.slice(0, 300));
    const page = decoded(opened.body);
    for (const shown of [visitor.name, visitor.email, 'C-100042', complaintText]) assert.ok(page.includes(shown), `the case shows ${shown.slice(0, 40)}`);
    const log = await bed.app.privacy.accessLog(db, { subject: row!.subject_id, actor: testActor('test') });
    assert.ok(
      log.some((e) => e.by === 'staff' && e.byDetail === 'dpo' && e.action === 'data.read' && e.outcome === 'ok' && e.purpose === 'data-rights' && e.categories.includes('user.content.private')),
      'the kernel audit log records the privacy officer reading the complaint',
    );

    // The answer: stored in the kernel, mailed, the case answered.
    const replied = await dpo.post(`/staff/dpo/complaints/${number}/reply`, { reply: replyText });
    assert.equal(replied.statusCode, 303, replied.body.slice(0, 300));
    assert.equal(replied.headers.location, `/staff/dpo/complaints/${number}`);
    const answer = await sink.waitForMail((m) => m.to.includes(visitor.email) && m.subject === `Our answer to your complaint ${number}`, 20_000);
    for (const paragraph of replyText.split('\n\n')) assert.ok(answer.text.includes(paragraph), `the answer mail holds "${paragraph.slice(0, 30)}…"`);
    assert.match(decoded((await dpo.get(`/staff/dpo/complaints/${number}`)).body), /The answer is on its way[\s\S]*Answered/);

    // A note, then closed, reopened (a new deadline) and closed again.
    assert.equal((await dpo.post(`/staff/dpo/complaints/${number}/note`, { note: noteText })).statusCode, 303);
    assert.equal((await dpo.post(`/staff/dpo/complaints/${number}/close`, {})).statusCode, 303);
    assert.equal((await dpo.post(`/staff/dpo/complaints/${number}/reply`, { reply: 'Too late.' })).statusCode, 409, 'a closed case is reopened before it is answered again');
    assert.equal((await dpo.post(`/staff/dpo/complaints/${number}/reopen`, {})).statusCode, 303);
    assert.equal((await dpo.post(`/staff/dpo/complaints/${number}/close`, {})).statusCode, 303);

    const final = decoded((await dpo.get(`/staff/dpo/complaints/${number}`)).body);
    const history = /<ol class="complaint-history">([\s\S]*?)<\/ol>/.exec(final)![1]!;
    const steps = [...history.matchAll(/<strong>([^<]+)<\/strong>/g)].map((m) => m[1]);
    assert.deepEqual(steps, ['Received', 'Acknowledgement mailed', 'Answer mailed', 'Internal note', 'Closed', 'Reopened', 'Closed']);
    assert.ok(history.includes(replyText) && history.includes(noteText), 'the history shows the answer and the note');
    assert.match(final, /<dt>Status<\/dt><dd>Closed<\/dd>/);
    const events = (await sql<{ event: string; actor_ref: string }>`select event, actor_ref from rights_complaint_events where complaint_id = ${row!.id}::uuid order by id`.execute(db)).rows;
    assert.deepEqual(
      events.map((e) => e.actor_ref.split(':')[0]),
      ['self', 'system', 'staff', 'staff', 'staff', 'staff', 'staff'],
      'each step names its actor pseudonymously',
    );

    // Nothing anybody wrote is in the rights tables, the outbox or the jobs, the logs, or anywhere
    // else in the database or the data directory: only the kernel's ciphertexts hold it.
    const tables = JSON.stringify([
      (await sql`select * from rights_complaints`.execute(db)).rows,
      (await sql`select * from rights_complaint_events`.execute(db)).rows,
      (await sql`select template, params, address_ref, personal, personal_ref from comms_outbox where template like 'rights.complaint%'`.execute(db)).rows,
    ]);
    const secrets = [visitor.name, visitor.email, 'Quibblefinch', 'spoofed sender', 'Zanzibar-7', 'C-100042'];
    for (const secret of secrets) assert.ok(!tables.includes(secret), `${secret} is not in the rights tables or the outbox`);
    for (const [where, text] of await everything(bed, database)) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `${secret} is not in ${where}`);
    }
  },
);

testEachDatabase(
  '[P002-24] a signed-in customer’s complaint is filed with their account and in their export, one filed with their email without signing in is not, and deleting the account unlinks her cases',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const db = bed.app.db;
    const client = newClient(bed.app);
    await signUp(bed, client, ada);
    const subject = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'customer'`.execute(db)).rows[0]!.subject_id;

    // Someone else, not signed in, types the customer's address: a new correspondent, not her file.
    const stranger = new FormClient(bed.app, '203.0.113.9');
    await stranger.get('/privacy/complaint');
    const forged = await stranger.post('/privacy/complaint', { name: ada.name, email: ada.email, text: 'Words put into someone else’s file by Mallory Underhill.' });
    assert.equal(forged.statusCode, 200, forged.body.slice(0, 300));

    // Signed in, the form starts from her own name and address, and files on her subject.
    const form = await client.get('/privacy/complaint');
    assert.ok(decoded(form.body).includes(`value="${ada.email}"`) && decoded(form.body).includes(`value="${ada.name}"`), 'the form is filled from the account');
    const sent = await client.post('/privacy/complaint', { name: ada.name, email: ada.email, text: 'You kept mailing me offers after I turned them off in March.', order_number: '' });
    assert.equal(sent.statusCode, 200, sent.body.slice(0, 300));
    const number = /<strong>(K-\d{6})<\/strong>/.exec(sent.body)![1]!;
    const rows = (await sql<{ number: string; subject_id: string; filed_by: string }>`select number, subject_id, filed_by from rights_complaints order by number`.execute(db)).rows;
    assert.equal(rows.length, 2);
    assert.deepEqual(
      rows.find((r) => r.number === number),
      { number, subject_id: subject, filed_by: 'customer' },
    );
    assert.notEqual(rows.find((r) => r.number !== number)!.subject_id, subject, 'a complaint without sign-in is never attached to the customer with that email');

    // Her export: the case (number, status, dates, history) and what she wrote, in the documented format.
    const res = await client.get('/account/privacy/export.json');
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    const doc = JSON.parse(res.body) as { sections: { id: string; records: Record<string, unknown>[] }[] };
    assertFollowsExportSchema(doc);
    const complaints = doc.sections.find((s) => s.id === 'complaints')!.records;
    assert.equal(complaints.length, 1);
    assert.equal(complaints[0]!.number, number);
    assert.equal(complaints[0]!.status, 'Waiting for an answer');
    assert.deepEqual(
      (complaints[0]!.history as { what: string }[]).map((h) => h.what),
      ['Received', 'Acknowledgement mailed'],
    );
    const items = doc.sections.find((s) => s.id === 'personal-data')!.records;
    assert.ok(
      items.some((i) => String(i.ref).startsWith('complaint:') && i.value === 'You kept mailing me offers after I turned them off in March.'),
      'what she wrote is with her data',
    );
    assert.ok(!res.body.includes('Mallory Underhill'), 'the stranger’s words are not in her export');

    // The JSON twin, signed in: filed with her account too, described in the OpenAPI document.
    const api = await client.json('POST', '/api/privacy/complaints', { name: ada.name, email: ada.email, text: 'And once more by the API.' });
    assert.equal(api.statusCode, 201, api.body);
    assert.match((api.json() as { number: string }).number, /^K-\d{6}$/);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from rights_complaints where subject_id = ${subject}::uuid and channel = 'api'`.execute(db)).rows[0]!.n, 1);
    assert.ok(JSON.stringify((await bed.app.inject({ method: 'GET', url: '/openapi.json' })).json()).includes('/api/privacy/complaints'));

    // She deletes her account: the cases stay as the shop's record, unlinked, with nothing of hers.
    await client.get('/account/privacy/delete');
    assert.equal((await client.post('/account/privacy/delete', { password: ada.password })).statusCode, 200);
    await waitForRequest(db, 'completed');
    const receipt = bed.sink!.received.find((m) => m.to.includes(ada.email) && /is deleted/.test(m.subject))!;
    assert.match(receipt.text, /the record that we handled your complaints \(K-\d{6}, K-\d{6}\)/);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from rights_complaints where subject_id = ${subject}::uuid`.execute(db)).rows[0]!.n, 0);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from rights_complaints where subject_id is null`.execute(db)).rows[0]!.n, 2);
    const dpo = await staffClient(bed.app, db, dora);
    const erased = await dpo.get(`/staff/dpo/complaints/${number}`);
    assert.equal(erased.statusCode, 200, erased.body.slice(0, 300));
    assert.match(erased.body, /has been erased/);
    assert.ok(!erased.body.includes('Answer the person') && !erased.body.includes(ada.email), 'nobody to answer, nothing of hers shown');
  },
);

testEachDatabase(
  'the complaints list pages in SQL: the waiting ones first, then by deadline; page 2 shows the rows after the first 50, and the overdue count covers every page',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const db = bed.app.db;
    // 53 active cases: every third already answered, the rest waiting; 4 waiting ones past their deadline.
    for (let n = 1; n <= 53; n++) {
      const status = n % 3 === 0 ? 'answered' : 'open';
      const due = n <= 6 ? `-${n} days` : `${n} days`;
      await sql`insert into rights_complaints (id, number, filed_by, channel, status, received_at, due_at)
      values (gen_random_uuid(), ${`K-9${String(n).padStart(5, '0')}`}, 'customer', 'web', ${status}, now() - interval '40 days', now() + ${due}::interval)`.execute(db);
    }
    const expected = (await sql<{ number: string }>`select number from rights_complaints where closed_at is null order by status = 'open' desc, due_at, number`.execute(db)).rows.map((r) => r.number);
    const dpo = await staffClient(bed.app, db, dora);
    const shown = (body: string) => [...body.slice(0, body.indexOf('<h2>Recently closed</h2>')).matchAll(/href="\/staff\/dpo\/complaints\/(K-[0-9]+)"/g)].map((m) => m[1]);
    const first = await dpo.get('/staff/dpo/complaints');
    assert.equal(first.statusCode, 200);
    assert.deepEqual(shown(first.body), expected.slice(0, 50));
    assert.match(first.body, /4 overdue/, 'the overdue waiting cases of every page (n = 1, 2, 4, 5; 3 and 6 are answered)');
    assert.match(first.body, /<a rel="next" href="\/staff\/dpo\/complaints\?page=2">/);
    const second = await dpo.get('/staff/dpo/complaints?page=2');
    assert.deepEqual(shown(second.body), expected.slice(50));
    assert.equal(shown(second.body).length, 3);
    assert.deepEqual(shown((await dpo.get('/staff/dpo/complaints?page=9')).body), expected.slice(50), 'a page past the end shows the last');
  },
);
