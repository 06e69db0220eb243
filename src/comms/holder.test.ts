import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import type { HolderContext } from '../privacy/index.ts';
import { commsHolder } from './holder.ts';
import { spoolDir } from './transport.ts';

async function mails(db: Db, subject: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  await sql`insert into comms_outbox (id, kind, template, subject_id, purpose, params, status, attempts, sent_at, finished_at)
    select id, 'transactional', 'orders.status', ${subject}::uuid, 'order-status', '{}', 'sent', 1, now(), now() from unnest(${ids}::uuid[]) as id`.execute(db);
  return ids;
}

const erase = (db: Db, dataDir: string, subject: string) => commsHolder.erase!({ db, config: { dataDir } } as unknown as HolderContext, subject);

testEachDatabase("the comms holder: erasure deletes the person's outbox rows and their spooled .eml and .partial files, and leaves everyone else's", async ({ db }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-comms-holder-'));
  const dir = spoolDir({ dataDir });
  mkdirSync(dir, { recursive: true });
  const [person, other] = [randomUUID(), randomUUID()];
  const [mine, theirs] = [await mails(db, person, 3), await mails(db, other, 1)];
  // The third of the person's mails never reached the spool (sent by SMTP before the shop switched); the first left a .partial too.
  for (const id of [mine[0]!, mine[1]!, theirs[0]!]) writeFileSync(join(dir, `${id}.eml`), 'To: someone@example.com\r\n');
  writeFileSync(join(dir, `${mine[0]}.eml.partial`), 'To: someone@example.com\r\n');
  await erase(db, dataDir, person);
  await erase(db, dataDir, person); // again, as a resumed deletion does
  assert.deepEqual(readdirSync(dir), [`${theirs[0]}.eml`]);
  const { rows } = await sql<{ subject_id: string }>`select subject_id from comms_outbox`.execute(db);
  assert.deepEqual(
    rows.map((r) => r.subject_id),
    [other],
  );
});

testEachDatabase('the comms holder: erasure in a shop that never spooled mail deletes the outbox rows and creates no spool folder', async ({ db }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-comms-holder-'));
  const person = randomUUID();
  await mails(db, person, 2);
  await erase(db, dataDir, person);
  assert.equal(existsSync(spoolDir({ dataDir })), false);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from comms_outbox where subject_id = ${person}::uuid`.execute(db);
  assert.equal(rows[0]!.n, 0);
});
