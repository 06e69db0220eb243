// Bad input on the complaint channel: every missing or too-long field is named at once, what was
// typed comes back whole, and nothing is written. The case pages are the privacy officer's only.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { FormClient, staffClient } from '../../accounts/testing.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';

const decoded = (body: string) =>
  body
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** The error summary's entries: "label: message". */
function summary(body: string): string[] {
  const box = /<div class="form-errors" role="alert">([\s\S]*?)<\/div>/.exec(body)?.[1] ?? '';
  return [...box.matchAll(/<li>(?:<a href="#f-[a-z_]+">)?([^<]*)(?:<\/a>)?([^<]*)<\/li>/g)].map((m) => decoded(`${m[1]}${m[2]}`));
}

const invalidFields = (body: string) => [...body.matchAll(/id="f-([a-z_]+)"[^>]*aria-invalid="true"/g)].map((m) => m[1]);

testEachDatabase('a complaint with missing or too-long fields names every one at once, keeps what was typed and writes nothing', async (database, t) => {
  const { app } = await buildTestApp(database);
  t.after(() => app.close());
  const client = new FormClient(app);
  await client.get('/privacy/complaint');

  const empty = await client.post('/privacy/complaint', { name: ' ', email: '', text: '\n', order_number: '' });
  assert.equal(empty.statusCode, 400);
  assert.deepEqual(summary(empty.body), ['Your name: is required', 'Your email address: is required', 'What happened: is required']);
  assert.deepEqual(invalidFields(empty.body), ['name', 'email', 'text']);

  const long = `${'I write at length. '.repeat(211).slice(0, 4000)}!`;
  const tooLong = await client.post('/privacy/complaint', { name: 'N'.repeat(201), email: 'not-an-address', text: long, order_number: '9'.repeat(41) });
  assert.equal(tooLong.statusCode, 400);
  assert.deepEqual(summary(tooLong.body), [
    'Your name: must be at most 200 characters',
    'Your email address: must be an email address such as name@example.com',
    'What happened: must be at most 4,000 characters (it has 4,001)',
    'Order number (optional): must be at most 40 characters',
  ]);
  assert.deepEqual(invalidFields(tooLong.body), ['name', 'email', 'text', 'order_number']);
  assert.ok(decoded(tooLong.body).includes(`${long}</textarea>`), 'the whole text comes back to be shortened, not lost');

  assert.equal(
    (await client.post('/privacy/complaint', { name: 'Ok Name', email: 'ok@example.com', text: 'Fine', order_number: '<script>' })).statusCode,
    400,
    'an order number is letters, digits and dashes',
  );
  assert.equal((await client.post('/privacy/complaint', { name: 'Ok Name', email: 'ok@example.com', text: 'Fine', _csrf: 'forged' })).statusCode, 403, 'the CSRF hook checks this form too');

  const api = await client.json('POST', '/api/privacy/complaints', { name: '', email: 'nope', text: '' });
  assert.equal(api.statusCode, 400);
  assert.deepEqual(
    (api.json() as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field),
    ['name', 'email', 'text'],
  );
  const apiLong = await client.json('POST', '/api/privacy/complaints', { name: 'Ok Name', email: 'ok@example.com', text: 'x'.repeat(4001) });
  assert.equal(apiLong.statusCode, 400);
  assert.deepEqual(
    (apiLong.json() as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field),
    ['body.text'],
  );

  const written = await sql<{ complaints: number; mail: number }>`select (select count(*)::int from rights_complaints) as complaints, (select count(*)::int from comms_outbox) as mail`.execute(
    database.db,
  );
  assert.deepEqual(written.rows[0], { complaints: 0, mail: 0 }, 'nothing was written');
});

