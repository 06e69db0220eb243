import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { waitFor } from '../platform/jobs/testing/support.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { findPersonalData, personalData } from '../platform/testing/personal-data.ts';
import { testActor } from '../privacy/testing.ts';
import { type MailTemplate, queueMail, SEND_JOB, type MailRequest } from './outbox.ts';
import { mailFixture, WELCOME } from './testing/mail-fixture.ts';
import { parseMail } from './testing/parse-mail.ts';
import { startSmtpSink, type SmtpSink } from './testing/smtp-sink.ts';
import { spoolDir } from './transport.ts';

const link = 'https://shop.example/confirm/9f2c6a0e4b';
const welcome = (subject: string, extra: Partial<MailRequest> = {}): MailRequest => ({ subject, purpose: 'account', template: WELCOME, params: { link }, ...extra });

async function withSink(t: { after(fn: () => Promise<void>): void }): Promise<SmtpSink> {
  const sink = await startSmtpSink();
  t.after(() => sink.stop());
  return sink;
}

async function sendJobs(db: Parameters<typeof queueMail>[0]) {
  return (await sql<{ state: string; attempts: number }>`select state, attempts from jobs where name = ${SEND_JOB} order by id`.execute(db)).rows;
}

testEachDatabase('a queued mail is delivered over SMTP to the address and name read through the kernel; the outbox, jobs and logs hold neither', async (database, t) => {
  const sink = await withSink(t);
  const f = await mailFixture(database, { SMTP_URL: sink.url, MAIL_FROM: 'Test Shop <orders@shop.example>' });
  t.after(() => f.stop());
  const subject = await f.customer();
  const id = await database.db.transaction().execute((trx) => queueMail(trx, welcome(subject)));
  await f.startWorker();

  const mail = await sink.waitForMail();
  assert.deepEqual(mail.to, [personalData.email]);
  assert.equal(mail.from, 'orders@shop.example');
  assert.equal(mail.header('to'), `${personalData.name} <${personalData.email}>`);
  assert.equal(mail.subject, 'Welcome to Test Shop');
  assert.match(mail.text, new RegExp(`^Hello ${personalData.name},`));
  assert.ok(mail.text.includes(link));
  assert.ok(mail.html?.includes(`<p>Hello ${personalData.name},</p>`));
  assert.equal(mail.header('message-id'), `<${id}@shop.example>`);
  assert.equal(mail.header('auto-submitted'), 'auto-generated');

  const row = await f.waitForStatus(id, 'sent');
  assert.equal(row.attempts, 1);
  assert.equal(row.transport_message_id, `<${id}@shop.example>`);
  assert.ok(row.sent_at);
  assert.deepEqual(row.params, {}, 'parameters (links with tokens) are dropped once the mail is sent');
  await waitFor('the send job to finish', async () => (await sendJobs(database.db))[0]?.state === 'done');

  const { rows } = await sql<{ text: string }>`
    select coalesce((select string_agg(row_to_json(o)::text, ' ') from comms_outbox o), '') ||
           coalesce((select string_agg(row_to_json(j)::text, ' ') from jobs j), '') as text`.execute(database.db);
  assert.deepEqual(findPersonalData(rows[0]!.text), [], 'no address or name in comms_outbox or jobs');
  assert.deepEqual(findPersonalData(f.logs.join('')), [], 'no address or name in the logs');
  assert.ok(
    f.logs.some((l) => l.includes('"status":"sent"')),
    'the send is logged',
  );
});

testEachDatabase('without SMTP_URL the mail is written as DATA_DIR/mail/<message id>.eml, readable only by the shop', async (database, t) => {
  const f = await mailFixture(database);
  t.after(() => f.stop());
  const subject = await f.customer();
  const id = await queueMail(database.db, welcome(subject));
  await f.startWorker();
  await f.waitForStatus(id, 'sent');

  const file = join(spoolDir(f.config), `${id}.eml`);
  const mail = parseMail(readFileSync(file, 'utf8'));
  assert.equal(mail.header('to'), `${personalData.name} <${personalData.email}>`);
  assert.equal(mail.header('from'), 'Custodian Demo Shop <shop@localhost>');
  assert.equal(mail.subject, 'Welcome to Test Shop');
  assert.ok(mail.text.includes(link));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(spoolDir(f.config)).mode & 0o777, 0o700);
});

