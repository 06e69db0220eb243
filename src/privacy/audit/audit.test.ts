import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { openDatabase } from '../../platform/db/database.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { staffActor, testActor } from '../actors.ts';
import { rewriteAuditChainFrom, testKernel } from '../testing.ts';
import { readAnchor } from './anchor.ts';
import { appendAudit } from './append.ts';
import { sealAuditLog, sealJob } from './seal.ts';
import { verifyAuditLog } from './verify.ts';
import type { Db } from '../../platform/db/database.ts';

const system = testActor('test');

async function someActivity(db: Db) {
  const { kernel } = await testKernel(db);
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Audit Target', 'user.contact.email': 'target@example.test' } });
  for (let i = 0; i < 5; i++) await kernel.read(db, { subject, actor: staffActor(`staff-${i}`, 'support'), purpose: 'support', categories: ['user.name'] });
  await kernel.read(db, { subject, actor: system, purpose: 'offers', categories: ['user.contact.address'] }).catch(() => {});
  return { kernel, subject };
}

async function tamper(db: Db, statement: ReturnType<typeof sql>) {
  // An attacker with database owner rights can switch the append-only triggers off; the chain still tells.
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await statement.execute(trx);
  });
}

testEachDatabase('the audit log is a hash chain that verifies, refuses UPDATE and DELETE, and catches a row edited in the database', async ({ db }) => {
  await someActivity(db);
  const before = await verifyAuditLog(db);
  assert.equal(before.sealed, 0);
  assert.ok(before.pending > 5);
  assert.ok(before.ok, JSON.stringify(before.firstBroken));
  const sealed = await sealAuditLog(db, { batch: 3 });
  assert.equal(sealed.sealed, before.pending);
  const report = await verifyAuditLog(db);
  assert.ok(report.ok);
  assert.equal(report.pending, 0);
  assert.equal(report.sealed, before.pending);
  assert.equal(report.head?.hash, sealed.head?.hash);

  await assert.rejects(sql`update privacy_audit_log set purpose = 'x' where id = (select max(id) from privacy_audit_log)`.execute(db), /append-only/);
  await assert.rejects(sql`delete from privacy_audit_log`.execute(db), /append-only/);
  await assert.rejects(sql`delete from privacy_audit_chain`.execute(db), /append-only/);
  await assert.rejects(sql`truncate privacy_audit_log cascade`.execute(db), /append-only/);

  const { rows } = await sql<{ seq: number; entry_id: number }>`select seq, entry_id from privacy_audit_chain where seq = 4`.execute(db);
  const target = rows[0]!;
  await tamper(db, sql`update privacy_audit_log set actor_role = 'dpo' where id = ${target.entry_id}`);
  const broken = await verifyAuditLog(db);
  assert.equal(broken.ok, false);
  assert.equal(broken.firstBroken?.seq, 4);
  assert.equal(broken.firstBroken?.entryId, Number(target.entry_id));
  assert.match(broken.firstBroken!.problem, /altered/);
});

testEachDatabase('a removed link or an entry slipped past the sealer is reported', async ({ db }) => {
  await someActivity(db);
  await sealAuditLog(db);
  await tamper(db, sql`insert into privacy_audit_log (at, actor_kind, actor_id, action, outcome) values (now(), 'system', 'intruder', 'data.read', 'ok')`);
  const orphan = await verifyAuditLog(db);
  assert.equal(orphan.ok, false);
  assert.match(orphan.firstBroken!.problem, /neither sealed nor waiting/);

  await tamper(db, sql`delete from privacy_audit_chain where seq = 3`);
  const gap = await verifyAuditLog(db);
  assert.equal(gap.firstBroken?.seq, 3);
  assert.match(gap.firstBroken!.problem, /missing/);
});

testEachDatabase('the sealer job alerts when entries waited too long, then seals them', async ({ db }) => {
  await appendAudit(db, [{ actor: system, action: 'staff.action', outcome: 'ok', detail: { what: 'test' } }], new Date(Date.now() - 600_000));
  const lines: { level: string; obj: Record<string, unknown> }[] = [];
  const log = {
    error: (obj: Record<string, unknown>) => lines.push({ level: 'error', obj }),
    debug: (obj: Record<string, unknown>) => lines.push({ level: 'debug', obj }),
    info: (obj: Record<string, unknown>) => lines.push({ level: 'info', obj }),
  } as unknown as Parameters<typeof sealJob>[1]['log'];
  assert.equal((await verifyAuditLog(db)).sealLagAlert, true);
  await sealJob({}, { db, log });
  assert.ok(lines.some((l) => l.level === 'error' && l.obj.alert === 'AUDIT_SEAL_LAG'));
  const report = await verifyAuditLog(db);
  assert.ok(report.ok);
  assert.equal(report.sealLagAlert, false);
});

