// Data subjects: a pseudonymous id, a kind from the data map, a status, the policy version in
// force when they first gave data, and their wrapped data key.
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import { notFound, validationError } from '../../platform/errors.ts';
import type { Actor } from '../actors.ts';
import { auditOutsideCaller, refuse } from '../access/refuse.ts';
import { mayActOnRights } from '../access/data-rights.ts';
import { appendAudit, auditCtes } from '../audit/append.ts';
import type { AuditEntry } from '../audit/entry.ts';
import type { KernelContext } from '../context.ts';
import { cachedDataKey, newDataKey, unwrapDataKey, type WrappedKeyRow } from '../crypto/data-keys.ts';
import { policyVersionAt } from '../datamap/policy.ts';
import { PrivacySetupError, SubjectErased } from '../refusals.ts';

export type SubjectStatus = 'active' | 'restricted' | 'erased';

export interface SubjectState {
  id: string;
  kind: string;
  status: SubjectStatus;
  policyVersion: string;
  key: WrappedKeyRow | null;
}

export function currentPolicyVersion(ctx: KernelContext): string {
  const version = policyVersionAt(ctx.map, ctx.now());
  if (!version) throw new PrivacySetupError('No policy version is in force yet; personal data cannot be collected.');
  return version.version;
}

/** What a caller writes in the statement that creates the subject: more CTEs (the subject's row is `s`) and their audit entries. */
export type WithNewSubject = (id: string, dataKey: Buffer, at: Date) => { ctes: RawBuilder<unknown>; entries: AuditEntry[] } | null;

export async function createSubject(ctx: KernelContext, db: Db, request: { kind: string; actor: Actor; purpose: string }, alongside?: WithNewSubject): Promise<string> {
  const { kind, actor, purpose: purposeId } = request;
  if (!ctx.map.subjects.has(kind)) throw validationError('kind', `is not a data subject kind of the data map`);
  const id = randomUUID();
  const base = { actor, action: 'subject.create' as const, subjectId: id, purpose: purposeId };
  const purpose = ctx.map.purposes.get(purposeId);
  if (!purpose) return refuse(ctx, db, base, 'unknown-purpose', `There is no purpose ${purposeId} in the data map.`);
  if (!purpose.dataSubjects.has(kind)) return refuse(ctx, db, base, 'purpose-not-for-subject-kind', `The purpose ${purposeId} does not cover ${kind} subjects.`);
  if (actor.kind === 'vendor') return refuse(ctx, db, base, 'vendor-needs-disclosure', 'Vendors cannot create data subjects.');
  if (actor.kind === 'self') return refuse(ctx, db, base, 'not-own-data', 'A subject is created by the system or staff, then acts on its own data.');
  if (actor.kind === 'staff' && !ctx.map.roles.get(actor.role)?.purposes.has(purposeId)) {
    return refuse(ctx, db, base, 'role-may-not-use-purpose', `The ${actor.role} role may not act under the purpose ${purposeId}.`);
  }
  const version = currentPolicyVersion(ctx);
  const { dataKey, row } = await newDataKey(ctx, id);
  const at = ctx.now();
  const extra = alongside?.(id, dataKey, at) ?? null;
  // One statement: the subject, its wrapped key, what the caller adds, and the audit entries.
  await sql`${prepared}
    with s as (insert into privacy_subjects (id, kind, status, policy_version, created_at) values (${id}::uuid, ${kind}::text, 'active', ${version}::text, ${at}::timestamptz) returning id),
    k as (insert into privacy_subject_keys (subject_id, leaf, master_key_id, wrapped_key) select id, ${row.leaf}::bigint, ${row.master_key_id}::text, ${row.wrapped_key}::bytea from s),
    ${extra ? sql`${extra.ctes},` : sql``}
    ${auditCtes(
      [
        { ...base, outcome: 'ok', detail: { kind, policy_version: version } },
        { actor, action: 'key.create', outcome: 'ok', subjectId: id, detail: { master_key_id: row.master_key_id } },
        ...(extra?.entries ?? []),
      ],
      at,
    )}
    select 1`.execute(db);
  ctx.keyCache.set(id, { kind, leaf: row.leaf, wrapped: row.wrapped_key, dataKey }); // the cache owns it now
  if (db.isTransaction) {
    const created = ctx.createdIn.get(db);
    if (created) created.add(id);
    else ctx.createdIn.set(db, new Set([id]));
  }
  return id;
}