testEachDatabase('a message whose template no module of the worker declares fails, naming the template', async (database, t) => {
  const f = await mailFixture(database);
  t.after(() => f.stop());
  const subject = await f.customer();
  const id = await queueMail(database.db, welcome(subject, { template: { ...WELCOME, name: 'test.undeclared' } }));
  await f.startWorker();
  assert.match((await f.waitForStatus(id, 'failed')).last_error ?? '', /UNKNOWN_TEMPLATE: .*test\.undeclared/);
});

testEachDatabase("an erased subject's mail is suppressed at send time (reason erased) and never sent", async (database, t) => {
  const sink = await withSink(t);
  const f = await mailFixture(database, { SMTP_URL: sink.url });
  t.after(() => f.stop());
  const subject = await f.customer();
  const id = await queueMail(database.db, welcome(subject));
  await f.kernel.erase(database.db, { subject, actor: testActor('test.erase') });
  await f.startWorker();

  const row = await f.waitForStatus(id, 'suppressed');
  assert.equal(row.suppressed_reason, 'erased');
  assert.equal(row.sent_at, null);
  await waitFor('the send job to finish', async () => (await sendJobs(database.db))[0]?.state === 'done');
  assert.deepEqual(await sendJobs(database.db), [{ state: 'done', attempts: 1 }], 'a refusal is not retried');
  assert.equal(sink.received.length, 0);
});

testEachDatabase("a kernel refusal suppresses the mail with the kernel's reason; transactional mail under a marketing purpose is suppressed too", async (database, t) => {
  const sink = await withSink(t);
  const f = await mailFixture(database, { SMTP_URL: sink.url });
  t.after(() => f.stop());
  const subject = await f.customer();
  // `monitoring` covers service contacts only: the kernel refuses it for a customer.
  const notForCustomers = await queueMail(database.db, welcome(subject, { purpose: 'monitoring' }));
  // `offers` contacts people on the shop's initiative: such mail must carry an unsubscribe link.
  const marketing = await queueMail(database.db, welcome(subject, { purpose: 'offers' }));
  const unknownPurpose = await queueMail(database.db, welcome(subject, { purpose: 'no-such-purpose' }));
  await f.startWorker();

  assert.equal((await f.waitForStatus(notForCustomers, 'suppressed')).suppressed_reason, 'purpose-not-for-subject-kind');
  assert.equal((await f.waitForStatus(marketing, 'suppressed')).suppressed_reason, 'kind-not-for-purpose');
  assert.equal((await f.waitForStatus(unknownPurpose, 'suppressed')).suppressed_reason, 'unknown-purpose');
  assert.equal(sink.received.length, 0);
});

testEachDatabase('a restricted subject still gets mail under a contract purpose, as the kernel allows (decision 0012, rule 6)', async (database, t) => {
  const sink = await withSink(t);
  const f = await mailFixture(database, { SMTP_URL: sink.url });
  t.after(() => f.stop());
  const subject = await f.customer();
  await f.kernel.restrict(database.db, { subject, actor: testActor('test.restrict') });
  const id = await queueMail(database.db, welcome(subject));
  await f.startWorker();
  await f.waitForStatus(id, 'sent');
  assert.deepEqual((await sink.waitForMail()).to, [personalData.email]);
});

testEachDatabase('a 4xx from the SMTP server is retried by the job queue, then delivered once', async (database, t) => {
  const sink = await withSink(t);
  sink.rejectNext(1, 451);
  const f = await mailFixture(database, { SMTP_URL: sink.url });
  t.after(() => f.stop());
  const subject = await f.customer();
  const id = await queueMail(database.db, welcome(subject));
  await f.startWorker();

  const mail = await sink.waitForMail();
  assert.deepEqual(mail.to, [personalData.email]);
  assert.deepEqual(sink.refused, [personalData.email], 'the first try was refused with 451');
  const row = await f.waitForStatus(id, 'sent');
  assert.equal(row.attempts, 2);
  await waitFor('the send job to finish', async () => (await sendJobs(database.db))[0]?.state === 'done');
  assert.deepEqual(await sendJobs(database.db), [{ state: 'done', attempts: 2 }]);
  assert.equal(sink.received.length, 1);
});

testEachDatabase('a 5xx answer fails the message for good: no retry, and the stored error names no address', async (database, t) => {
  const sink = await withSink(t);
  sink.rejectNext(1, 550);
  const f = await mailFixture(database, { SMTP_URL: sink.url });
  t.after(() => f.stop());
  const subject = await f.customer();
  const id = await queueMail(database.db, welcome(subject));
  await f.startWorker();

  const row = await f.waitForStatus(id, 'failed');
  assert.equal(row.attempts, 1);
  assert.match(row.last_error ?? '', /550/);
  assert.deepEqual(findPersonalData(row.json), []);
  await waitFor('the send job to finish', async () => (await sendJobs(database.db))[0]?.state === 'done');
  assert.deepEqual(await sendJobs(database.db), [{ state: 'done', attempts: 1 }]);
  assert.equal(sink.received.length, 0);
});

