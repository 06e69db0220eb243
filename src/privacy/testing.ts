// Test helpers: a kernel on a test database with its own keyring file and the demo data map.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import { GENESIS, linkHash, type AuditRow } from './audit/chain.ts';
import { startKernel, type PrivacyKernel } from './kernel.ts';
import { kernelInternals } from './internals.ts';

// What tests of other modules use of the kernel's own pieces (the entry, index.ts, does not offer them).
export { testActor } from './actors.ts';
export { appendAudit, auditCtes } from './audit/append.ts';
export type { AuditEntry } from './audit/entry.ts';
export { SEAL_JOB } from './audit/seal.ts';

export interface TestKernel {
  kernel: PrivacyKernel;
  keyringPath: string;
  /** Moves the kernel's clock (for policy versions and retention). */
  setNow(date: Date | null): void;
}

export async function testKernel(
  db: Db,
  options: { keyringPath?: string; anchorPath?: string | null; region?: string | null; reconcileErasures?: boolean; log?: Logger | null } = {},
): Promise<TestKernel> {
  const keyringPath = options.keyringPath ?? join(mkdtempSync(join(tmpdir(), 'custodian-keyring-')), 'keyring.json');
  let fixed: Date | null = null;
  const kernel = await startKernel({
    db,
    keyringPath,
    region: options.region ?? null,
    log: options.log ?? null,
    now: () => fixed ?? new Date(),
    ...(options.anchorPath !== undefined ? { anchorPath: options.anchorPath } : {}),
    ...(options.reconcileErasures !== undefined ? { reconcileErasures: options.reconcileErasures } : {}),
  });
  return { kernel, keyringPath, setNow: (d) => (fixed = d) };
}

/**
 * What an attacker with database owner rights can do to the audit chain: switch the append-only
 * triggers off, change the entry of link `fromSeq`, and recompute every link from there on.
 */
export async function rewriteAuditChainFrom(db: Db, fromSeq: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    const { rows: target } = await sql<{ entry_id: number }>`select entry_id from privacy_audit_chain where seq = ${fromSeq}`.execute(trx);
    await sql`update privacy_audit_log set actor_id = 'someone-else' where id = ${target[0]!.entry_id}`.execute(trx);
    const { rows: previous } = await sql<{ hash: Buffer }>`select hash from privacy_audit_chain where seq = ${fromSeq - 1}`.execute(trx);
    let hash: Buffer = previous[0] ? Buffer.from(previous[0].hash) : GENESIS;
    const { rows } = await sql<AuditRow & { seq: number; entry_id: number }>`
      select c.seq, c.entry_id, e.* from privacy_audit_chain c join privacy_audit_log e on e.id = c.entry_id
      where c.seq >= ${fromSeq} order by c.seq`.execute(trx);
    for (const row of rows) {
      hash = linkHash(hash, Number(row.seq), { ...row, id: Number(row.entry_id) });
      await sql`update privacy_audit_chain set hash = ${hash} where seq = ${row.seq}`.execute(trx);
    }
  });
}

