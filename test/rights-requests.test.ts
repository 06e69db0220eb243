// Requests that come by email, phone or post (P000-12, P003-25): staff enter them, the person proves
// it is theirs through a link mailed to the address the shop holds, staff carry them out, and the
// legal deadline is watched: reminders before, an alert to the privacy officer after.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { staffClient, type FormClient } from '../src/accounts/testing.ts';
import { enqueue } from '../src/platform/jobs/index.ts';
import { waitFor } from '../src/platform/jobs/testing/support.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { DEADLINES_JOB } from '../src/rights/index.ts';
import { ada, customerWithHistory, everything, linkFromMail, rightsBed, signUp, valuesOf, waitForRequest, type RightsBed } from './rights-support.ts';
import { newClient } from '../src/commerce/cart/testing.ts';
import { consentRows, subjectStatus } from '../src/privacy/testing.ts';

const support = { name: 'Sam Support', email: 'sam.support@shop.example', role: 'support', password: 'tidal-basin-47-copper-lamp' };
const dpo = { name: 'Dana Officer', email: 'dana.officer@shop.example', role: 'dpo', password: 'quiet-meadow-82-ember-gate' };

const numberIn = (location: string) => /R-\d{6}/.exec(location)![0];

async function enter(_bed: RightsBed, staff: FormClient, form: Record<string, string>) {
  await staff.get('/staff/requests/new');
  return staff.post('/staff/requests/new', form);
}