testEachDatabase(
  'concurrent writers and sealers keep one correct chain without a shared lock on business transactions',
  async (database) => {
    // Several connections (PostgreSQL) write in transactions that commit out of order, some roll
    // back, while sealers run alongside; at the end every committed entry is sealed exactly once.
    const others = database.url ? await Promise.all([0, 1, 2].map(() => openDatabase({ databaseUrl: database.url, pgliteDir: null, poolSize: 4 }))) : [];
    const handles = [database.db, ...others.map((o) => o.db)];
    try {
      let committed = 0;
      const writers = Array.from({ length: 24 }, (_, i) =>
        handles[i % handles.length]!.transaction()
          .execute(async (trx) => {
            await appendAudit(trx, [{ actor: testActor(`writer-${i}`), action: 'staff.action', outcome: 'ok', detail: { n: i } }], new Date());
            await sleep((i * 7) % 23);
            await appendAudit(trx, [{ actor: testActor(`writer-${i}`), action: 'staff.action', outcome: 'ok', detail: { n: i, second: true } }], new Date());
            if (i % 5 === 4) throw new Error('roll back');
          })
          .then(
            () => (committed += 2),
            () => {},
          ),
      );
      let sealing = true;
      const sealers = handles.map(async (h) => {
        while (sealing) {
          await sealAuditLog(h, { batch: 5 });
          await sleep(3);
        }
      });
      await Promise.all(writers);
      sealing = false;
      await Promise.all(sealers);
      await sealAuditLog(database.db);
      const report = await verifyAuditLog(database.db);
      assert.ok(report.ok, JSON.stringify(report.firstBroken));
      assert.equal(report.sealed, committed);
      assert.equal(report.pending, 0);
      const { rows } = await sql<{ n: number }>`select count(distinct entry_id)::int as n from privacy_audit_chain`.execute(database.db);
      assert.equal(rows[0]!.n, committed);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  },
  { timeout: 120_000 },
);

testEachDatabase('a chain rewritten from some entry on (every later hash recomputed) verifies on its own, and the anchor outside the database catches it', async ({ db }) => {
  const anchorPath = join(mkdtempSync(join(tmpdir(), 'custodian-anchor-')), 'audit-head.json');
  await someActivity(db);
  const first = await sealAuditLog(db, { anchorPath });
  assert.equal(first.anchor, 'advanced');
  assert.equal(statSync(anchorPath).mode & 0o777, 0o600);
  assert.deepEqual((({ seq, hash }) => ({ seq, hash }))(readAnchor(anchorPath)!), first.head);
  await someActivity(db);
  const second = await sealAuditLog(db, { anchorPath });
  assert.equal(second.anchor, 'advanced');
  assert.equal(readAnchor(anchorPath)!.seq, second.head!.seq);
  assert.ok(second.head!.seq > first.head!.seq);
  assert.equal((await sealAuditLog(db, { anchorPath })).anchor, 'unchanged');
  assert.ok((await verifyAuditLog(db, new Date(), { anchorPath })).anchor?.matches);

  await rewriteAuditChainFrom(db, 4);
  const alone = await verifyAuditLog(db);
  assert.ok(alone.ok, 'without the anchor the rewritten chain passes every check');
  const anchored = await verifyAuditLog(db, new Date(), { anchorPath });
  assert.equal(anchored.ok, false);
  assert.equal(anchored.firstBroken?.seq, second.head!.seq);
  assert.match(anchored.firstBroken!.problem, /rewritten/);
  assert.equal(anchored.anchor?.matches, false);

  // The sealer keeps the anchor as evidence instead of moving it onto the rewritten chain, and alerts.
  await someActivity(db);
  const lines: { level: string; obj: Record<string, unknown> }[] = [];
  const log = {
    error: (obj: Record<string, unknown>) => lines.push({ level: 'error', obj }),
    debug: (obj: Record<string, unknown>) => lines.push({ level: 'debug', obj }),
    info: (obj: Record<string, unknown>) => lines.push({ level: 'info', obj }),
  } as unknown as Parameters<typeof sealJob>[1]['log'];
  const { kernel } = await testKernel(db, { anchorPath });
  await sealJob({}, { db, log, services: { privacy: kernel } });
  assert.ok(lines.some((l) => l.level === 'error' && l.obj.alert === 'AUDIT_ANCHOR_MISMATCH'));
  assert.equal(readAnchor(anchorPath)!.hash, second.head!.hash);
});

testEachDatabase('the anchor catches links removed from the end of the chain', async ({ db }) => {
  const anchorPath = join(mkdtempSync(join(tmpdir(), 'custodian-anchor-')), 'audit-head.json');
  await someActivity(db);
  const sealed = await sealAuditLog(db, { anchorPath });
  await tamper(db, sql`delete from privacy_audit_chain where seq > 3`);
  await tamper(db, sql`delete from privacy_audit_log where id not in (select entry_id from privacy_audit_chain)`);
  const alone = await verifyAuditLog(db);
  assert.equal(alone.ok, false, 'the entry numbers given at commit show the removed tail even without the anchor');
  assert.match(alone.firstBroken!.problem, /audit entry 4 was committed .* but is gone/);
  const report = await verifyAuditLog(db, new Date(), { anchorPath });
  assert.equal(report.ok, false);
  assert.match(report.firstBroken!.problem, new RegExp(`ends at link 3, but link ${sealed.head!.seq} was recorded`));
});
