// At the start of the shop and of the worker (decision 0027): the chain must still hold the head
// recorded outside the database. A new shop (no anchor, no link yet) records its first start in
// the chain; the sealer writes the first anchor when it seals link 1. Otherwise start refuses when
// the anchor is missing, ahead of the database (a restore) or contradicted (a rewrite), and names
// the command by which the DPO accepts the chain as it stands.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { systemActor } from '../actors.ts';
import type { KernelContext } from '../context.ts';
import { PrivacySetupError } from '../refusals.ts';
import { anchorState, type AnchorState } from './anchor.ts';
import { appendAudit } from './append.ts';

const REANCHOR = 'custodian audit verify --re-anchor --dpo <dpo email> --code <their 2FA code> --reason';

/** Why the anchor does not match, in words; null when it does (or the shop is new). */
export function anchorProblem(state: AnchorState, path: string): string | null {
  switch (state.state) {
    case 'new':
    case 'ok':
      return null;
    case 'missing':
      return `the audit anchor ${path} is missing, though the chain has ${state.head.seq} sealed links: it was removed, and without it a rewritten chain cannot be told from the original. Put it back from a copy; or the privacy officer accepts the chain as it stands: ${REANCHOR} anchor-lost`;
    case 'behind':
      return `the database's audit chain ends at link ${state.head?.seq ?? 0}, behind link ${state.anchor.seq} recorded in ${path} on ${state.anchor.anchoredAt}: the database was restored from an older backup (or links were removed). If this is a deliberate restore, the privacy officer records it: ${REANCHOR} restore`;
    case 'rewritten':
      return `link ${state.anchor.seq} of the database's audit chain no longer has the hash recorded in ${path} on ${state.anchor.anchoredAt}: the chain was rewritten. Investigate (custodian audit verify); the privacy officer may accept the chain as it stands: ${REANCHOR} incident --case <reference>`;
  }
}

/**
 * A new shop's first seal commits link 1 a moment before it writes the first anchor: another
 * process starting in between would find the anchor missing. Such a young chain gets a few seconds
 * for its anchor to appear; if it does not, start refuses as for any missing anchor.
 */
async function settledState(db: Db, path: string): Promise<AnchorState> {
  for (let attempt = 0; ; attempt++) {
    const state = await anchorState(db, path);
    if (state.state !== 'missing' || attempt >= 20) return state;
    const { rows } = await sql<{ young: boolean }>`select sealed_at > now() - interval '1 minute' as young from privacy_audit_chain where seq = 1`.execute(db);
    if (!rows[0]?.young) return state;
    await sleep(250);
  }
}

export async function checkAnchorAtStart(ctx: KernelContext, db: Db): Promise<void> {
  if (!ctx.anchorPath) return;
  const state = await settledState(db, ctx.anchorPath);
  const problem = anchorProblem(state, ctx.anchorPath);
  if (problem) throw new PrivacySetupError(problem);
  if (state.state === 'new') {
    await appendAudit(db, [{ actor: systemActor('privacy.start'), action: 'audit.anchor', outcome: 'ok', detail: { event: 'first-start' } }], ctx.now());
    ctx.log?.info({}, 'privacy: first start recorded in the audit chain; the sealer anchors the chain when it seals its first link');
  }
}
