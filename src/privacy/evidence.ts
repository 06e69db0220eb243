// What the kernel's ledgers show, as counts, for the privacy officer's promise report: audit entries
// by action and outcome (refusals by reason), disclosures by recipient and basis, consent choices,
// people by status, notices to recipients, purges and the audit chain's length. Counts only: no
// subject id, no value, nothing that points at a person. Only the DPO and owners may ask; asking
// is audited, a refusal too. The chain's own check is `verifyAuditLog` (audit/verify.ts).
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { Actor } from './actors.ts';
import { refuse } from './access/refuse.ts';
import { appendAudit } from './audit/append.ts';
import type { AuditAction, AuditOutcome } from './audit/entry.ts';
import type { KernelContext } from './context.ts';

export interface AuditTally {
  action: AuditAction;
  outcome: AuditOutcome;
  /** self, staff, vendor or system. */
  actorKind: string;
  purpose: string | null;
  /** The refusal's reason (refused entries only). */
  reason: string | null;
  count: number;
}

export interface PrivacyEvidence {
  audit: AuditTally[];
  disclosures: { recipient: string; basis: string; purpose: string; count: number }[];
  /** Disclosure requests on bases the DPO must approve. */
  approvals: { pending: number; approved: number; rejected: number };
  consents: { purpose: string; action: 'grant' | 'withdraw'; count: number }[];
  subjects: { kind: string; status: 'active' | 'restricted' | 'erased'; count: number }[];
  notices: { kind: 'erasure' | 'correction'; delivered: number; pending: number }[];
  /** Ciphertexts the sweep removed: of erased people, and past their retention. */
  purged: { erasedItems: number; expiredItems: number };
  /** Entries linked into the hash chain, and entries waiting for the sealer. */
  chain: { sealed: number; pending: number };
}

export async function privacyEvidence(ctx: KernelContext, db: Db, actor: Actor): Promise<PrivacyEvidence> {
  const base = { actor, action: 'evidence.read' as const };
  if (actor.kind !== 'staff' || (actor.role !== 'dpo' && actor.role !== 'owner')) {
    return refuse(ctx, db, base, 'not-dpo', 'Only the data protection officer and owners see the evidence of the ledgers.');
  }
  // One statement, so every count comes from the same snapshot.
  const { rows } = await sql<PrivacyEvidence>`
    select
      (select coalesce(json_agg(t), '[]'::json) from (
        select action, outcome, actor_kind as "actorKind", purpose, case when outcome = 'refused' then detail->>'reason' end as reason, count(*)::int as count
        from privacy_audit_log group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5) t) as audit,
      (select coalesce(json_agg(t), '[]'::json) from (
        select recipient, basis, purpose, count(*)::int as count from privacy_disclosures group by 1, 2, 3 order by 1, 2, 3) t) as disclosures,
      (select json_build_object(
        'pending', count(*) filter (where d.approval_id is null)::int,
        'approved', count(*) filter (where d.decision = 'approved')::int,
        'rejected', count(*) filter (where d.decision = 'rejected')::int)
        from privacy_disclosure_approvals a left join privacy_disclosure_decisions d on d.approval_id = a.id) as approvals,
      (select coalesce(json_agg(t), '[]'::json) from (
        select purpose, action, count(*)::int as count from privacy_consents group by 1, 2 order by 1, 2) t) as consents,
      (select coalesce(json_agg(t), '[]'::json) from (
        select kind, status, count(*)::int as count from privacy_subjects group by 1, 2 order by 1, 2) t) as subjects,
      (select coalesce(json_agg(t), '[]'::json) from (
        select n.kind, count(d.notice_id)::int as delivered, (count(*) - count(d.notice_id))::int as pending
        from privacy_recipient_notices n left join privacy_notice_deliveries d on d.notice_id = n.id group by 1 order by 1) t) as notices,
      (select json_build_object(
        'erasedItems', coalesce(sum((detail->>'erased_items')::bigint), 0)::bigint,
        'expiredItems', coalesce(sum((detail->>'expired_items')::bigint), 0)::bigint)
        from privacy_audit_log where action = 'data.purge') as purged,
      json_build_object(
        'sealed', (select coalesce(max(seq), 0) from privacy_audit_chain),
        'pending', (select count(*) from privacy_audit_pending)) as chain`.execute(db);
  await appendAudit(db, [{ ...base, outcome: 'ok' }], ctx.now());
  // json_agg and json_build_object hand back parsed JSON: the counts are numbers already.
  return rows[0]!;
}