testEachDatabase('the same idempotency key sends one mail', async (database, t) => {
  const sink = await withSink(t);
  const f = await mailFixture(database, { SMTP_URL: sink.url });
  t.after(() => f.stop());
  const subject = await f.customer();
  const first = await database.db.transaction().execute((trx) => queueMail(trx, welcome(subject, { idempotencyKey: 'test.welcome:once' })));
  const second = await database.db.transaction().execute((trx) => queueMail(trx, welcome(subject, { idempotencyKey: 'test.welcome:once' })));
  assert.equal(second, first);
  await f.startWorker();
  await f.waitForStatus(first, 'sent');
  await waitFor('every send job to finish', async () => (await sendJobs(database.db)).every((j) => j.state === 'done'));
  assert.equal(sink.received.length, 1);
});

testEachDatabase('an email-change confirmation goes to the address stored under its addressRef', async (database, t) => {
  const sink = await withSink(t);
  const f = await mailFixture(database, { SMTP_URL: sink.url });
  t.after(() => f.stop());
  const subject = await f.customer();
  const pending = 'new.address.for.test@example.org';
  await f.kernel.write(database.db, { subject, actor: testActor('test.email-change'), purpose: 'account', values: { 'user.contact.email': pending }, ref: 'pending-email' });
  const id = await queueMail(database.db, welcome(subject, { addressRef: 'pending-email' }));
  const missing = await queueMail(database.db, welcome(subject, { addressRef: 'no-such-ref' }));
  await f.startWorker();

  await f.waitForStatus(id, 'sent');
  assert.deepEqual((await sink.waitForMail()).to, [pending]);
  assert.equal((await f.waitForStatus(missing, 'suppressed')).suppressed_reason, 'no-address');
  assert.equal(sink.received.length, 1);
});

const secretLink: MailTemplate = {
  name: 'test.secret-link',
  params: ['link', 'number'],
  secretParams: ['link'],
  render: ({ params }) => ({ subject: `Request ${String(params.number)}`, text: `Open ${String(params.link)}\n` }),
};

testEachDatabase("a template's secret parameter is sealed by the kernel in the outbox, opened only to render the mail; erasure makes it unopenable", async (database, t) => {
  const sink = await withSink(t);
  const f = await mailFixture(database, { SMTP_URL: sink.url }, [secretLink]);
  t.after(() => f.stop());
  const subject = await f.customer();
  const secret = 'https://shop.example/reset?token=Zq3sealedTokenValue0123456789abcdefghijklmno';
  const request: MailRequest = { subject, purpose: 'account', template: secretLink, params: { link: secret, number: 'R-7' } };
  await assert.rejects(queueMail(database.db, request), /pass the kernel to seal them/, 'a secret needs the kernel');
  const id = await queueMail(database.db, request, { kernel: f.kernel });
  const queued = (await sql<{ text: string; sealed: Buffer }>`select row_to_json(o)::text as text, sealed_params as sealed from comms_outbox o where id = ${id}::uuid`.execute(database.db)).rows[0]!;
  assert.ok(!queued.text.includes('Zq3sealedToken'), 'no column holds the secret');
  assert.match(queued.text, /R-7/, 'other parameters stay readable');
  assert.ok(Buffer.from(queued.sealed).length > 0);

  await f.startWorker();
  const mail = await sink.waitForMail();
  assert.ok(mail.text.includes(secret), 'the mail carries the link');
  const row = await f.waitForStatus(id, 'sent');
  assert.deepEqual(row.params, {});
  const { rows } = await sql<{ sealed: Buffer | null }>`select sealed_params as sealed from comms_outbox where id = ${id}::uuid`.execute(database.db);
  assert.equal(rows[0]!.sealed, null, 'the sealed copy goes once the mail is final');

  // A mail queued for a person erased before it is sent is suppressed: the sealed link is shredded with them.
  const later = await queueMail(database.db, request, { kernel: f.kernel });
  await f.kernel.erase(database.db, { subject, actor: testActor('test') });
  const suppressed = await f.waitForStatus(later, 'suppressed');
  assert.equal(suppressed.suppressed_reason, 'erased');
});
