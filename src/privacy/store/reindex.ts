// Re-indexing: blind-index rows not under the active key get their digest recomputed under it,
// from the item they index (decrypted here, inside the kernel), or are deleted when nothing may be
// recomputed: the subject is erased or its leaf punctured, the item is gone, or the category has no
// blind index in the data map any more. Rows are taken in batches with FOR UPDATE SKIP LOCKED, so
// several workers share the work and a crash leaves nothing half done (decision 0023).
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { KernelContext } from '../context.ts';
import { unwrapDataKey } from '../crypto/data-keys.ts';
import { itemAad, open } from '../crypto/envelope.ts';
import { SubjectErased } from '../refusals.ts';

/**
 * `not-active`: every row not under the active key. `not-held`: only rows under versions the
 * keyring no longer holds, which no lookup can match (a restored backup's rows); they go first.
 */
export type ReindexScope = 'not-active' | 'not-held';

export interface ReindexCounts {
  reindexed: number;
  dropped: number;
  /** False when `limit` stopped the work before every row of the scope was handled. */
  complete: boolean;
}

interface Row {
  subject_id: string;
  category: string;
  ref: string;
  kind: string;
  status: string;
  leaf: number | null;
  master_key_id: string | null;
  wrapped_key: Buffer | null;
  ciphertext: Buffer | null;
}

interface Key {
  subject_id: string;
  category: string;
  ref: string;
}

function versionsOutside(ctx: KernelContext, scope: ReindexScope): RawBuilder<unknown> {
  const keys = ctx.keyring.blindIndexKeys();
  const versions = scope === 'not-held' ? keys.map((k) => k.version) : keys.filter((k) => k.state === 'active').map((k) => k.version);
  const [low, high] = [Math.min(...versions), Math.max(...versions)];
  // Two index ranges rather than `<>`, so the version index finds the few rows left behind.
  return sql`(b.key_version < ${low}::int or b.key_version > ${high}::int)`;
}

/** Whether any row of the scope is left (one indexed probe; what start runs when nothing changed). */
export async function anyToReindex(ctx: KernelContext, db: Db, scope: ReindexScope): Promise<boolean> {
  const { rows } = await sql`select 1 from privacy_blind_indexes b where ${versionsOutside(ctx, scope)} limit 1`.execute(db);
  return rows.length > 0;
}

export async function reindexBlindIndexes(ctx: KernelContext, db: Db, options: { scope: ReindexScope; limit?: number; batch?: number }): Promise<ReindexCounts> {
  const batch = options.batch ?? 500;
  const limit = options.limit ?? Infinity;
  const counts = { reindexed: 0, dropped: 0, complete: false };
  // Each batch starts after the last row of the one before, in primary-key order, so a full
  // rotation reads every row once rather than re-sorting what is left for every batch. Rows
  // skipped because another worker held them are that worker's, or the next run's.
  let after: Key | null = null;
  while (counts.reindexed + counts.dropped < limit) {
    const size = Math.min(batch, limit - counts.reindexed - counts.dropped);
    const done: BatchResult = await db.transaction().execute((trx) => reindexBatch(ctx, trx, options.scope, size, after));
    counts.reindexed += done.reindexed;
    counts.dropped += done.dropped;
    if (!done.last) return { ...counts, complete: true };
    after = done.last;
  }
  return { ...counts, complete: !(await anyToReindex(ctx, db, options.scope)) };
}

interface BatchResult {
  reindexed: number;
  dropped: number;
  /** The last row of a full batch (where the next one starts); null when the batch was not full. */
  last: Key | null;
}