/** For other modules' tests: how many audit entries match (they may not name the kernel's tables). */
export async function countAuditEntries(db: Db, match: { action: string; actorKind?: string; purpose?: string }): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from privacy_audit_log
    where action = ${match.action}
      and (${match.actorKind ?? null}::text is null or actor_kind = ${match.actorKind ?? null})
      and (${match.purpose ?? null}::text is null or purpose = ${match.purpose ?? null})`.execute(db);
  return rows[0]!.n;
}

/** For other modules' tests: a subject's status (active, restricted, erased), or null. */
export async function subjectStatus(db: Db, subject: string): Promise<string | null> {
  const { rows } = await sql<{ status: string }>`select status from privacy_subjects where id = ${subject}::uuid`.execute(db);
  return rows[0]?.status ?? null;
}

/** For other modules' tests of yearly work: makes a person's record and consent choices `days` older, as if made then. */
export async function backdateSubject(db: Db, subject: string, days: number): Promise<void> {
  await sql`update privacy_subjects set created_at = created_at - make_interval(days => ${days}) where id = ${subject}::uuid`.execute(db);
  await sql`update privacy_consents set recorded_at = recorded_at - make_interval(days => ${days}) where subject_id = ${subject}::uuid`.execute(db);
}

/** For other modules' tests: a subject's kind, or null. */
export async function subjectKind(db: Db, subject: string): Promise<string | null> {
  const { rows } = await sql<{ kind: string }>`select kind from privacy_subjects where id = ${subject}::uuid`.execute(db);
  return rows[0]?.kind ?? null;
}

/** For other modules' tests: how many items of each category the kernel holds for a subject. */
export async function itemCountsByCategory(db: Db, subject: string): Promise<{ category: string; n: number }[]> {
  const { rows } = await sql<{ category: string; n: number }>`select category, count(*)::int as n from privacy_items where subject_id = ${subject}::uuid group by category order by category`.execute(
    db,
  );
  return rows;
}

/** For other modules' tests: consent ledger rows (oldest first), optionally of one subject, purpose or action. */
export async function consentRows(db: Db, match: { subject?: string; purpose?: string; action?: string } = {}): Promise<{ purpose: string; action: string; channel: string }[]> {
  const { rows } = await sql<{ purpose: string; action: string; channel: string }>`
    select purpose, action, channel from privacy_consents
    where (${match.subject ?? null}::uuid is null or subject_id = ${match.subject ?? null}::uuid)
      and (${match.purpose ?? null}::text is null or purpose = ${match.purpose ?? null})
      and (${match.action ?? null}::text is null or action = ${match.action ?? null})
    order by purpose, id`.execute(db);
  return rows;
}

/** For other modules' tests: consent entries with who recorded them and the policy version, oldest first (of one subject, or of everyone). */
export async function consentEntries(
  db: Db,
  match: { subject?: string; purpose?: string } = {},
): Promise<{ subject: string; purpose: string; action: string; channel: string; recordedBy: string; policyVersion: string }[]> {
  const { rows } = await sql<{ subject_id: string; purpose: string; action: string; channel: string; recorded_by_kind: string; policy_version: string }>`
    select subject_id, purpose, action, channel, recorded_by_kind, policy_version from privacy_consents
    where (${match.subject ?? null}::uuid is null or subject_id = ${match.subject ?? null}::uuid)
      and (${match.purpose ?? null}::text is null or purpose = ${match.purpose ?? null})
    order by id`.execute(db);
  return rows.map((r) => ({ subject: r.subject_id, purpose: r.purpose, action: r.action, channel: r.channel, recordedBy: r.recorded_by_kind, policyVersion: r.policy_version }));
}

/** For other modules' tests: the notices about a subject, by recipient, with the channel they were delivered by (null: not yet). */
/** The disclosure ledger's rows of `subject`, oldest first, with the approval and consent each used. */
export async function disclosureRows(db: Db, subject: string): Promise<{ recipient: string; basis: string; categories: string[]; approval_id: string | null; consent_id: number | null }[]> {
  const { rows } = await sql<{ recipient: string; basis: string; categories: string[]; approval_id: string | null; consent_id: number | null }>`
    select recipient, basis, categories, approval_id, consent_id from privacy_disclosures where subject_id = ${subject}::uuid order by at`.execute(db);
  return rows;
}

export async function noticeDeliveries(db: Db, subject: string): Promise<{ recipient: string; channel: string | null }[]> {
  const { rows } = await sql<{ recipient: string; channel: string | null }>`
    select n.recipient, d.channel from privacy_recipient_notices n left join privacy_notice_deliveries d on d.notice_id = n.id
    where n.subject_id = ${subject}::uuid order by n.recipient`.execute(db);
  return rows;
}

/** For other modules' tests: the blind-index digests a (possibly restored) database holds for a subject. */
/** For other modules' tests: the email's blind-index digests under every key this kernel's keyring holds now. */
export function emailDigestsNow(kernel: PrivacyKernel, email: string): { version: number; digest: Buffer }[] {
  return kernelInternals(kernel).blind.digestsUnderEveryKey('user.contact.email', 'email', email);
}

export async function blindDigestsOf(db: Db, subject: string): Promise<Buffer[]> {
  const { rows } = await sql<{ digest: Buffer }>`select digest from privacy_blind_indexes where subject_id = ${subject}::uuid`.execute(db);
  return rows.map((r) => Buffer.from(r.digest));
}

/** For other modules' tests: audit entries of one action about one subject, with that outcome. */
export async function countSubjectAudit(db: Db, match: { subject: string; action: string; outcome?: string }): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from privacy_audit_log where subject_id = ${match.subject}::uuid and action = ${match.action} and outcome = ${match.outcome ?? 'ok'}`.execute(db);
  return rows[0]!.n;
}

