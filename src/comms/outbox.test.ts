import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { test } from 'node:test';
import { type MailTemplate, mailTemplatesOf, queueMail, SEND_JOB } from './outbox.ts';

const note: MailTemplate = {
  name: 'test.outbox-note',
  params: ['link'],
  personal: ['user.name'],
  render: ({ params }) => ({ subject: 'Note', text: `See ${params.link}` }),
};

const request = (subject: string) => ({ subject, purpose: 'account', template: note, params: { link: 'https://shop.example/r/abc' } });

async function counts(db: Parameters<typeof queueMail>[0]) {
  const { rows } = await sql<{ outbox: number; jobs: number }>`
    select (select count(*)::int from comms_outbox) as outbox, (select count(*)::int from jobs where name = ${SEND_JOB}) as jobs`.execute(db);
  return rows[0];
}

testEachDatabase('queueMail inside a rolled-back transaction leaves no outbox row and no send job', async ({ db }) => {
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await queueMail(trx, request(randomUUID()));
      throw new Error('the business change failed');
    }),
    /business change failed/,
  );
  assert.deepEqual(await counts(db), { outbox: 0, jobs: 0 });
});

testEachDatabase('queueMail commits the message and its send job together, with no address in the row', async ({ db }) => {
  const subject = randomUUID();
  const id = await db.transaction().execute((trx) => queueMail(trx, request(subject)));
  assert.deepEqual(await counts(db), { outbox: 1, jobs: 1 });
  const { rows } = await sql<Record<string, unknown>>`select * from comms_outbox where id = ${id}::uuid`.execute(db);
  const row = rows[0]!;
  assert.equal(row.subject_id, subject);
  assert.equal(row.status, 'queued');
  assert.equal(row.address_ref, '');
  assert.deepEqual(row.personal, ['user.name']);
  const job = (await sql<{ payload: { messageId: string } }>`select payload from jobs where name = ${SEND_JOB}`.execute(db)).rows[0]!;
  assert.deepEqual(job.payload, { messageId: id });
});

testEachDatabase('the same idempotency key queues one message and one job; reused for another mail it throws', async ({ db }) => {
  const subject = randomUUID();
  const first = await queueMail(db, { ...request(subject), idempotencyKey: 'test:reset:1' });
  const again = await db.transaction().execute((trx) => queueMail(trx, { ...request(subject), idempotencyKey: 'test:reset:1' }));
  assert.equal(again, first);
  assert.deepEqual(await counts(db), { outbox: 1, jobs: 1 });
  await assert.rejects(queueMail(db, { ...request(randomUUID()), idempotencyKey: 'test:reset:1' }), /already used for a different mail/);
});

testEachDatabase('queueMail refuses requests the outbox must not hold', async ({ db }) => {
  const subject = randomUUID();
  await assert.rejects(queueMail(db, { ...request(subject), template: { ...note, name: 'Not A Name' } }), /must look like module.what/);
  await assert.rejects(queueMail(db, { ...request(subject), params: { link: 'mailto:someone@example.com' } }), /holds an email address/);
  await assert.rejects(queueMail(db, { ...request(subject), params: {} }), /needs parameter link/);
  await assert.rejects(queueMail(db, { ...request(subject), params: { link: 'x', extra: 1 } }), /takes no parameter extra/);
  await assert.rejects(queueMail(db, { ...request(subject), personal: [] }), /reads user.name/);
  await assert.rejects(queueMail(db, { ...request('not-a-subject') }), /subject must be/);
  await assert.rejects(queueMail(db, { ...request(subject), purpose: 'Account Stuff' }), /not a purpose id/);
  assert.deepEqual(await counts(db), { outbox: 0, jobs: 0 });
});

test('two modules declaring a template under one name stop start; one template declared twice is harmless', () => {
  assert.throws(
    () =>
      mailTemplatesOf([
        { name: 'a', migrations: [], mailTemplates: [note] },
        { name: 'b', migrations: [], mailTemplates: [{ ...note }] },
      ]),
    /test.outbox-note is declared by both module a and module b/,
  );
  assert.equal(mailTemplatesOf([{ name: 'a', migrations: [], mailTemplates: [note, note] }]).get('test.outbox-note'), note);
});
