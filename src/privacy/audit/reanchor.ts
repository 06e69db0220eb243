// Re-anchoring (decision 0027): when the chain no longer matches its anchor (the anchor file was
// lost, the database was restored from a backup, or a rewrite was investigated), only the privacy
// officer may accept the chain as it stands, for a reason from a fixed list. The act is an audit
// entry: who, why, the anchor it replaces and the head it accepts. It is sealed first, so the new
// anchor covers it. Every link must still verify on its own.
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor } from '../actors.ts';
import { refuse } from '../access/refuse.ts';
import type { KernelContext } from '../context.ts';
import { anchorState, replaceAnchor, type AuditAnchor, type AuditHead } from './anchor.ts';
import { appendAudit } from './append.ts';
import { sealAuditLog } from './seal.ts';
import { verifyAuditLog } from './verify.ts';

export const reanchorReasons = ['restore', 'anchor-lost', 'incident'] as const;
export type ReanchorReason = (typeof reanchorReasons)[number];

/** Which state of the anchor each reason answers. */
const answers: Record<ReanchorReason, readonly string[]> = {
  restore: ['behind'],
  'anchor-lost': ['missing'],
  incident: ['rewritten', 'behind', 'missing'],
};

export interface ReanchorRequest {
  actor: Actor;
  reason: string;
  /** A case or ticket reference (letters, digits, . _ -), required for an incident. */
  caseRef?: string;
}

export interface ReanchorResult {
  situation: string;
  previous: AuditAnchor | null;
  head: AuditHead;
}

export async function reanchorAudit(ctx: KernelContext, db: Db, r: ReanchorRequest): Promise<ReanchorResult> {
  const path = ctx.anchorPath;
  if (!path) throw new Error('this kernel has no audit anchor');
  if (!(reanchorReasons as readonly string[]).includes(r.reason)) throw validationError('reason', `must be one of ${reanchorReasons.join(', ')}`);
  const reason = r.reason as ReanchorReason;
  if (r.caseRef !== undefined && !/^[A-Za-z0-9._-]{1,40}$/.test(r.caseRef)) throw validationError('case', 'must be 1 to 40 letters, digits, dots, dashes or underscores');
  if (reason === 'incident' && r.caseRef === undefined) throw validationError('case', 'is required for an incident: the reference of its investigation');
  const action = reason === 'restore' ? ('audit.restore' as const) : ('audit.reanchor' as const);
  const state = await anchorState(db, path);
  const detail = { reason, situation: state.state, ...(r.caseRef !== undefined ? { case: r.caseRef } : {}) };
  if (r.actor.kind !== 'staff' || r.actor.role !== 'dpo') return refuse(ctx, db, { actor: r.actor, action, detail }, 'not-dpo', 'Only the privacy officer (role dpo) re-anchors the audit chain.');
  if (state.state === 'ok' || state.state === 'new') throw validationError('reason', 'the audit chain matches its anchor: there is nothing to re-anchor');
  if (!answers[reason].includes(state.state)) throw validationError('reason', `${reason} does not fit: the anchor is ${state.state}`);
  const chain = await verifyAuditLog(db);
  if (chain.firstBroken) {
    throw validationError(
      'chain',
      `a link is broken (${chain.firstBroken.seq !== null ? `link ${chain.firstBroken.seq}` : 'an unsealed entry'}: ${chain.firstBroken.problem}); a broken chain cannot be re-anchored`,
    );
  }
  const previous = 'anchor' in state ? state.anchor : null;
  await appendAudit(
    db,
    [
      {
        actor: r.actor,
        action,
        outcome: 'ok',
        detail: {
          ...detail,
          previous_anchor: previous ? `${previous.seq}:${previous.hash}` : null,
          previous_anchored_at: previous?.anchoredAt ?? null,
          chain_head: chain.head ? `${chain.head.seq}:${chain.head.hash}` : null,
        },
      },
    ],
    ctx.now(),
  );
  const sealed = await sealAuditLog(db);
  if (!sealed.head) throw new Error('the re-anchoring entry was not sealed');
  await replaceAnchor(path, sealed.head);
  ctx.log?.info({ reason, situation: state.state, audit_head: `${sealed.head.seq}:${sealed.head.hash}` }, 'privacy: the privacy officer re-anchored the audit chain');
  return { situation: state.state, previous, head: sealed.head };
}
