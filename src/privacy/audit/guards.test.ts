// The audit chain's guards of decision 0027, kernel-level: entries numbered at commit, the anchor
// required once links exist, re-anchoring as the privacy officer's recorded act, a restore
// reported, the consent and disclosure ledgers bound into the chain, and the head logged intact.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { createLogger } from '../../platform/logger.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { selfActor, staffActor, testActor } from '../actors.ts';
import { startKernel, type PrivacyKernel } from '../kernel.ts';
import { PrivacyRefusal, PrivacySetupError } from '../refusals.ts';
import { testKernel } from '../testing.ts';
import { readAnchor } from './anchor.ts';
import { sealAuditLog, sealJob } from './seal.ts';
import { verifyAuditLog } from './verify.ts';

const system = testActor('test');
const dpo = staffActor('staff-dpo', 'dpo');

async function tamper(db: Db, statement: ReturnType<typeof sql>) {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await statement.execute(trx);
  });
}

async function activity(db: Db, reads = 4, given?: PrivacyKernel) {
  const kernel = given ?? (await testKernel(db, { anchorPath: null })).kernel;
  const subject = await kernel.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
  await kernel.write(db, { subject, actor: system, purpose: 'fulfillment', values: { 'user.name': 'Guarded Person', 'user.contact.address': { street: '5 Elm St' } } });
  for (let i = 0; i < reads; i++) await kernel.read(db, { subject, actor: staffActor(`staff-${i}`, 'support'), purpose: 'support', categories: ['user.name'] });
  return subject;
}

const anchorIn = () => join(mkdtempSync(join(tmpdir(), 'custodian-guard-')), 'audit-head.json');

/** A kernel as the shop and the worker start it: with the anchor check. */
async function startWithCheck(db: Db, anchorPath: string) {
  const keyringPath = join(mkdtempSync(join(tmpdir(), 'custodian-guard-keyring-')), 'keyring.json');
  return { kernel: await startKernel({ db, keyringPath, anchorPath, region: null, log: null, checkAnchor: true }) };
}

async function entriesOf(db: Db, action: string) {
  const { rows } = await sql<{ actor_kind: string; actor_id: string; actor_role: string | null; detail: Record<string, unknown>; sealed: boolean }>`
    select e.actor_kind, e.actor_id, e.actor_role, e.detail, exists (select 1 from privacy_audit_chain c where c.entry_id = e.id) as sealed
    from privacy_audit_log e where e.action = ${action} order by e.id`.execute(db);
  return rows;
}

testEachDatabase('an entry deleted before it was sealed (with its marker) leaves a hole that verify reports', async ({ db }) => {
  await activity(db);
  await sealAuditLog(db);
  await activity(db);
  const { rows } = await sql<{ entry_id: number; seq: number }>`select entry_id, seq from privacy_audit_pending order by seq`.execute(db);
  assert.ok(rows.length >= 4, 'entries wait for the sealer');
  const victim = rows[1]!;
  assert.ok((await verifyAuditLog(db)).ok);
  await tamper(db, sql`delete from privacy_audit_pending where entry_id = ${victim.entry_id}`);
  await tamper(db, sql`delete from privacy_audit_log where id = ${victim.entry_id}`);
  const report = await verifyAuditLog(db);
  assert.equal(report.ok, false);
  assert.equal(report.firstBroken?.seq, Number(victim.seq));
  assert.match(report.firstBroken!.problem, /was committed .* but is gone before it was sealed/);
  // Sealing does not paper over it: the hole stays in the chain.
  await sealAuditLog(db);
  const after = await verifyAuditLog(db);
  assert.equal(after.ok, false);
  assert.equal(after.firstBroken?.seq, Number(victim.seq));
  assert.match(after.firstBroken!.problem, /missing/);
});

