// Decision 0027's numbering at commit, done once per transaction: every entry of a committed
// transaction gets the next number in insertion order, an entry in a rolled-back savepoint takes
// none, numbers follow commit order across transactions, and an immediate constraint numbers each
// statement's entries as it ends.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { testActor } from '../actors.ts';
import { appendAudit } from './append.ts';
import { sealAuditLog } from './seal.ts';
import { verifyAuditLog } from './verify.ts';

const actor = testActor('numbering');
const entry = (tag: string) => ({ actor, action: 'data.read' as const, outcome: 'ok' as const, detail: { tag } });

async function numbered(db: Db) {
  const { rows } = await sql<{ seq: string; tag: string }>`
    select p.seq, e.detail->>'tag' as tag from privacy_audit_pending p join privacy_audit_log e on e.id = p.entry_id order by p.seq`.execute(db);
  return rows.map((r) => [Number(r.seq), r.tag]);
}

/** The numbered entries sealed into the chain, which `custodian audit verify`'s check then passes. */
async function assertChainVerifies(db: Db) {
  await sealAuditLog(db);
  assert.ok((await verifyAuditLog(db)).ok);
}

async function unnumbered(db: Db) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from privacy_audit_log e
    where not exists (select 1 from privacy_audit_pending p where p.entry_id = e.id) and not exists (select 1 from privacy_audit_chain c where c.entry_id = e.id)`.execute(db);
  return rows[0]!.n;
}

testEachDatabase("a transaction's entries are numbered together at commit, a rolled-back savepoint's are not", async ({ db }) => {
  await appendAudit(db, [entry('before')], new Date());
  await db.transaction().execute(async (trx) => {
    await appendAudit(trx, [entry('a1'), entry('a2')], new Date());
    await sql`savepoint s`.execute(trx);
    await appendAudit(trx, [entry('gone')], new Date());
    await sql`rollback to savepoint s`.execute(trx);
    await sql`savepoint t`.execute(trx);
    await appendAudit(trx, [entry('a3')], new Date());
    await sql`release savepoint t`.execute(trx);
    assert.deepEqual(await numbered(trx), [[1, 'before']], 'nothing of this transaction is numbered before its commit');
    await appendAudit(trx, [entry('a4')], new Date());
  });
  await db
    .transaction()
    .execute(async (trx) => {
      await appendAudit(trx, [entry('rolled-back')], new Date());
      throw new Error('roll back');
    })
    .catch(() => {});
  await appendAudit(db, [entry('after')], new Date());
  assert.deepEqual(await numbered(db), [
    [1, 'before'],
    [2, 'a1'],
    [3, 'a2'],
    [4, 'a3'],
    [5, 'a4'],
    [6, 'after'],
  ]);
  assert.equal(await unnumbered(db), 0);
  const { rows } = await sql<{ last: string }>`select last from privacy_audit_counter`.execute(db);
  assert.equal(Number(rows[0]!.last), 6);
  await assertChainVerifies(db);
});

testEachDatabase("with the constraint set immediate, each statement's entries are numbered as it ends", async ({ db }) => {
  await db.transaction().execute(async (trx) => {
    await sql`set constraints privacy_audit_log_number immediate`.execute(trx);
    await appendAudit(trx, [entry('i1'), entry('i2')], new Date());
    assert.deepEqual(await numbered(trx), [
      [1, 'i1'],
      [2, 'i2'],
    ]);
    await appendAudit(trx, [entry('i3')], new Date());
    await sql`set constraints privacy_audit_log_number deferred`.execute(trx);
    await appendAudit(trx, [entry('d4')], new Date());
    assert.equal((await numbered(trx)).length, 3);
  });
  assert.deepEqual(await numbered(db), [
    [1, 'i1'],
    [2, 'i2'],
    [3, 'i3'],
    [4, 'd4'],
  ]);
  await assertChainVerifies(db);
});

testEachDatabase("entries past the notes' cap are numbered one by one after the noted ones, in order", async ({ db }) => {
  await db.transaction().execute(async (trx) => {
    await appendAudit(
      trx,
      Array.from({ length: 2500 }, (_, i) => entry(`bulk-${i}`)),
      new Date(),
    );
    await appendAudit(trx, [entry('last')], new Date());
  });
  await appendAudit(db, [entry('next')], new Date());
  const all = await numbered(db);
  assert.equal(all.length, 2502);
  assert.deepEqual(
    all.map(([seq]) => seq),
    all.map((_, i) => i + 1),
  );
  assert.deepEqual(all.slice(0, 2), [
    [1, 'bulk-0'],
    [2, 'bulk-1'],
  ]);
  assert.deepEqual(all.slice(-3), [
    [2500, 'bulk-2499'],
    [2501, 'last'],
    [2502, 'next'],
  ]);
  assert.equal(await unnumbered(db), 0);
  await assertChainVerifies(db);
});

testEachDatabase(
  'numbers follow commit order across transactions that audit at the same time',
  async ({ db }) => {
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => {
      firstWrote = resolve;
    });
    const first = db.transaction().execute(async (trx) => {
      await appendAudit(trx, [entry('first-1')], new Date());
      firstWrote();
      await firstMayCommit;
      await appendAudit(trx, [entry('first-2')], new Date());
    });
    await wrote;
    await db.transaction().execute(async (trx) => {
      await appendAudit(trx, [entry('second-1'), entry('second-2')], new Date());
    });
    releaseFirst();
    await first;
    assert.deepEqual(await numbered(db), [
      [1, 'second-1'],
      [2, 'second-2'],
      [3, 'first-1'],
      [4, 'first-2'],
    ]);
    await assertChainVerifies(db);
  },
  { engines: ['postgres'] },
);
