import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { enqueue } from '../platform/jobs/index.ts';
import { waitFor } from '../platform/jobs/testing/support.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { retentionDays } from '../privacy/index.ts';
import { queueMail } from './outbox.ts';
import { PURGE_SPOOL_JOB } from './spool-retention.ts';
import { mailFixture, WELCOME } from './testing/mail-fixture.ts';
import { spoolDir } from './transport.ts';

testEachDatabase('the daily spool purge deletes .eml files once the data map no longer keeps the address for their purpose, and files of erased messages', async (database, t) => {
  const f = await mailFixture(database);
  t.after(() => f.stop());
  const subject = await f.customer();
  const mail = (n: number) => queueMail(database.db, { subject, purpose: 'account', template: WELCOME, params: { link: `https://shop.example/c/${n}` } });
  const [old, recent] = [await mail(1), await mail(2)];
  await f.startWorker();
  await f.waitForStatus(old, 'sent');
  await f.waitForStatus(recent, 'sent');
  const dir = spoolDir(f.config);
  const file = (id: string) => join(dir, `${id}.eml`);
  assert.ok(existsSync(file(old)) && existsSync(file(recent)));

  const days = retentionDays(f.kernel.map, 'user.contact.email', 'account').days;
  await sql`update comms_outbox set finished_at = now() - make_interval(days => ${days + 1}), sent_at = now() - make_interval(days => ${days + 1}) where id = ${old}::uuid`.execute(database.db);
  const orphan = randomUUID();
  writeFileSync(file(orphan), 'To: someone@example.com\r\n\r\nleft behind\r\n', { mode: 0o600 });

  const job = await enqueue(database.db, PURGE_SPOOL_JOB, {});
  await waitFor('the purge to finish', async () => (await sql<{ state: string }>`select state from jobs where id = ${job}`.execute(database.db)).rows[0]?.state === 'done');
  assert.equal(existsSync(file(old)), false, 'past the retention of the address under account');
  assert.equal(existsSync(file(orphan)), false, 'its message is gone');
  assert.equal(existsSync(file(recent)), true, 'still within retention');
});