testEachDatabase('entries are numbered in commit order without holes, rollbacks included', async ({ db }) => {
  await activity(db, 1);
  await db
    .transaction()
    .execute(async (trx) => {
      await activity(trx, 1);
      throw new Error('roll back');
    })
    .catch(() => {});
  await activity(db, 1);
  const { rows } = await sql<{ seq: number }>`select seq from privacy_audit_pending order by seq`.execute(db);
  assert.deepEqual(
    rows.map((r) => Number(r.seq)),
    rows.map((_, i) => i + 1),
  );
  await sealAuditLog(db);
  assert.ok((await verifyAuditLog(db)).ok);
});

testEachDatabase('a new shop records its first start in the chain; once links exist, a deleted anchor fails verify and start, and the sealer does not recreate it', async ({ db }) => {
  const anchorPath = anchorIn();
  await startWithCheck(db, anchorPath);
  const first = await entriesOf(db, 'audit.anchor');
  assert.equal(first.length, 1);
  assert.deepEqual(first[0]!.detail, { event: 'first-start' });
  await activity(db);
  const sealed = await sealAuditLog(db, { anchorPath });
  assert.equal(sealed.anchor, 'advanced', 'the seal that starts the chain writes the first anchor');
  assert.ok((await verifyAuditLog(db, new Date(), { anchorPath })).ok);
  await startWithCheck(db, anchorPath);
  assert.equal((await entriesOf(db, 'audit.anchor')).length, 1, 'a later start is no first start');

  rmSync(anchorPath);
  const report = await verifyAuditLog(db, new Date(), { anchorPath });
  assert.equal(report.ok, false);
  assert.match(report.firstBroken!.problem, /anchor .* is missing/);
  await assert.rejects(startWithCheck(db, anchorPath), (err: unknown) => err instanceof PrivacySetupError && /is missing/.test(err.message) && /--reason anchor-lost/.test(err.message));

  await activity(db);
  const lines: Record<string, unknown>[] = [];
  const log = { error: (o: Record<string, unknown>) => lines.push(o), info: () => {}, debug: () => {} } as unknown as Parameters<typeof sealJob>[1]['log'];
  const { kernel } = await testKernel(db, { anchorPath });
  await sealJob({}, { db, log, services: { privacy: kernel } });
  assert.ok(lines.some((l) => l.alert === 'AUDIT_ANCHOR_MISSING'));
  assert.equal(readAnchor(anchorPath), null, 'a removed anchor is not quietly replaced');
});

testEachDatabase("re-anchoring is the privacy officer's act, for a fitting reason, and is written into the chain before the new anchor", async ({ db }) => {
  const anchorPath = anchorIn();
  await startWithCheck(db, anchorPath);
  await activity(db);
  await sealAuditLog(db, { anchorPath });
  rmSync(anchorPath);
  const { kernel } = await testKernel(db, { anchorPath });

  const refused = await kernel.reanchorAudit(db, { actor: staffActor('staff-owner', 'owner'), reason: 'anchor-lost' }).catch((e: unknown) => e);
  assert.ok(refused instanceof PrivacyRefusal && refused.reason === 'not-dpo');
  await kernel.flush();
  assert.equal((await entriesOf(db, 'audit.reanchor')).length, 1, 'the refusal is audited');
  await assert.rejects(kernel.reanchorAudit(db, { actor: system, reason: 'anchor-lost' }), PrivacyRefusal);
  await assert.rejects(kernel.reanchorAudit(db, { actor: dpo, reason: 'because' }), /reason/);
  await assert.rejects(kernel.reanchorAudit(db, { actor: dpo, reason: 'restore' }), /restore does not fit: the anchor is missing/);
  await assert.rejects(kernel.reanchorAudit(db, { actor: dpo, reason: 'incident' }), /case/);
  assert.equal(readAnchor(anchorPath), null);

  const done = await kernel.reanchorAudit(db, { actor: dpo, reason: 'anchor-lost' });
  assert.equal(done.situation, 'missing');
  const anchor = readAnchor(anchorPath)!;
  assert.deepEqual({ seq: anchor.seq, hash: anchor.hash }, done.head);
  const accepted = (await entriesOf(db, 'audit.reanchor')).at(-1);
  assert.deepEqual([accepted!.actor_kind, accepted!.actor_id, accepted!.actor_role, accepted!.sealed], ['staff', 'staff-dpo', 'dpo', true]);
  assert.equal(accepted!.detail.reason, 'anchor-lost');
  assert.equal(accepted!.detail.situation, 'missing');
  assert.ok((await verifyAuditLog(db, new Date(), { anchorPath })).ok);
  await assert.rejects(kernel.reanchorAudit(db, { actor: dpo, reason: 'anchor-lost' }), /nothing to re-anchor/);
});