/**
 * The data key to seal a secret or make a digest with (`sealSecret`, `subjectDigest`): neither reads
 * nor writes the subject's data, so the key row is what tells an erased subject. A subject created
 * by this same transaction needs no read of it: no other transaction sees its key row before this
 * one commits, so none can erase it meanwhile; an erasure in this one drops the cached key (and
 * punctures the leaf), so the row is read again. Its key is the cached one, the keyring still
 * asked. (A subject created in a savepoint that is then rolled back would still count here;
 * what is sealed or digested for it is under a key nobody holds any more. Checkout's one savepoint
 * wraps the payment's start, which creates none.)
 */
export async function dataKeyForUse(ctx: KernelContext, db: Db, subjectId: string): Promise<Buffer> {
  if (db.isTransaction && ctx.createdIn.get(db)?.has(subjectId)) {
    const cached = cachedDataKey(ctx, subjectId);
    if (cached) return cached.dataKey;
  }
  return (await dataKeyOf(ctx, db, subjectId)).dataKey;
}

export async function subjectState(db: Db, subjectId: string): Promise<SubjectState | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(subjectId)) return null;
  const { rows } = await sql<{ id: string; kind: string; status: SubjectStatus; policy_version: string; leaf: number | null; master_key_id: string | null; wrapped_key: Buffer | null }>`${prepared}
    select s.id, s.kind, s.status, s.policy_version, k.leaf, k.master_key_id, k.wrapped_key
    from privacy_subjects s left join privacy_subject_keys k on k.subject_id = s.id
    where s.id = ${subjectId}::uuid`.execute(db);
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    policyVersion: r.policy_version,
    key: r.wrapped_key && r.master_key_id !== null && r.leaf !== null ? { leaf: Number(r.leaf), master_key_id: r.master_key_id, wrapped_key: Buffer.from(r.wrapped_key) } : null,
  };
}

/** The subject's data key, from the cache or unwrapped; throws SubjectErased when destroyed. */
export async function dataKeyOf(ctx: KernelContext, db: Db, subjectId: string): Promise<{ kind: string; dataKey: Buffer; state: SubjectState }> {
  const state = await subjectState(db, subjectId);
  if (!state) throw notFound('The data subject');
  if (state.status === 'erased' || !state.key) {
    throw new SubjectErased();
  }
  return { kind: state.kind, dataKey: await unwrapDataKey(ctx, subjectId, state.kind, state.key), state };
}

/**
 * Restricts a subject (opted out of all communication, or deactivated): no communication purpose
 * and no new use of their data is allowed any more (P004-22). `reactivate` lifts it.
 */
export async function setRestricted(ctx: KernelContext, db: Db, request: { subject: string; actor: Actor; restricted: boolean }): Promise<void> {
  const { subject, actor, restricted } = request;
  const at = ctx.now();
  const action = restricted ? ('subject.restrict' as const) : ('subject.reactivate' as const);
  if (actor.kind === 'vendor' || (actor.kind === 'self' && actor.subjectId !== subject)) {
    return refuse(ctx, db, { actor, action, subjectId: subject }, 'not-own-data', 'Only the person, staff or the system may change this.');
  }
  // Lifting an opt-out of all communication is the person's own act (decision 0030); staff may
  // restrict someone only when carrying out their request (the roles with the data-rights purpose).
  if (actor.kind === 'staff' && (!restricted || !mayActOnRights(ctx.map, actor, subject))) {
    return refuse(
      ctx,
      db,
      { actor, action, subjectId: subject },
      'role-may-not-record-consent',
      restricted ? `The ${actor.role} role may not restrict a person; the privacy officer or support do, on the person's request.` : 'Only the person lifts their own opt-out or deactivation.',
    );
  }
  const { rows } = await sql<{ id: string }>`
    update privacy_subjects set status = ${restricted ? 'restricted' : 'active'}, status_changed_at = ${at}
    where id = ${subject}::uuid and status <> 'erased' returning id`.execute(db);
  if (rows.length === 0) {
    const state = await subjectState(db, subject);
    if (!state) throw notFound('The data subject');
    await auditOutsideCaller(ctx, db, [{ actor, action, outcome: 'refused', subjectId: subject, detail: { reason: 'erased' } }]);
    throw new SubjectErased();
  }
  await appendAudit(db, [{ actor, action, outcome: 'ok', subjectId: subject }], at);
}
