// The bounce webhook (decision 0054) on the whole app: a provider posts a bounce for a sent
// campaign mail; the outbox row says `bounced` with the code, and after three hard bounces the
// person's address gets no more marketing mail (suppressed `undeliverable`).
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { queueMail } from '../src/comms/index.ts';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { modules } from '../src/modules.ts';
import { collectJobs } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { personalData } from '../src/platform/testing/personal-data.ts';
import { selfActor } from '../src/privacy/index.ts';
import { testActor } from '../src/privacy/testing.ts';

const SECRET = 'bounce-secret-0123456789abcdef0123456789';

testEachDatabase('bounces posted to /mail/bounces are recorded on the message; three hard bounces stop marketing to the address', async (database, t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.stop());
  const { app, config } = await buildTestApp(database, { SMTP_URL: sink.url, MAIL_FROM: 'Shop <news@shop.test>', MAIL_BOUNCE_SECRET: SECRET });
  t.after(() => app.close());
  const db = app.db;
  const kernel = app.privacy;
  const actor = testActor('test.signup');
  const subject = await kernel.createSubject(db, { kind: 'customer', actor, purpose: 'account' });
  await kernel.write(db, { subject, actor, purpose: 'account', values: { 'user.name': personalData.name, 'user.contact.email': personalData.email } });
  await kernel.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'web', actor: selfActor(subject), evidence: 'test' });
  const campaignMail = app.wiring.mailTemplates.get('mailing.campaign')!;
  const news = (n: number) =>
    queueMail(db, { subject, purpose: 'newsletters', template: campaignMail, kind: 'marketing', params: { subjectLine: `News ${n}`, body: 'New routers.' }, idempotencyKey: `test.bounce:${n}` });
  const status = async (id: string) =>
    (await sql<{ status: string; bounce_code: string | null; suppressed_reason: string | null }>`select status, bounce_code, suppressed_reason from comms_outbox where id = ${id}::uuid`.execute(db))
      .rows[0]!;

  const ids = [await news(1), await news(2), await news(3)];
  const worker = testWorker(database, collectJobs(modules).handlers, { services: { config, privacy: kernel, wiring: app.wiring } });
  await worker.start();
  t.after(() => worker.stop(5000));
  await waitFor('three sent', async () => (await Promise.all(ids.map(status))).every((r) => r.status === 'sent'));
  const messageIds = ids.map((id) => sink.received.find((m) => m.header('message-id')?.includes(id))!.header('message-id')!);

  const post = (payload: unknown, secret: string | null = SECRET) =>
    app.inject({ method: 'POST', url: '/mail/bounces', headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) }, payload: JSON.stringify(payload) });
  assert.equal((await post({ messageId: messageIds[0], code: '5.1.1' }, null)).statusCode, 401);
  assert.equal((await post({ messageId: messageIds[0], code: '5.1.1' }, `${SECRET}x`)).statusCode, 401);
  const bad = await post({ messageId: messageIds[0], code: 'mailbox full' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /body\.code/);
  assert.deepEqual((await post({ messageId: '<someone-else@other.example>', code: '5.1.1' })).json(), { outcome: 'unknown-message', undeliverable: false });
  assert.equal((await status(ids[0]!)).status, 'sent', 'nothing recorded by refused posts');

  assert.deepEqual((await post({ messageId: messageIds[0], code: '5.1.1' })).json(), { outcome: 'recorded', undeliverable: false });
  assert.deepEqual((await post({ messageId: messageIds[0], code: '5.1.1' })).json(), { outcome: 'already-recorded', undeliverable: false });
  assert.deepEqual(await status(ids[0]!), { status: 'bounced', bounce_code: '5.1.1', suppressed_reason: null });
  assert.deepEqual((await post({ messageId: messageIds[1], code: '4.2.2' })).json(), { outcome: 'recorded', undeliverable: false }, 'a soft bounce is recorded, not counted');
  assert.deepEqual((await post({ messageId: messageIds[2], code: '5.1.1' })).json(), { outcome: 'recorded', undeliverable: false });

  const fourth = await news(4);
  await waitFor('the fourth sent', async () => (await status(fourth)).status === 'sent');
  assert.deepEqual((await post({ messageId: `<${fourth}@shop.test>`, code: '5.1.2' })).json(), { outcome: 'recorded', undeliverable: true });
  const fifth = await news(5);
  await waitFor('the fifth suppressed', async () => (await status(fifth)).status === 'suppressed');
  assert.equal((await status(fifth)).suppressed_reason, 'undeliverable');
  assert.equal(sink.received.filter((m) => m.subject === 'News 5').length, 0);
});
