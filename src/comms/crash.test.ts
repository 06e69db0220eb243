// A worker that dies mid-send neither loses nor duplicates the message (decision 0054). The send
// is cut off at the worst moment: the SMTP server has accepted the mail, and the row does not say
// `sent`. The doomed worker's claims are taken by hand with short leases and its transport never
// returns after the server's 250 (from the database's point of view it is dead: it renews
// nothing and writes nothing). A real worker then recovers the job once the leases run out.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { quietLogger } from '../platform/jobs/testing/support.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { personalData } from '../platform/testing/personal-data.ts';
import { queueMail } from './outbox.ts';
import { SendInProgress, sendQueuedMail } from './send.ts';
import { mailFixture, WELCOME } from './testing/mail-fixture.ts';
import { mailTemplatesOf } from './templates.ts';
import { welcomeModule } from './testing/welcome-template.ts';
import { startSmtpSink } from './testing/smtp-sink.ts';
import { smtpTransport, type MailTransport } from './transport.ts';

testEachDatabase('a worker killed after the SMTP server accepted a mail: the message is sent again after the lease, with the same Message-ID, and never twice at once', async (database, t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.stop());
  const f = await mailFixture(database, { SMTP_URL: sink.url, MAIL_FROM: 'Test Shop <orders@shop.example>' });
  t.after(() => f.stop());
  const subject = await f.customer();
  const id = await queueMail(database.db, { subject, purpose: 'account', template: WELCOME, params: { link: 'https://shop.example/c/1' } });

  // The doomed worker's claim of the send job, with a one-second lease it will never renew.
  const { rows } = await sql<{ id: number; payload: Record<string, unknown>; attempts: number }>`
    update jobs set state = 'running', attempts = attempts + 1, locked_by = 'doomed-worker', locked_until = now() + interval '1 second'
    where name = 'comms.send' and state = 'queued' returning id, payload, attempts`.execute(database.db);
  const job = rows[0];
  assert.ok(job);
  const smtp = smtpTransport({ ...f.config, smtpUrl: sink.url });
  const dies: MailTransport = {
    async send(mail) {
      await smtp.send(mail);
      return new Promise(() => {}); // the process is gone: nothing after the server's 250 happens
    },
  };
  const services = { config: f.config, privacy: f.kernel, wiring: { listeners: {}, imageUses: [], cookies: [], mailTemplates: mailTemplatesOf([welcomeModule]) } };
  const ctx = { db: database.db, log: quietLogger, jobId: job.id, attempt: job.attempts, services };
  void sendQueuedMail(job.payload, ctx, { transport: dies, leaseSeconds: 2 });
  const first = await sink.waitForMail();
  const cutOff = await f.outboxRow(id);
  assert.equal(cutOff.status, 'sending', 'the server has the mail; the row does not say sent');

  // While the dead send's lease holds, another run of the job sends nothing.
  await assert.rejects(sendQueuedMail(job.payload, { ...ctx, attempt: 2 }), SendInProgress);
  assert.equal(sink.received.length, 1);

  const t0 = Date.now();
  await f.startWorker();
  const row = await f.waitForStatus(id, 'sent');
  t.diagnostic(`sent after ${Date.now() - t0} ms`);
  assert.equal(sink.received.length, 2, 'the cut-off send is repeated once');
  const [a, b] = sink.received;
  for (const mail of [a!, b!]) {
    assert.equal(mail.header('message-id'), `<${id}@shop.example>`);
    assert.deepEqual(mail.to, [personalData.email]);
  }
  assert.equal(b!.subject, first.subject);
  assert.equal(b!.text, first.text, 'the repeat is the same message, recognisable by its Message-ID');
  assert.equal(row.transport_message_id, `<${id}@shop.example>`);
  assert.equal(row.attempts, 2, 'the cut-off send and the repeat');
});
