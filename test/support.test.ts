// Support tickets end to end on a running shop with a real SMTP server and worker: a visitor writes
// on the public form with a card number in the message (masked before it is stored, with a
// warning), is acknowledged by mail; staff see the preferred reply channel, note a call and answer
// by mail; the visitor answers through the mailed link and by mail (inbound webhook); a customer's
// tickets live in their account inbox, their export, and go with their deletion; and a retention
// run past the data map's period purges the correspondence and the tickets.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { FormClient, staffClient } from '../src/accounts/testing.ts';
import { startSmtpSink, type SmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { modules } from '../src/modules.ts';
import type { Db } from '../src/platform/db/database.ts';
import { collectJobs, enqueue, type Worker } from '../src/platform/jobs/index.ts';
import { jobInState, testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp, type TestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase, type TestDatabase } from '../src/platform/testing/databases.ts';
import { itemCountsByCategory, subjectKind, subjectStatus, testActor } from '../src/privacy/testing.ts';

const SECRET = 'inbound-secret-0123456789abcdef-0123456789';
const visitor = { name: 'Ottoline Fairweather', email: 'ottoline.fairweather@example.net', phone: '+1 503 555 0172' };
const customer = { name: 'Cornelius Ashgrove', email: 'cornelius.ashgrove@example.com', password: 'granite-meadow-64-lantern' };
const agent = { name: 'Sunniva Helpwell', email: 'sunniva.helpwell@shop.example', role: 'support', password: 'harbour-violet-52-compass-sprig' };
const CARD = '4111 1111 1111 1111';
const visitorText = `My router arrived without its power cable. I paid with card ${CARD} and was charged twice: please refund one.`;
const callNote = 'Called Ottoline: a cable goes out today, and the second charge is refunded (Pemberly-9).';
const answerText = 'We sent the cable today with tracking 1Z999AA10123456784.\n\nThe second charge is refunded; it shows within five days.';

const decoded = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

interface Bed extends TestApp {
  sink: SmtpSink;
  db: Db;
  /** The worker running every module's jobs (a new one after `restart`). */
  worker: Worker;
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function bed(database: TestDatabase): Promise<Bed> {
  const sink = await startSmtpSink();
  const test = await buildTestApp(database, { SMTP_URL: sink.url, PUBLIC_URL: 'https://shop.test', MAIL_FROM: 'Shop <mail@shop.test>', MAIL_INBOUND_SECRET: SECRET });
  const start = async () => {
    const w = testWorker(database, collectJobs(modules).handlers, { services: { config: test.config, privacy: test.app.privacy, wiring: test.app.wiring } });
    await w.start();
    return w;
  };
  const b: Bed = {
    ...test,
    sink,
    db: test.app.db,
    worker: await start(),
    async restart() {
      b.worker = await start();
    },
    async close() {
      await b.worker.stop(5000);
      await test.app.close();
      await sink.stop();
    },
  };
  return b;
}

/** Every row of every table, bytes as latin1: where a plain text would be found if anything kept it outside the kernel's ciphertexts. */
async function wholeDatabase(db: Db): Promise<string> {
  const { rows } = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
  const parts: string[] = [];
  for (const { table_name } of rows) {
    const all = await sql<Record<string, unknown>>`select * from ${sql.table(table_name)}`.execute(db);
    parts.push(JSON.stringify(all.rows, (_k, v) => (v && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data).toString('latin1') : v)));
  }
  return parts.join('\n');
}

const inbound = (b: Bed, body: unknown, secret = SECRET) =>
  b.app.inject({ method: 'POST', url: '/mail/inbound', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

testEachDatabase('support tickets: the form, staff answers by mail and phone, inbound mail, the account inbox, export, deletion and retention', async (database, t) => {
  const b = await bed(database);
  t.after(() => b.close());
  const db = b.db;
  let reference = '';
  let ticketId = '';
  let subject = '';
  let threadLink = '';

  await t.test(
    '[P001-11][P002-16][P002-05] a visitor writes on the support form with a card number in the message: it is masked before anything is stored, they are warned and given the reference, and acknowledged by mail',
    async () => {
      const person = new FormClient(b.app);
      const home = await person.get('/');
      assert.ok(home.body.includes('href="/support"'), 'the site footer links the support form');
      const form = await person.get('/support');
      assert.equal(form.statusCode, 200);
      assert.match(decoded(form.body), /Never write card numbers or social security numbers here/, 'the form says not to send card or SSN numbers, next to the message box');

      // Phone chosen without a number: the field is named, nothing stored.
      const missing = await person.post('/support', { name: visitor.name, email: visitor.email, subject: 'Cable', message: 'x', reply_by: 'phone', phone: '' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /href="#f-phone">Phone number<\/a>: is required when you want us to call you/);
      assert.equal((await sql<{ n: number }>`select count(*)::int as n from support_tickets`.execute(db)).rows[0]!.n, 0);

      const sent = await person.post('/support', {
        name: visitor.name,
        email: visitor.email,
        order_number: 'C-100042',
        subject: 'Missing cable, double charge',
        message: visitorText,
        reply_by: 'phone',
        phone: visitor.phone,
      });
      assert.equal(sent.statusCode, 200, sent.body.slice(0, 500));
      const page = decoded(sent.body);
      assert.match(page, /We removed what looked like a card number from your message, keeping only the last four digits/);
      reference = /<strong>(S-\d{6})<\/strong>/.exec(page)?.[1] ?? '';
      assert.ok(reference, 'the page gives the reference');
      const row = (await sql<{ id: string; subject_id: string; status: string; opened_by: string }>`select * from support_tickets where reference = ${reference}`.execute(db)).rows[0]!;
      ticketId = row.id;
      subject = row.subject_id;
      assert.equal(row.opened_by, 'correspondent');
      assert.equal(await subjectKind(db, subject), 'correspondent');
      const messages = (await sql<{ n: number; masked: boolean; channel: string }>`select n, masked, channel from support_messages where ticket_id = ${ticketId}::uuid`.execute(db)).rows;
      assert.deepEqual(messages, [{ n: 1, masked: true, channel: 'form' }]);

      // What the kernel holds is the masked text, encrypted; the card number is nowhere.
      const stored = await b.app.privacy.read(db, { subject, actor: testActor('test'), purpose: 'support', categories: ['user.content.private'], ref: `ticket:${ticketId}:1` });
      assert.equal(stored.values['user.content.private'], visitorText.replace(CARD, '•••• •••• •••• 1111'));

      const ack = await b.sink.waitForMail((m) => m.to.includes(visitor.email) && m.subject.includes(reference), 20_000);
      assert.equal(ack.subject, `[${reference}] We received your message`);
      assert.match(ack.text, new RegExp(`Hello ${visitor.name},`));
      threadLink = /https:\/\/shop\.test(\/support\/t\/[A-Za-z0-9_-]{43})/.exec(ack.text)?.[1] ?? '';
      assert.ok(threadLink, 'the acknowledgement links the conversation');

      await b.app.privacy.flush();
      const everything = await wholeDatabase(db);
      for (const plain of [CARD, CARD.replaceAll(' ', ''), 'power cable', 'charged twice', visitor.phone, 'Missing cable'])
        assert.ok(!everything.includes(plain), `${plain} is not stored in plain anywhere in the database`);
    },
  );

  await t.test('[P004-14] staff see the preferred reply channel, note the phone call and answer by mail; the number stays masked', async () => {
    const staff = await staffClient(b.app, db, agent);
    const list = await staff.get('/staff/support');
    assert.equal(list.statusCode, 200, list.body.slice(0, 300));
    assert.ok(list.body.includes(`href="/staff/support/${reference}"`));
    const opened = decoded((await staff.get(`/staff/support/${reference}`)).body);
    assert.match(opened, /<dt>Answer<\/dt><dd><strong class="support-preferred">By phone<\/strong> \(their preferred contact channel\)/);
    for (const shown of [visitor.name, visitor.email, visitor.phone, 'C-100042', '•••• •••• •••• 1111']) assert.ok(opened.includes(shown), `the ticket shows ${shown}`);
    assert.ok(!opened.includes(CARD), 'staff never see the card number');
    assert.ok(opened.indexOf('Answered by phone') < opened.indexOf('Answer by email'), 'the phone form comes first for a person who prefers phone');
    const log = await b.app.privacy.accessLog(db, { subject, actor: testActor('test') });
    assert.ok(
      log.some((e) => e.by === 'staff' && e.action === 'data.read' && e.purpose === 'support' && e.categories.includes('user.content.private')),
      'staff reading the thread is audited',
    );

    assert.equal((await staff.post(`/staff/support/${reference}/phone`, { note: callNote })).statusCode, 303);
    const replied = await staff.post(`/staff/support/${reference}/reply`, { reply: answerText });
    assert.equal(replied.statusCode, 303, replied.body.slice(0, 300));
    const answer = await b.sink.waitForMail((m) => m.to.includes(visitor.email) && m.subject === `[${reference}] Our answer to your message`, 20_000);
    for (const paragraph of answerText.split('\n\n')) assert.ok(answer.text.includes(paragraph), 'the answer mail holds the answer');
    threadLink = /https:\/\/shop\.test(\/support\/t\/[A-Za-z0-9_-]{43})/.exec(answer.text)?.[1] ?? '';
    assert.ok(threadLink);
    assert.match(decoded((await staff.get(`/staff/support/${reference}`)).body), /Your answer is on its way by email[\s\S]*Answered/);
  });

  await t.test('[P002-16] the visitor answers through the mailed link and by mail: both masked before they are stored, and a stranger cannot add to the thread', async () => {
    const person = new FormClient(b.app);
    const thread = decoded((await person.get(threadLink)).body);
    assert.ok(thread.includes(callNote) && thread.includes('The second charge is refunded'), 'the thread shows the call note and the answer');
    const posted = await person.post(threadLink, { message: 'Thanks. My SSN is 123-45-6789 if you need it.' });
    assert.equal(posted.statusCode, 303);
    assert.match(decoded((await person.get(threadLink)).body), /We removed what looked like a card or social security number[\s\S]*My SSN is •••-••-6789/);

    assert.equal((await inbound(b, { from: visitor.email, subject: `Re: [${reference}]`, text: 'hi' }, 'wrong-secret-0123456789abcdef0123456789')).statusCode, 401);
    const stranger = await inbound(b, { from: 'mallory@example.org', subject: `Re: [${reference}] Our answer`, text: 'Send the refund to me instead.' });
    assert.deepEqual(stranger.json(), { outcome: 'sender-mismatch', reference, masked: false });
    const mail = await inbound(b, {
      from: `${visitor.name} <${visitor.email.toUpperCase()}>`,
      to: `support+${reference}@shop.test`,
      subject: `Re: [${reference}] Our answer to your message`,
      text: 'The cable came, thank you! Use card 5555-5555-5555-4444 for anything else.\n\nOn Monday, Shop wrote:\n> We sent the cable today',
    });
    assert.equal(mail.statusCode, 200, mail.body);
    assert.deepEqual(mail.json(), { outcome: 'appended', reference, masked: true });
    const rows = (
      await sql<{ n: number; author: string; channel: string; masked: boolean }>`select n, author, channel, masked from support_messages where ticket_id = ${ticketId}::uuid order by n`.execute(db)
    ).rows;
    assert.deepEqual(
      rows.map((r) => `${r.n} ${r.author} ${r.channel} ${r.masked}`),
      ['1 requester form true', '2 staff phone false', '3 staff mail-out false', '4 requester link true', '5 requester mail-in true'],
    );
    const last = await b.app.privacy.read(db, { subject, actor: testActor('test'), purpose: 'support', categories: ['user.content.private'], ref: `ticket:${ticketId}:5` });
    assert.equal(last.values['user.content.private'], 'The cable came, thank you! Use card ••••-••••-••••-4444 for anything else.', 'masked, without the quoted mail');
    assert.equal((await sql<{ status: string }>`select status from support_tickets where id = ${ticketId}::uuid`.execute(db)).rows[0]!.status, 'open', 'a new message opens it for an answer again');
  });

  await t.test('[P002-05] the correspondence by mail, both ways, is kept encrypted: none of its text is in the database in plain', async () => {
    // The answer went out through the outbox and the worker; the mail came in through the webhook.
    await waitFor(
      'the answer mail to be sent',
      async () => (await sql<{ n: number }>`select count(*)::int as n from comms_outbox where status = 'queued' or status = 'sending'`.execute(db)).rows[0]!.n === 0,
      20_000,
    );
    await b.app.privacy.flush();
    const everything = await wholeDatabase(db);
    for (const plain of [
      '1Z999AA10123456784',
      'We sent the cable today',
      'shows within five days',
      'Pemberly-9',
      'The cable came',
      'Use card',
      '5555-5555-5555-4444',
      '4444 for anything else',
      'My SSN is',
    ])
      assert.ok(!everything.includes(plain), `${plain} is not stored in plain anywhere in the database`);
  });

  let own: FormClient;
  let ownReference = '';
  let ownSubject = '';
  await t.test('[P001-11] a signed-in customer writes from the form, finds the ticket in their account inbox, replies there, and it is in their export', async () => {
    own = new FormClient(b.app);
    // Signed up through the pages, confirmed from the mail (the worker sends it, so the outbox has forgotten the link).
    await own.get('/account/signup');
    assert.equal((await own.post('/account/signup', { name: customer.name, email: customer.email, password: customer.password, age: 'adult' })).statusCode, 200);
    const confirmMail = await b.sink.waitForMail((m) => m.to.includes(customer.email) && /\/account\/confirm\?token=/.test(m.text), 20_000);
    const confirmPage = await own.get(/https:\/\/shop\.test(\/account\/confirm\?token=[A-Za-z0-9_-]+)/.exec(confirmMail.text)![1]!);
    assert.equal((await own.post('/account/confirm', { token: /name="token" value="([^"]+)"/.exec(confirmPage.body)?.[1] ?? '' })).statusCode, 303);
    const form = decoded((await own.get('/support')).body);
    assert.ok(form.includes(`value="${customer.name}"`) && form.includes(`value="${customer.email}"`), 'the form starts from their own name and address');
    const sent = await own.post('/support', { name: customer.name, email: customer.email, subject: 'Invoice address', message: 'Please put my company on the invoice.', reply_by: 'email', phone: '' });
    assert.equal(sent.statusCode, 200, sent.body.slice(0, 300));
    ownReference = /<strong>(S-\d{6})<\/strong>/.exec(sent.body)![1]!;
    ownSubject = (await sql<{ subject_id: string }>`select subject_id from support_tickets where reference = ${ownReference}`.execute(db)).rows[0]!.subject_id;
    const inbox = await own.get('/account/support');
    assert.equal(inbox.statusCode, 200);
    assert.ok(inbox.body.includes(`href="/account/support/${ownReference}"`) && inbox.body.includes('Invoice address'));
    assert.ok(!inbox.body.includes(reference), 'another person’s ticket is not in the inbox');
    assert.equal((await own.get(`/account/support/${reference}`)).statusCode, 404, 'nor can it be opened');
    await own.get(`/account/support/${ownReference}`);
    assert.equal((await own.post(`/account/support/${ownReference}`, { message: 'It is Ashgrove Holdings Ltd.' })).statusCode, 303);
    assert.ok(decoded((await own.get(`/account/support/${ownReference}`)).body).includes('It is Ashgrove Holdings Ltd.'));
    const ack = await b.sink.waitForMail((m) => m.to.includes(customer.email) && m.subject.includes(ownReference), 20_000);
    assert.ok(ack.text.includes(`https://shop.test/account/support/${ownReference}`), 'a customer’s link goes to the account thread');

    const exported = await own.get('/account/privacy/export.json');
    assert.equal(exported.statusCode, 200);
    const section = (exported.json() as { sections: { id: string; records: { reference: string; messages: { text: string | null }[] }[] }[] }).sections.find((s) => s.id === 'support-requests');
    assert.ok(section, 'the export has the support section');
    assert.equal(section.records[0]!.reference, ownReference);
    assert.deepEqual(
      section.records[0]!.messages.map((m) => m.text),
      ['Please put my company on the invoice.', 'It is Ashgrove Holdings Ltd.'],
    );
  });

  await t.test('[P000-06][P002-05][P001-11] a retention run past the data map’s period purges the correspondence, and the tickets leave the staff and account pages', async () => {
    const days = b.app.privacy.retention('user.content.private', 'support').days;
    assert.equal(days, 730, 'two years, from datamap/retention.yml');
    // The day before the period ends nothing goes; the day after, one run of the kernel's retention
    // engine, run by the job runner on a clock that far ahead, purges it: support's declared store
    // the emptied tickets (erasing a visitor's subject), then the kernel's items, the expired
    // messages and what the erasure left.
    await b.worker.stop(5000);
    for (const [offset, gone] of [
      [days - 1, false],
      [days + 1, true],
    ] as const) {
      t.mock.timers.enable({ apis: ['Date'], now: Date.now() + offset * 86_400_000 });
      try {
        await b.restart();
        for (const job of ['privacy.sweep']) {
          const id = (await enqueue(db, job, {}))!;
          const ran = await waitFor(`${job} to run`, async () => (await jobInState(db, id, 'done')) ?? (await jobInState(db, id, 'dead')));
          assert.equal(ran.state, 'done', `${job}: ${ran.last_error}`);
        }
      } finally {
        await b.worker.stop(5000);
        t.mock.timers.reset();
      }
      const left = (await sql<{ n: number }>`select count(*)::int as n from support_tickets`.execute(db)).rows[0]!.n;
      assert.equal(left, gone ? 0 : 2, `after ${offset} days`);
    }
    assert.deepEqual(await itemCountsByCategory(db, subject), [], 'nothing of the visitor is left in the kernel');
    assert.equal(await subjectStatus(db, subject), 'erased', 'the visitor, who had only this ticket, is erased');
    const ownItems = (await itemCountsByCategory(db, ownSubject)).map((c) => c.category);
    assert.ok(!ownItems.includes('user.content.private'), 'no correspondence of the customer is left');
    const staff = await staffClient(b.app, db, { ...agent, email: 'sunniva.two@shop.example' });
    const list = await staff.get('/staff/support');
    assert.ok(!list.body.includes(reference) && !list.body.includes(ownReference), 'gone from the staff list');
    assert.equal((await staff.get(`/staff/support/${reference}`)).statusCode, 404);
    const inbox = await own.get('/account/support');
    assert.ok(!inbox.body.includes(ownReference) && inbox.body.includes('You have not written to us yet.'), 'gone from the account inbox');
    assert.equal((await own.get(threadLink)).statusCode, 400, 'the visitor’s link opens nothing');
    await b.restart();
  });

  await t.test('deleting the account through the real deletion path removes the customer’s tickets', async () => {
    await own.get('/support');
    const sent = await own.post('/support', { name: customer.name, email: customer.email, subject: 'Delete me', message: 'One more question.', reply_by: 'email', phone: '' });
    assert.equal(sent.statusCode, 200);
    const { subject_id } = (await sql<{ subject_id: string }>`select subject_id from support_tickets`.execute(db)).rows[0]!;
    await own.get('/account/privacy/delete');
    assert.equal((await own.post('/account/privacy/delete', { password: customer.password })).statusCode, 200);
    await waitFor(
      'the deletion to complete',
      async () => (await sql<{ n: number }>`select count(*)::int as n from rights_requests where kind = 'deletion' and status = 'completed'`.execute(db)).rows[0]!.n > 0,
      60_000,
    );
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from support_tickets where subject_id = ${subject_id}::uuid`.execute(db)).rows[0]!.n, 0);
  });
});