async function reindexBatch(ctx: KernelContext, trx: Db, scope: ReindexScope, size: number, after: Key | null): Promise<BatchResult> {
  const { rows } = await sql<Row>`
    select b.subject_id, b.category, b.ref, s.kind, s.status, k.leaf, k.master_key_id, k.wrapped_key, i.ciphertext
    from privacy_blind_indexes b
    join privacy_subjects s on s.id = b.subject_id
    left join privacy_subject_keys k on k.subject_id = b.subject_id
    left join privacy_items i on i.subject_id = b.subject_id and i.category = b.category and i.ref = b.ref
    where ${versionsOutside(ctx, scope)}
      ${after ? sql`and (b.subject_id, b.category, b.ref) > (${after.subject_id}::uuid, ${after.category}::text, ${after.ref}::text)` : sql``}
    order by b.subject_id, b.category, b.ref
    limit ${size}
    for update of b skip locked`.execute(trx);
  const updates: (Key & { digest: Buffer; version: number })[] = [];
  const drops: Key[] = [];
  // Rows come ordered by subject: one unwrap per subject of the batch.
  let subject: string | null = null;
  let dataKey: Buffer | null = null;
  for (const row of rows) {
    const key = { subject_id: row.subject_id, category: row.category, ref: row.ref };
    if (subject !== row.subject_id) [subject, dataKey] = [row.subject_id, await dataKeyOf(ctx, row)];
    const recomputed = dataKey && recompute(ctx, row, dataKey);
    if (recomputed) updates.push({ ...key, ...recomputed });
    else drops.push(key);
  }
  const keyArrays = (list: Key[]) => sql`${list.map((r) => r.subject_id)}::uuid[], ${list.map((r) => r.category)}::text[], ${list.map((r) => r.ref)}::text[]`;
  if (updates.length) {
    await sql`
      update privacy_blind_indexes b set digest = v.digest, key_version = v.version
      from unnest(${keyArrays(updates)}, ${updates.map((u) => u.digest)}::bytea[], ${updates.map((u) => u.version)}::int[]) as v(subject_id, category, ref, digest, version)
      where b.subject_id = v.subject_id and b.category = v.category and b.ref = v.ref`.execute(trx);
  }
  if (drops.length) {
    await sql`
      delete from privacy_blind_indexes b using unnest(${keyArrays(drops)}) as v(subject_id, category, ref)
      where b.subject_id = v.subject_id and b.category = v.category and b.ref = v.ref`.execute(trx);
  }
  const last = rows.length === size ? rows.at(-1)! : null;
  return { reindexed: updates.length, dropped: drops.length, last: last && { subject_id: last.subject_id, category: last.category, ref: last.ref } };
}

/** The subject's data key, or null when nothing of theirs may be read again (erased, or its leaf punctured). */
async function dataKeyOf(ctx: KernelContext, row: Row): Promise<Buffer | null> {
  if (row.status === 'erased' || row.leaf === null || row.master_key_id === null || row.wrapped_key === null) return null;
  try {
    const wrapped = { leaf: Number(row.leaf), master_key_id: row.master_key_id, wrapped_key: Buffer.from(row.wrapped_key) };
    return await unwrapDataKey(ctx, row.subject_id, row.kind, wrapped, { cache: false });
  } catch (err) {
    if (err instanceof SubjectErased) return null;
    // Anything else (a master key missing, a KMS down) fails the run, to be retried: never a reason to lose rows.
    throw err;
  }
}

/** The row's digest under the active key, or null when the row should go. */
function recompute(ctx: KernelContext, row: Row, dataKey: Buffer): { digest: Buffer; version: number } | null {
  const kind = ctx.map.categories.get(row.category)?.blindIndex;
  if (!kind || row.ciphertext === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(open(dataKey, Buffer.from(row.ciphertext), itemAad(row.subject_id, row.category, row.ref)).toString('utf8'));
  } catch {
    // An item that does not open where it lies (moved, or tampered with) cannot be indexed; the item itself stays.
    return null;
  }
  return typeof value === 'string' ? ctx.blind.activeDigest(row.category, kind, value) : null;
}

/** Deletes, in batches, the rows of categories that have no blind index in the data map (any version). */
export async function deleteUnindexedRows(ctx: KernelContext, db: Db, batch = 5000): Promise<number> {
  const indexed = [...ctx.map.categories.values()].filter((c) => c.blindIndex).map((c) => c.key);
  let deleted = 0;
  for (;;) {
    const result = await sql`
      delete from privacy_blind_indexes where (subject_id, category, ref) in (
        select subject_id, category, ref from privacy_blind_indexes where category <> all(${indexed}::text[]) limit ${batch} for update skip locked)`.execute(db);
    const n = Number(result.numAffectedRows ?? 0);
    deleted += n;
    if (n < batch) return deleted;
  }
}

/** Whether any row is still under this version (then it may not be destroyed yet). */
export async function versionInUse(db: Db, version: number): Promise<boolean> {
  const { rows } = await sql`select 1 from privacy_blind_indexes where key_version = ${version}::int limit 1`.execute(db);
  return rows.length > 0;
}
