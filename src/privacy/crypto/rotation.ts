// Master-key rotation: a new master key becomes active and every wrapped data key is re-wrapped
// under it, in batches. The data itself (the items, encrypted under the data keys) is not touched.
// The old master key stays in the keyring, retired, so older backups remain restorable;
// `custodian keyring drop` removes it once the rotation has completed (no data key is still
// wrapped under it) and the operator decides those backups may go (decision 0025).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { Actor } from '../actors.ts';
import { appendAudit } from '../audit/append.ts';
import type { KernelContext } from '../context.ts';
import { conflict } from '../../platform/errors.ts';
import { rewrapDataKey } from './data-keys.ts';

export async function rotateMasterKey(ctx: KernelContext, db: Db, actor: Actor): Promise<{ keyId: string; rewrapped: number }> {
  const previous = ctx.masterKeys.activeKeyId();
  const keyId = await ctx.masterKeys.rotate();
  await appendAudit(db, [{ actor, action: 'key.rotate', outcome: 'ok', detail: { from: previous, to: keyId } }], ctx.now());
  const rewrapped = await rewrapAll(ctx, db, actor);
  return { keyId, rewrapped };
}

/** Re-wraps every data key not yet under the active master key (resumable: run again after a crash). */
export async function rewrapAll(ctx: KernelContext, db: Db, actor: Actor, batch = 500): Promise<number> {
  const active = ctx.masterKeys.activeKeyId();
  let total = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ subject_id: string; leaf: number; master_key_id: string; wrapped_key: Buffer }>`
        select subject_id, leaf, master_key_id, wrapped_key from privacy_subject_keys
        where master_key_id <> ${active} order by subject_id limit ${batch} for update skip locked`.execute(trx);
      for (const row of rows) {
        const { keyId, blob } = await rewrapDataKey(ctx, row.subject_id, { leaf: Number(row.leaf), master_key_id: row.master_key_id, wrapped_key: Buffer.from(row.wrapped_key) });
        await sql`update privacy_subject_keys set master_key_id = ${keyId}, wrapped_key = ${blob}, rewrapped_at = ${ctx.now()} where subject_id = ${row.subject_id}::uuid`.execute(trx);
      }
      if (rows.length) await appendAudit(trx, [{ actor, action: 'key.rewrap', outcome: 'ok', detail: { count: rows.length, to: active } }], ctx.now());
      return rows.length;
    });
    total += done;
    if (done < batch) return total;
  }
}

/**
 * Drops (zeroes and forgets) every retired master key once no wrapped data key is under it any
 * more. Refuses, naming how many data keys still are, while a rotation has not completed; run the
 * re-wrap (`custodian keyring rewrap`) first. Nothing is dropped unless all can be.
 */
export async function dropRetiredMasterKeys(ctx: KernelContext, db: Db, actor: Actor): Promise<{ dropped: string[] }> {
  const retired = ctx.masterKeys.retiredKeyIds();
  if (!retired.length) return { dropped: [] };
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from privacy_subject_keys where master_key_id = any(${retired}::text[])`.execute(db);
  const remaining = Number(rows[0]?.n ?? 0);
  if (remaining > 0) {
    throw conflict(`${remaining} data key(s) are still wrapped under a retired master key; the rotation has not completed. Run \`custodian keyring rewrap\` first, then drop.`);
  }
  for (const keyId of retired) await ctx.masterKeys.drop(keyId);
  await appendAudit(db, [{ actor, action: 'key.drop', outcome: 'ok', detail: { master_keys: retired } }], ctx.now());
  return { dropped: retired };
}
