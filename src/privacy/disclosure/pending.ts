// The DPO console's list of disclosure requests awaiting a decision (P000-16). It shows what each
// request is about (recipient, categories, basis, purpose, order, who asked and when) and no
// personal value: the person is named only by subject id. Only the DPO and owners may list; the
// listing itself is audited, a refusal too.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { Actor } from '../actors.ts';
import { refuse } from '../access/refuse.ts';
import { appendAudit } from '../audit/append.ts';
import type { KernelContext } from '../context.ts';
import { disclosureBases, isDisclosureBasis } from './bases.ts';

export interface PendingDisclosureRequest {
  /** The request id: pass it to decideDisclosure. */
  id: string;
  requestedAt: Date;
  /** The staff id of who asked. */
  requestedBy: string;
  subject: string;
  recipient: string;
  recipientName: string;
  categories: string[];
  purpose: string;
  basis: string;
  basisLabel: string;
  order: string | null;
}

export async function pendingDisclosureRequests(ctx: KernelContext, db: Db, actor: Actor, limit = 200): Promise<PendingDisclosureRequest[]> {
  const base = { actor, action: 'disclosure.list' as const };
  if (actor.kind !== 'staff' || (actor.role !== 'dpo' && actor.role !== 'owner')) {
    return refuse(ctx, db, base, 'not-dpo', 'Only the data protection officer and owners see the disclosure requests.');
  }
  const { rows } = await sql<{
    id: string;
    requested_at: Date;
    requested_by: string;
    subject_id: string;
    recipient: string;
    categories: string[];
    purpose: string;
    basis: string;
    order_ref: string | null;
  }>`
    select a.id, a.requested_at, a.requested_by, a.subject_id, a.recipient, a.categories, a.purpose, a.basis, a.order_ref
    from privacy_disclosure_approvals a
    where not exists (select 1 from privacy_disclosure_decisions d where d.approval_id = a.id)
    order by a.requested_at, a.id
    limit ${Math.max(1, Math.min(limit, 1000))}`.execute(db);
  await appendAudit(db, [{ ...base, outcome: 'ok', detail: { count: rows.length } }], ctx.now());
  return rows.map((row) => ({
    id: row.id,
    requestedAt: new Date(row.requested_at),
    requestedBy: row.requested_by,
    subject: row.subject_id,
    recipient: row.recipient,
    recipientName: ctx.map.recipients.get(row.recipient)?.name ?? row.recipient,
    categories: row.categories,
    purpose: row.purpose,
    basis: row.basis,
    basisLabel: isDisclosureBasis(row.basis) ? disclosureBases[row.basis].label : row.basis,
    order: row.order_ref,
  }));
}
