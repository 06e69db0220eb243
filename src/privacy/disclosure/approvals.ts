// Where given disclosure requests stand (P000-03): asked, approved or rejected (when, by whom) and
// whether the approval was used (the ledger entry that used it). A module that records its own
// requests (legal disclosures) follows them here without reading the kernel's tables. No personal
// value is returned; staff of the roles that handle disclosures may ask, and asking is audited.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor, StaffRole } from '../actors.ts';
import { refuse } from '../access/refuse.ts';
import { appendAudit } from '../audit/append.ts';
import type { KernelContext } from '../context.ts';

export interface ApprovalState {
  id: string;
  subject: string;
  recipient: string;
  categories: string[];
  purpose: string;
  basis: string;
  order: string | null;
  requestedAt: Date;
  requestedBy: string;
  decision: 'approved' | 'rejected' | null;
  decidedAt: Date | null;
  decidedBy: string | null;
  /** The ledger entry made with this approval, once it is used. */
  disclosure: string | null;
}

const ROLES: readonly StaffRole[] = ['dpo', 'owner', 'accountant'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function approvalStates(ctx: KernelContext, db: Db, r: { actor: Actor; ids: readonly string[] }): Promise<ApprovalState[]> {
  const base = { actor: r.actor, action: 'disclosure.list' as const };
  if (r.actor.kind !== 'staff' || !ROLES.includes(r.actor.role)) return refuse(ctx, db, base, 'not-dpo', `Only ${ROLES.join(', ')} follow disclosure requests.`);
  if (r.ids.length > 500) throw validationError('ids', 'must be at most 500');
  const ids = r.ids.filter((id) => UUID.test(id));
  if (ids.length === 0) return [];
  const { rows } = await sql<{
    id: string;
    subject_id: string;
    recipient: string;
    categories: string[];
    purpose: string;
    basis: string;
    order_ref: string | null;
    requested_at: Date;
    requested_by: string;
    decision: 'approved' | 'rejected' | null;
    decided_at: Date | null;
    decided_by: string | null;
    disclosure_id: string | null;
  }>`
    select a.id, a.subject_id, a.recipient, a.categories, a.purpose, a.basis, a.order_ref, a.requested_at, a.requested_by,
      d.decision, d.decided_at, d.decided_by, x.id as disclosure_id
    from privacy_disclosure_approvals a
    left join privacy_disclosure_decisions d on d.approval_id = a.id
    left join privacy_disclosures x on x.approval_id = a.id
    where a.id = any(${ids}::uuid[])`.execute(db);
  await appendAudit(db, [{ ...base, outcome: 'ok', detail: { count: rows.length } }], ctx.now());
  return rows.map((row) => ({
    id: row.id,
    subject: row.subject_id,
    recipient: row.recipient,
    categories: row.categories,
    purpose: row.purpose,
    basis: row.basis,
    order: row.order_ref,
    requestedAt: new Date(row.requested_at),
    requestedBy: row.requested_by,
    decision: row.decision,
    decidedAt: row.decided_at ? new Date(row.decided_at) : null,
    decidedBy: row.decided_by,
    disclosure: row.disclosure_id,
  }));
}
