// Erasure by crypto-shredding (P000-12). Erasing a subject punctures its leaf in the keyring's
// shredder (so its wrapped data key can never be unwrapped again, from the live database or from
// any backup), deletes the wrapped key and the blind-index entries, and marks the subject erased.
// It takes the same time for one item or ten thousand: the unreadable ciphertexts are removed
// later by the sweep job. Records other duties need (an order's amount and date) live in other
// modules' tables, hold no personal data, and stay.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { notFound, validationError } from '../platform/errors.ts';
import { systemActor, type Actor } from './actors.ts';
import { refuse } from './access/refuse.ts';
import { appendAudit, auditCtes } from './audit/append.ts';
import { reindexRestoredRows } from './blind-index-rotation.ts';
import type { KernelContext } from './context.ts';
import { mayActOnRights } from './access/data-rights.ts';
import { purgeKernelItems } from './retention/engine.ts';

export interface EraseResult {
  erased: boolean;
  alreadyErased: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function eraseSubject(ctx: KernelContext, db: Db, request: { subject: string; actor: Actor }): Promise<EraseResult> {
  const { subject, actor } = request;
  const base = { actor, action: 'subject.erase' as const, subjectId: subject, purpose: 'data-rights' };
  if (!UUID.test(subject)) throw validationError('subject', 'must be a subject id');
  if (!mayActOnRights(ctx.map, actor, subject)) return refuse(ctx, db, base, 'role-may-not-use-purpose', 'Only the person, staff handling data-rights requests or the system may erase a person.');
  const { rows } = await sql<{ status: string; leaf: number | null }>`
    select s.status, k.leaf from privacy_subjects s left join privacy_subject_keys k on k.subject_id = s.id
    where s.id = ${subject}::uuid`.execute(db);
  const row = rows[0];
  if (!row) throw notFound('The data subject');
  const leaf = row.leaf === null ? null : Number(row.leaf);
  // Irreversible, and first: if the database work below fails, the data is unreadable anyway
  // and a retry finishes the bookkeeping.
  if (leaf !== null && !ctx.keyring.isPunctured(leaf)) await ctx.keyring.puncture(leaf);
  ctx.keyCache.delete(subject);
  if (row.status === 'erased' && leaf === null) return { erased: false, alreadyErased: true };
  // One statement (atomic on its own, in the caller's transaction or not): the key row and the
  // blind indexes go, the subject is marked erased, and the two audit entries are written only
  // if this statement changed something (a concurrent erasure of the same subject that got there
  // first leaves nothing to do).
  const { rows: done } = await sql<{ erased: number }>`
    with b as (delete from privacy_blind_indexes where subject_id = ${subject}::uuid),
    k as (delete from privacy_subject_keys where subject_id = ${subject}::uuid returning leaf),
    u as (update privacy_subjects set status = 'erased', status_changed_at = ${ctx.now()}::timestamptz
      where id = ${subject}::uuid and (status <> 'erased' or exists (select 1 from k)) returning id),
    ${auditCtes(
      [
        { ...base, outcome: 'ok' },
        { actor, action: 'key.destroy', outcome: 'ok', subjectId: subject, detail: { shredded: leaf !== null } },
      ],
      ctx.now(),
      sql`u`,
    )}
    select count(*)::int as erased from u`.execute(db);
  if (!done[0]?.erased) return { erased: false, alreadyErased: true };
  return { erased: true, alreadyErased: row.status === 'erased' };
}

/**
 * After a backup was restored: finishes the erasure of every subject whose key the keyring has
 * already shredded (the backup predates its erasure), so the restored database agrees with it.
 * The keyring lists its punctured leaves, so this costs one lookup per past erasure, not a scan of
 * every subject; the kernel runs it at every start. Then, with those people's rows gone, re-indexes
 * the blind-index rows made under keys the keyring has since destroyed, so everyone else can be
 * found by email again (bounded; the blind-index job does any rest). Returns the erasures finished.
 */
export async function reconcileErasures(ctx: KernelContext, db: Db): Promise<number> {
  const leaves = ctx.keyring.puncturedLeaves();
  let done = 0;
  for (let i = 0; i < leaves.length; i += 1000) {
    const { rows } = await sql<{ subject_id: string }>`
      select subject_id from privacy_subject_keys where leaf = any(${leaves.slice(i, i + 1000)}::bigint[]) order by subject_id`.execute(db);
    for (const row of rows) {
      const result = await eraseSubject(ctx, db, { subject: row.subject_id, actor: systemActor(RECONCILE_ACTOR) });
      if (result.erased) done++;
    }
  }
  await reindexRestoredRows(ctx, db, systemActor(RECONCILE_ACTOR));
  return done;
}

export const RECONCILE_ACTOR = 'privacy.reconcile-restore';

export const SWEEP_JOB = 'privacy.sweep';

/** Removes ciphertexts of erased subjects and items past their retention, in batches (the retention engine's first store). */
export async function sweepItems(db: Db, now = new Date(), batch = 5000): Promise<{ erased: number; expired: number }> {
  const { erased, expired } = await purgeKernelItems(db, now, batch);
  if (erased || expired) {
    await appendAudit(db, [{ actor: systemActor(SWEEP_JOB), action: 'data.purge', outcome: 'ok', detail: { erased_items: erased, expired_items: expired } }], now);
  }
  return { erased, expired };
}
