// Erasure by crypto-shredding (P000-12). Erasing a subject punctures its leaf in the keyring's
// shredder (so its wrapped data key can never be unwrapped again, from the live database or from
// any backup), deletes the wrapped key and the blind-index entries, and marks the subject erased.
// It takes the same time for one item or ten thousand: the unreadable ciphertexts are removed
// later by the sweep job. Records other duties need (an order's amount and date) live in other
// modules' tables, hold no personal data, and stay.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { notFound } from '../platform/errors.ts';
import { systemActor, type Actor } from './actors.ts';
import { refuse } from './access/refuse.ts';
import { appendAudit } from './audit/append.ts';
import type { KernelContext } from './context.ts';

export interface EraseResult {
  erased: boolean;
  alreadyErased: boolean;
}

function mayErase(ctx: KernelContext, actor: Actor, subject: string): boolean {
  switch (actor.kind) {
    case 'self':
      return actor.subjectId === subject;
    case 'staff':
      return ctx.map.roles.get(actor.role)?.purposes.has('data-rights') ?? false;
    case 'system':
      return true;
    case 'vendor':
      return false;
  }
}

export async function eraseSubject(ctx: KernelContext, db: Db, request: { subject: string; actor: Actor }): Promise<EraseResult> {
  const { subject, actor } = request;
  const base = { actor, action: 'subject.erase' as const, subjectId: subject, purpose: 'data-rights' };
  if (!mayErase(ctx, actor, subject)) return refuse(ctx, db, base, 'role-may-not-use-purpose', 'Only the person, staff handling data-rights requests or the system may erase a person.');
  const run = async (trx: Db): Promise<EraseResult> => {
    const { rows } = await sql<{ status: string; leaf: number | null }>`
      select s.status, k.leaf from privacy_subjects s left join privacy_subject_keys k on k.subject_id = s.id
      where s.id = ${subject}::uuid for update of s`.execute(trx);
    const row = rows[0];
    if (!row) throw notFound('The data subject');
    // Irreversible, and first: if the database work below fails, the data is unreadable anyway
    // and a retry finishes the bookkeeping.
    if (row.leaf !== null) await ctx.keyring.puncture(Number(row.leaf));
    ctx.keyCache.delete(subject);
    if (row.status === 'erased' && row.leaf === null) return { erased: false, alreadyErased: true };
    await sql`delete from privacy_blind_indexes where subject_id = ${subject}::uuid`.execute(trx);
    await sql`delete from privacy_subject_keys where subject_id = ${subject}::uuid`.execute(trx);
    await sql`update privacy_subjects set status = 'erased', status_changed_at = ${ctx.now()} where id = ${subject}::uuid`.execute(trx);
    await appendAudit(
      trx,
      [
        { ...base, outcome: 'ok' },
        { actor, action: 'key.destroy', outcome: 'ok', subjectId: subject, detail: { shredded: row.leaf !== null } },
      ],
      ctx.now(),
    );
    return { erased: true, alreadyErased: row.status === 'erased' };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * After a backup was restored: finishes the erasure of every subject whose key the keyring has
 * already shredded (the backup predates its erasure), so the restored database agrees with it.
 */
export async function reconcileErasures(ctx: KernelContext, db: Db): Promise<number> {
  let done = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<{ subject_id: string; leaf: number }>`
      select subject_id, leaf from privacy_subject_keys where subject_id > ${after}::uuid order by subject_id limit 1000`.execute(db);
    for (const row of rows) {
      if (ctx.keyring.leafSecret(Number(row.leaf)) === null) {
        await eraseSubject(ctx, db, { subject: row.subject_id, actor: systemActor('privacy.reconcile-restore') });
        done++;
      }
    }
    if (rows.length < 1000) return done;
    after = rows[rows.length - 1]!.subject_id;
  }
}

export const SWEEP_JOB = 'privacy.sweep';

/** Removes ciphertexts of erased subjects and items past their retention, in batches. */
export async function sweepItems(db: Db, now = new Date(), batch = 5000): Promise<{ erased: number; expired: number }> {
  let erased = 0;
  let expired = 0;
  for (;;) {
    const r = await sql`delete from privacy_items where id in (
      select i.id from privacy_subjects s join privacy_items i on i.subject_id = s.id where s.status = 'erased' limit ${batch})`.execute(db);
    const n = Number(r.numAffectedRows ?? 0);
    erased += n;
    if (n < batch) break;
  }
  for (;;) {
    const r = await sql`delete from privacy_items where id in (select id from privacy_items where retain_until < ${now} limit ${batch})`.execute(db);
    const n = Number(r.numAffectedRows ?? 0);
    expired += n;
    if (n < batch) break;
  }
  if (erased || expired) {
    await appendAudit(db, [{ actor: systemActor(SWEEP_JOB), action: 'data.purge', outcome: 'ok', detail: { erased_items: erased, expired_items: expired } }], now);
  }
  return { erased, expired };
}