testEachDatabase('a restored database (behind its anchor) stops the start until the privacy officer records the restore in the chain', async ({ db }) => {
  const anchorPath = anchorIn();
  await startWithCheck(db, anchorPath);
  await activity(db);
  const backupHead = (await sealAuditLog(db, { anchorPath })).head!;
  const backupAnchor = readAnchor(anchorPath)!;
  await activity(db);
  const later = (await sealAuditLog(db, { anchorPath })).head!;
  assert.equal(readAnchor(anchorPath)!.seq, later.seq);

  // The restore: the database as it was at the backup, with its numbering; the anchor stays ahead.
  await tamper(db, sql`delete from privacy_audit_chain where seq > ${backupHead.seq}`);
  await tamper(db, sql`delete from privacy_audit_log e where not exists (select 1 from privacy_audit_chain c where c.entry_id = e.id)`);
  await tamper(db, sql`update privacy_audit_counter set last = ${backupHead.seq}`);
  await assert.rejects(startWithCheck(db, anchorPath), (err: unknown) => err instanceof PrivacySetupError && /restored from an older backup/.test(err.message));
  const report = await verifyAuditLog(db, new Date(), { anchorPath });
  assert.match(report.firstBroken!.problem, /restored from an older backup/);

  const { kernel } = await testKernel(db, { anchorPath });
  await assert.rejects(kernel.reanchorAudit(db, { actor: dpo, reason: 'anchor-lost' }), /does not fit: the anchor is behind/);
  const done = await kernel.reanchorAudit(db, { actor: dpo, reason: 'restore' });
  assert.equal(done.situation, 'behind');
  assert.equal(done.previous?.seq, later.seq);
  const [restore] = await entriesOf(db, 'audit.restore');
  assert.equal(restore!.sealed, true);
  assert.equal(restore!.detail.previous_anchor, `${later.seq}:${later.hash}`);
  assert.equal(restore!.detail.chain_head, `${backupHead.seq}:${backupHead.hash}`);
  assert.notEqual(readAnchor(anchorPath)!.hash, backupAnchor.hash);
  await startWithCheck(db, anchorPath);
  assert.ok((await verifyAuditLog(db, new Date(), { anchorPath })).ok);
});

testEachDatabase('the consent and disclosure ledgers are bound into the chain: a changed recipient, a changed consent or a deleted row fails verify', async ({ db }) => {
  const { kernel } = await testKernel(db, { anchorPath: null });
  const subject = await activity(db, 0, kernel);
  const consent = await kernel.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'web', actor: selfActor(subject), evidence: 'ticked the box' });
  const shared = await kernel.disclose(db, {
    subject,
    recipient: 'payment-processor',
    categories: ['user.name'],
    purpose: 'fulfillment',
    basis: 'fulfillment',
    order: 'order-1',
    actor: staffActor('staff-pack', 'fulfilment'),
  });
  await sealAuditLog(db);
  assert.ok((await verifyAuditLog(db)).ok, JSON.stringify((await verifyAuditLog(db)).firstBroken));

  await tamper(db, sql`update privacy_disclosures set recipient = 'carriers' where id = ${shared.id}::uuid`);
  const moved = await verifyAuditLog(db);
  assert.equal(moved.ok, false);
  assert.match(moved.firstBroken!.problem, new RegExp(`disclosure ${shared.id} differs from what its audit entry recorded`));
  await tamper(db, sql`update privacy_disclosures set recipient = 'payment-processor' where id = ${shared.id}::uuid`);
  assert.ok((await verifyAuditLog(db)).ok, 'put back, it verifies');

  await tamper(db, sql`update privacy_consents set action = 'withdraw' where id = ${consent}`);
  assert.match((await verifyAuditLog(db)).firstBroken!.problem, new RegExp(`consent ${consent} differs`));
  await tamper(db, sql`update privacy_consents set action = 'grant' where id = ${consent}`);

  await tamper(db, sql`delete from privacy_disclosures where id = ${shared.id}::uuid`);
  assert.match((await verifyAuditLog(db)).firstBroken!.problem, /is gone from its ledger/);
  await tamper(
    db,
    sql`insert into privacy_consents (subject_id, purpose, recipient, action, channel, recorded_at, recorded_by_kind, recorded_by, policy_version)
    select subject_id, purpose, recipient, 'withdraw', channel, recorded_at, recorded_by_kind, recorded_by, policy_version from privacy_consents where id = ${consent}`,
  );
  const added = await verifyAuditLog(db);
  assert.match(added.firstBroken!.problem, /consent \d+ has no audit entry binding it/);
});

