// New uses of data already held (P001-08, P004-21, decision 0053): a purpose that a later policy
// version introduced reaches data collected before it only as its `prior_data` says. This finds
// the people who must be told (active, of a kind the purpose covers, holding an item of one of its
// categories collected under an earlier version, not told yet and not having chosen already),
// and records in the same statement that they are being told now: once per person and purpose.
// The opt-out window of conditions.ts runs from that date.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor } from '../actors.ts';
import { refuse } from '../access/refuse.ts';
import { appendAudit } from '../audit/append.ts';
import type { KernelContext } from '../context.ts';
import { policyOrder } from '../datamap/policy.ts';

export interface NewUseNoticeRequest {
  actor: Actor;
  /** A purpose introduced after the first policy version. */
  purpose: string;
  /** At most 1000; default 200. */
  limit?: number;
}

export async function claimNewUseNotices(ctx: KernelContext, db: Db, request: NewUseNoticeRequest): Promise<string[]> {
  const { actor, purpose: purposeId } = request;
  const limit = request.limit ?? 200;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw validationError('limit', 'must be a whole number from 1 to 1000');
  const purpose = ctx.map.purposes.get(purposeId);
  const base = { actor, action: 'notice.record' as const, purpose: purposeId, categories: [] as string[] };
  if (!purpose) return refuse(ctx, db, base, 'unknown-purpose', `The purpose ${purposeId} is not in the data map.`);
  if (actor.kind !== 'system') return refuse(ctx, db, base, 'role-may-not-use-purpose', 'Only a declared job sends the notices of a new use.');
  const older = ctx.map.policyVersions.slice(0, Math.max(policyOrder(ctx.map, purpose.since), 0)).map((v) => v.version);
  if (older.length === 0) return [];
  const at = ctx.now();
  const { rows } = await sql<{ subject_id: string }>`
    insert into privacy_new_use_notices (subject_id, purpose, sent_at)
    select s.id, ${purposeId}, ${at} from privacy_subjects s
    where s.status = 'active' and s.kind = any(${[...purpose.dataSubjects]}::text[])
      and exists (select 1 from privacy_items o where o.subject_id = s.id and o.category = any(${[...purpose.categories]}::text[]) and o.policy_version = any(${older}::text[]))
      and not exists (select 1 from privacy_new_use_notices n where n.subject_id = s.id and n.purpose = ${purposeId})
      and not exists (select 1 from privacy_consents c where c.subject_id = s.id and c.purpose = ${purposeId} and c.recipient = '')
      and exists (select 1 from privacy_items e where e.subject_id = s.id and e.category = 'user.contact.email' and e.ref = '')
    order by s.id limit ${limit}
    returning subject_id`.execute(db);
  const ids = rows.map((r) => r.subject_id);
  await appendAudit(db, [{ ...base, outcome: 'ok', subjectId: null, detail: { newUseNotices: ids.length } }], at);
  return ids;
}

/** When the person was told of each new use, if they were. */
export async function newUseNoticesOf(ctx: KernelContext, db: Db, request: { subject: string; actor: Actor }): Promise<{ purpose: string; sentAt: Date }[]> {
  const { subject, actor } = request;
  if (actor.kind === 'vendor' || (actor.kind === 'self' && actor.subjectId !== subject)) {
    return refuse(
      ctx,
      db,
      { actor, action: 'notice.read', subjectId: subject, purpose: 'data-rights', categories: [] },
      'not-own-data',
      'Only the person, staff or the shop read when a person was told of a new use.',
    );
  }
  const { rows } = await sql<{ purpose: string; sent_at: Date | string }>`
    select purpose, sent_at from privacy_new_use_notices where subject_id = ${subject}::uuid order by sent_at, purpose`.execute(db);
  return rows.map((r) => ({ purpose: r.purpose, sentAt: new Date(r.sent_at) }));
}
