// Master-key rotation: a new master key becomes active and every wrapped data key is re-wrapped
// under it, in batches. The data itself (the items, encrypted under the data keys) is not touched.
// The old master key stays in the keyring, retired, so older backups remain restorable; `drop`
// removes it once those backups have aged out.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { Actor } from '../actors.ts';
import { appendAudit } from '../audit/append.ts';
import type { KernelContext } from '../context.ts';
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