testEachDatabase(
  '[P000-12] a deletion asked by email: support enters it, the person confirms from the link mailed to the address on file, the privacy officer carries it out, and nothing of them is left',
  async (database, t) => {
    const bed = await rightsBed(database);
    t.after(() => bed.stopAll());
    const db = database.db;
    const mine = await customerWithHistory(bed, ada);
    const desk = await staffClient(bed.app, db, support);
    const officer = await staffClient(bed.app, db, dpo, '127.0.0.2');

    // A wrong kind (the schema's) and an address that is not one (the desk's own check) are named together.
    const twoWrong = await enter(bed, desk, { kind: 'teleport', email: 'no-at-sign', channel: 'email', note: '' });
    assert.equal(twoWrong.statusCode, 400);
    assert.match(twoWrong.body, /id="f-kind-error"/);
    assert.match(twoWrong.body, /id="f-email-error">must be the email address/);

    // An address the shop knows nothing about: recorded, answered "nothing held", nobody mailed.
    const unknown = await enter(bed, desk, { kind: 'deletion', email: 'nobody.here@example.com', channel: 'email', note: '' });
    assert.equal(unknown.statusCode, 200, unknown.body.slice(0, 300));
    assert.match(unknown.body, /We hold no data under that address/);

    const entered = await enter(bed, desk, { kind: 'deletion', email: ada.email.toUpperCase(), channel: 'email', note: 'Asked in a mail of 3 December, subject "please delete me".' });
    assert.equal(entered.statusCode, 303, entered.body.slice(0, 300));
    const number = numberIn(entered.headers.location as string);
    const page = await desk.get(entered.headers.location as string);
    assert.match(page.body, /waiting for the person to confirm/);
    assert.match(page.body, /Recorded\. The person is mailed a link/, 'the flash notice shows once after the redirect');
    assert.doesNotMatch((await desk.get(entered.headers.location as string)).body, /Recorded\. The person is mailed a link/);
    assert.match(page.body, /please delete me/, 'the note reads back through the kernel');
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from rights_requests where number = ${number} and subject_id = ${mine.subject}::uuid`.execute(db)).rows[0]!.n, 1);
    const { rows: plain } = await sql`select * from rights_requests, rights_request_events`.execute(db);
    assert.ok(!JSON.stringify(plain).includes('please delete me') && !JSON.stringify(plain).toLowerCase().includes(ada.email), 'no note or address in the rights tables');

    // Carrying it out before the person confirmed is refused.
    await officer.get(`/staff/requests/${number}`);
    assert.equal((await officer.post(`/staff/requests/${number}/carry-out`, {})).statusCode, 409);

    // The person follows the link mailed to the address on file.
    const link = await linkFromMail(bed, ada.email, '/privacy/requests/confirm');
    const visitor = newClient(bed.app);
    const confirm = await visitor.get(link);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, new RegExp(number));
    const yes = await visitor.post('/privacy/requests/confirm', { token: new URL(link, 'http://x').searchParams.get('token')! });
    assert.equal(yes.statusCode, 200, yes.body.slice(0, 300));
    assert.equal((await visitor.post('/privacy/requests/confirm', { token: new URL(link, 'http://x').searchParams.get('token')! })).statusCode, 400, 'the link works once');

    const opened = await officer.get(`/staff/requests/${number}`);
    assert.match(opened.body, /Delete the account and all data now/);
    // Erasing cannot be undone: the first post only asks, and nothing is carried out yet.
    const asked = await officer.post(`/staff/requests/${number}/carry-out`, {});
    assert.equal(asked.statusCode, 200);
    assert.match(asked.body, /cannot be brought back/);
    assert.match(asked.body, /name="confirm" value="1"/);
    assert.match((await officer.get(`/staff/requests/${number}`)).body, /Delete the account and all data now/, 'still to do after the question');
    const carried = await officer.post(`/staff/requests/${number}/carry-out`, { confirm: '1' });
    assert.equal(carried.statusCode, 200, carried.body.slice(0, 300));
    assert.match(carried.body, /deletion is under way/);
    await waitForRequest(db, 'completed', number);
    assert.ok(
      bed.sink!.received.some((m) => m.to.some((to) => to.includes(ada.email)) && m.text.includes(number) && /is deleted/.test(m.subject)),
      'the receipt names the request',
    );
    const closed = await officer.get(`/staff/requests/${number}`);
    assert.match(closed.body, /Closed/);
    assert.doesNotMatch(closed.body, /please delete me/, 'the note went with the person');
    assert.equal(await subjectStatus(db, mine.subject), 'erased');
    // Nothing of the person is left where the shop or its processor keeps data, nor the note about them.
    for (const [where, text] of await everything(bed, database)) {
      for (const value of [...valuesOf(ada), 'please delete me']) assert.ok(!text.includes(value), `${value} is still in ${where}`);
    }

    // A customer's session cannot open the desk; support and the privacy officer can.
    const customer = newClient(bed.app);
    await signUp(bed, customer, { ...ada, email: 'carla.customer@example.com', name: 'Carla Customer' });
    assert.equal((await customer.get('/staff/requests')).statusCode, 303);
  },
);

testEachDatabase('the legal deadline of a request: staff are reminded before it, the privacy officer is alerted when it passes and handles the overdue request', async (database, t) => {
  const bed = await rightsBed(database);
  t.after(() => bed.stopAll());
  const db = database.db;
  const client = newClient(bed.app);
  await signUp(bed, client, ada);
  const desk = await staffClient(bed.app, db, support);
  const officer = await staffClient(bed.app, db, dpo, '127.0.0.2');

  const entered = await enter(bed, desk, { kind: 'opt-out', email: ada.email, channel: 'phone', note: '' });
  const number = numberIn(entered.headers.location as string);
  // Received 25 days ago (of 30): due within a week, so the reminder goes; another one 31 days ago is overdue.
  await sql`update rights_requests set received_at = now() - interval '25 days', due_at = now() + interval '5 days' where number = ${number}`.execute(db);
  const late = await enter(bed, desk, { kind: 'access', email: ada.email, channel: 'post', note: '' });
  const lateNumber = numberIn(late.headers.location as string);
  await sql`update rights_requests set received_at = now() - interval '31 days', due_at = now() - interval '1 day' where number = ${lateNumber}`.execute(db);

  await enqueue(db, DEADLINES_JOB, {});
  await bed.sink!.waitForMail((m) => m.to.some((to) => to.includes(support.email)) && m.subject.includes(number), 20_000);
  const alert = await bed.sink!.waitForMail((m) => m.to.some((to) => to.includes(dpo.email)) && m.subject.startsWith(`OVERDUE: request ${lateNumber}`), 20_000);
  assert.ok(alert.text.includes(`/staff/requests/${lateNumber}`));
  assert.ok(!bed.sink!.received.some((m) => m.to.some((to) => to.includes(support.email)) && m.subject.startsWith('OVERDUE')), 'only the privacy officer gets the overdue alert');
  // Run again: nobody is mailed twice.
  const before = bed.sink!.received.length;
  await enqueue(db, DEADLINES_JOB, {});
  await waitFor('the second run', async () => (await sql<{ n: number }>`select count(*)::int as n from jobs where name = ${DEADLINES_JOB} and state = 'done'`.execute(db)).rows[0]!.n >= 2, 20_000);
  assert.equal(bed.sink!.received.length, before);

  const list = await officer.get('/staff/requests');
  assert.match(list.body, /1 overdue/);
  assert.match(list.body, new RegExp(`${lateNumber}.*overdue`, 's'));

  // The officer verifies the caller (a call back to the number on file) and carries the overdue one out.
  await officer.get(`/staff/requests/${lateNumber}`);
  assert.equal((await officer.post(`/staff/requests/${lateNumber}/evidence`, { evidence: 'call-back' })).statusCode, 200);
  const sent = await officer.post(`/staff/requests/${lateNumber}/carry-out`, {});
  assert.match(sent.body, /mailed a link to everything held/);
  const copy = await linkFromMail(bed, ada.email, '/privacy/your-data');
  const reader = newClient(bed.app);
  await reader.get(copy);
  const download = await reader.post('/privacy/your-data', { token: new URL(copy, 'http://x').searchParams.get('token')!, format: 'json' });
  assert.equal(download.statusCode, 200);
  assert.equal((JSON.parse(download.body) as { format: string }).format, 'custodian-export/1');
  assert.ok(download.body.includes(ada.email));

  // The opt-out by phone: verified by evidence, every optional use withdrawn with the channel recorded.
  await desk.get(`/staff/requests/${number}`);
  assert.equal((await desk.post(`/staff/requests/${number}/evidence`, { evidence: 'call-back' })).statusCode, 200);
  assert.equal((await desk.post(`/staff/requests/${number}/carry-out`, {})).statusCode, 200);
  const rows = await consentRows(db, { action: 'withdraw' });
  assert.ok(rows.length >= 3 && rows.every((r) => r.channel === 'phone'), JSON.stringify(rows));
  assert.match((await officer.get('/staff/requests')).body, /None is overdue/);
});

testEachDatabase('the requests desk pages the open requests in SQL by deadline: page 2 shows the rows after the first 50; the counts cover every page', async (database, t) => {
  const bed = await rightsBed(database);
  t.after(() => bed.stopAll());
  const db = database.db;
  // 54 open requests, 3 of them overdue, and a closed one that is not in the open list.
  for (let n = 1; n <= 54; n++) {
    const due = n <= 3 ? `-${n} days` : `${n} days`;
    await sql`insert into rights_requests (id, number, kind, source, channel, status, received_at, due_at)
      values (gen_random_uuid(), ${`R-9${String(n).padStart(5, '0')}`}, 'access', 'staff', 'email', 'open', now() - interval '35 days', now() + ${due}::interval)`.execute(db);
  }
  await sql`insert into rights_requests (id, number, kind, source, channel, status, received_at, due_at, closed_at, outcome)
    values (gen_random_uuid(), 'R-999999', 'access', 'staff', 'email', 'completed', now() - interval '9 days', now() - interval '1 day', now(), 'done')`.execute(db);
  const expected = (await sql<{ number: string }>`select number from rights_requests where closed_at is null order by due_at, number`.execute(db)).rows.map((r) => r.number);
  const officer = await staffClient(bed.app, db, dpo);
  const shown = (body: string) => [...body.slice(0, body.indexOf('<h2>Recently closed</h2>')).matchAll(/href="\/staff\/requests\/(R-[0-9]+)"/g)].map((m) => m[1]);
  const first = await officer.get('/staff/requests');
  assert.equal(first.statusCode, 200);
  assert.match(first.body, /Open \(54\)/);
  assert.match(first.body, /3 overdue/);
  assert.deepEqual(shown(first.body), expected.slice(0, 50));
  const second = await officer.get('/staff/requests?page=2');
  assert.deepEqual(shown(second.body), expected.slice(50));
  assert.deepEqual(shown(second.body), ['R-900051', 'R-900052', 'R-900053', 'R-900054']);
  assert.ok(second.body.includes('href="/staff/requests/R-999999"'), 'the closed one is under Recently closed');
});