/** For other modules' tests: who each audit entry of `action` names (kind, id, role), oldest first. */
export async function auditActors(db: Db, action: string): Promise<{ kind: string; id: string; role: string | null; outcome: string; purpose: string | null }[]> {
  const { rows } = await sql<{ kind: string; id: string; role: string | null; outcome: string; purpose: string | null }>`
    select actor_kind as kind, actor_id as id, actor_role as role, outcome, purpose from privacy_audit_log where action = ${action} order by id`.execute(db);
  return rows;
}

/** Makes the person's items look collected under an earlier policy version (a customer from before a new use). */
export async function collectedUnder(db: Db, subject: string, version: string): Promise<void> {
  await sql`update privacy_items set policy_version = ${version} where subject_id = ${subject}::uuid`.execute(db);
}

/** Moves the date the person was told of a new use `days` back (the opt-out window passing). */
export async function noticeOfNewUseDaysAgo(db: Db, subject: string, purpose: string, days: number): Promise<void> {
  await sql`update privacy_new_use_notices set sent_at = sent_at - make_interval(days => ${days}) where subject_id = ${subject}::uuid and purpose = ${purpose}`.execute(db);
}

/** For other modules' tests: a person's stored items as the database holds them (ciphertext, never decrypted), by category and ref. */
export async function storedItems(db: Db, subject: string): Promise<{ category: string; ref: string; purpose: string; ciphertext: Buffer }[]> {
  const { rows } = await sql<{ category: string; ref: string; purpose: string; ciphertext: Buffer }>`
    select category, ref, purpose, ciphertext from privacy_items where subject_id = ${subject}::uuid order by category, ref`.execute(db);
  return rows;
}

/** Tampers with the entry of audit link `seq` in place (triggers off), hashes left as they were: verification must find it. */
export async function tamperAuditEntry(db: Db, seq: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    const { rows } = await sql<{ entry_id: number }>`select entry_id from privacy_audit_chain where seq = ${seq}`.execute(trx);
    await sql`update privacy_audit_log set actor_id = 'someone-else' where id = ${rows[0]!.entry_id}`.execute(trx);
  });
}

/** For retention tests: moves the end of a person's items of `category` into the past, as if their period had run out. */
export async function expireItems(db: Db, subject: string, category: string): Promise<number> {
  const r = await sql`update privacy_items set retain_until = now() - interval '1 minute' where subject_id = ${subject}::uuid and category = ${category}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** For retention tests and bench/retention: the audit entries of retention runs (detail: counts per store). */
export async function retentionAudit(db: Db): Promise<Record<string, unknown>[]> {
  const { rows } = await sql<{ detail: Record<string, unknown> | string }>`select detail from privacy_audit_log where action = 'data.purge' and actor_id = 'privacy.sweep' order by id`.execute(db);
  return rows.map((r) => (typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail));
}