testEachDatabase("the DPO's decisions and the requests they answer are bound into the chain too: a rejection turned into an approval fails verify", async ({ db }) => {
  const { kernel } = await testKernel(db, { anchorPath: null });
  const subject = await activity(db, 0, kernel);
  const request = { subject, recipient: 'courts', categories: ['user.name', 'user.contact.address'], purpose: 'legal-compliance', basis: 'court-order' };
  const approval = await kernel.requestDisclosure(db, { ...request, actor: staffActor('staff-owner', 'owner') });
  await kernel.decideDisclosure(db, { approval: approval.toUpperCase(), decision: 'rejected', actor: dpo });
  assert.ok((await verifyAuditLog(db)).ok, JSON.stringify((await verifyAuditLog(db)).firstBroken));

  await tamper(db, sql`update privacy_disclosure_decisions set decision = 'approved' where approval_id = ${approval}::uuid`);
  assert.match((await verifyAuditLog(db)).firstBroken!.problem, new RegExp(`disclosure decision ${approval} differs`));
  await tamper(db, sql`update privacy_disclosure_decisions set decision = 'rejected' where approval_id = ${approval}::uuid`);
  await tamper(db, sql`update privacy_disclosure_approvals set categories = '{user.name}' where id = ${approval}::uuid`);
  assert.match((await verifyAuditLog(db)).firstBroken!.problem, new RegExp(`disclosure approval request ${approval} differs`));
});

testEachDatabase("the DPO's reviews of consents staff recorded are bound into the chain: a reversal edited into a confirmation fails verify", async ({ db }) => {
  const { kernel } = await testKernel(db, { anchorPath: null });
  const subject = await activity(db, 0, kernel);
  const consent = await kernel.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'phone', actor: staffActor('staff-support', 'support'), evidence: 'call ref 7' });
  const reversal = await kernel.reviewConsent(db, { consent, decision: 'reversed', actor: dpo });
  assert.ok(reversal);
  assert.ok((await verifyAuditLog(db)).ok, JSON.stringify((await verifyAuditLog(db)).firstBroken));
  await tamper(db, sql`update privacy_consent_reviews set decision = 'confirmed' where consent_id = ${consent}`);
  assert.match((await verifyAuditLog(db)).firstBroken!.problem, new RegExp(`consent review ${consent} differs`));
});

testEachDatabase('the sealer logs the chain head intact through the redacting logger, so shipped logs are a second anchor', async ({ db }) => {
  await activity(db);
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = createLogger('info', sink);
  await sealJob({}, { db, log });
  const report = await verifyAuditLog(db);
  const line = chunks
    .join('')
    .split('\n')
    .find((l) => l.includes('audit entries sealed'));
  assert.ok(line, chunks.join(''));
  assert.equal(JSON.parse(line).audit_head, `${report.head!.seq}:${report.head!.hash}`);
  assert.ok(line.includes(report.head!.hash));
});