testEachDatabase('[P002-24] the complaint pages are the privacy officer’s: other staff get 403, visitors are sent to sign in; a bad answer is named and nothing is sent', async (database, t) => {
  const { app } = await buildTestApp(database);
  t.after(() => app.close());
  const person = new FormClient(app);
  await person.get('/privacy/complaint');
  const sent = await person.post('/privacy/complaint', { name: 'Pat Plaintiff', email: 'pat.plaintiff@example.org', text: 'You shared my data.' });
  assert.equal(sent.statusCode, 200, sent.body.slice(0, 300));
  const number = /<strong>(K-\d{6})<\/strong>/.exec(sent.body)![1]!;

  const anonymous = await app.inject({ method: 'GET', url: '/staff/dpo/complaints' });
  assert.equal(anonymous.statusCode, 303);
  assert.equal(anonymous.headers.location, '/staff/login');

  const support = await staffClient(app, database.db, { name: 'Sam Supportwell', email: 'sam.supportwell@shop.example', role: 'support', password: 'meadow-anchor-39-quietly-glows' });
  assert.equal((await support.get('/staff/dpo/complaints')).statusCode, 403);
  assert.equal((await support.get(`/staff/dpo/complaints/${number}`)).statusCode, 403);
  await support.get('/staff');
  assert.equal((await support.post(`/staff/dpo/complaints/${number}/reply`, { reply: 'Support answering.' })).statusCode, 403);
  assert.equal((await support.post(`/staff/dpo/complaints/${number}/close`, {})).statusCode, 403);

  const dpo = await staffClient(app, database.db, { name: 'Dora Protectorova', email: 'dora.protectorova@shop.example', role: 'dpo', password: 'harbour-violet-47-compass-lantern' });
  // A case past its deadline without an answer is flagged, and listed before a newer one.
  await person.get('/privacy/complaint');
  const newer = /<strong>(K-\d{6})<\/strong>/.exec((await person.post('/privacy/complaint', { name: 'Pat Plaintiff', email: 'pat.plaintiff@example.org', text: 'And again.' })).body)![1]!;
  await sql`update rights_complaints set received_at = now() - interval '40 days', due_at = now() - interval '10 days' where number = ${number}`.execute(database.db);
  const list = await dpo.get('/staff/dpo/complaints');
  assert.match(list.body, /<strong class="complaint-overdue">1 overdue<\/strong>/);
  assert.ok(list.body.indexOf(number) < list.body.indexOf(newer), 'the overdue case comes first');
  assert.match(list.body, new RegExp(`${number}</a></th><td data-label="Received">[0-9-]+</td><td data-label="Answer due">[0-9-]+ <strong class="complaint-overdue">overdue</strong>`));
  assert.ok(!new RegExp(`${newer}</a></td><td>[0-9-]+</td><td>[0-9-]+ <strong`).test(list.body), 'a case within its deadline is not flagged');

  await dpo.get(`/staff/dpo/complaints/${number}`);
  const blank = await dpo.post(`/staff/dpo/complaints/${number}/reply`, { reply: '   ' });
  assert.equal(blank.statusCode, 400);
  assert.deepEqual(summary(blank.body), ['Your answer: is required']);
  const long = `${'Our long answer. '.repeat(240).slice(0, 4000)}!`;
  const tooLong = await dpo.post(`/staff/dpo/complaints/${number}/reply`, { reply: long });
  assert.equal(tooLong.statusCode, 400);
  assert.deepEqual(summary(tooLong.body), ['Your answer: must be at most 4,000 characters (it has 4,001)']);
  assert.ok(decoded(tooLong.body).includes(`${long}</textarea>`), 'the answer comes back whole');
  assert.equal((await dpo.post(`/staff/dpo/complaints/${number}/note`, { note: '' })).statusCode, 400);
  assert.equal((await dpo.get('/staff/dpo/complaints/K-999999')).statusCode, 404);
  assert.equal((await dpo.post(`/staff/dpo/complaints/${number}/reopen`, {})).statusCode, 409, 'an open case cannot be reopened');

  const { rows } = await sql<{ template: string }>`select template from comms_outbox where template like 'rights.complaint%' order by created_at`.execute(database.db);
  assert.deepEqual(
    rows.map((r) => r.template),
    ['rights.complaint-received', 'rights.complaint-received'],
    'no answer was queued',
  );
  const events = await sql<{ event: string }>`select e.event from rights_complaint_events e join rights_complaints c on c.id = e.complaint_id where c.number = ${number} order by e.id`.execute(
    database.db,
  );
  assert.deepEqual(
    events.rows.map((e) => e.event),
    ['received', 'acknowledged'],
  );
});
