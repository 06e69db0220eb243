// Forgetting some of a person's items on a module's own schedule (a proof of identity purged when its
// retention ends, or replaced by a new upload; decision 0047), not only by the kernel's sweep: the items of the
// given categories under one ref (or refs below it, `ref:…`) are deleted, with their blind indexes,
// and the deletion is audited as a purge under the purpose that asked. Purpose-checked as a write.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor } from '../actors.ts';
import { checkAccess } from '../access/checks.ts';
import { refuse } from '../access/refuse.ts';
import { auditCtes } from '../audit/append.ts';
import type { KernelContext } from '../context.ts';

export interface ForgetRequest {
  subject: string;
  actor: Actor;
  purpose: string;
  categories: readonly string[];
  /** The items' ref; items whose ref starts with `ref:` go too (one document kept in parts). */
  ref: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Deletes the items; returns how many went (0 when there were none, or the subject is erased). */
export async function forgetItems(ctx: KernelContext, db: Db, r: ForgetRequest): Promise<number> {
  if (!UUID.test(r.subject)) throw validationError('subject', 'must be a subject id');
  if (r.ref === '' || r.ref.length > 200 || r.ref.includes('\0')) throw validationError('ref', 'must be a ref of 1-200 characters');
  if (r.categories.length === 0) throw validationError('categories', 'must name at least one category');
  const access = checkAccess(ctx.map, { actor: r.actor, purpose: r.purpose, subjectId: r.subject, categories: r.categories, mode: 'write' });
  const base = { actor: r.actor, action: 'data.purge' as const, subjectId: r.subject, purpose: r.purpose, categories: [...r.categories] };
  if (!access.ok) return refuse(ctx, db, { ...base, detail: { ref_set: true } }, access.reason, access.message);
  const below = `${r.ref}:`;
  const at = ctx.now();
  const { rows } = await sql<{ n: number }>`
    with d as (
      delete from privacy_items where subject_id = ${r.subject}::uuid and category = any(${[...r.categories]}::text[])
        and (ref = ${r.ref} or left(ref, ${below.length}) = ${below})
      returning subject_id, category, ref
    ),
    b as (
      delete from privacy_blind_indexes x using d where x.subject_id = d.subject_id and x.category = d.category and x.ref = d.ref returning 1
    ),
    n as (select count(*)::int as n from d),
    ${auditCtes([{ ...base, outcome: 'ok', detail: { ref_set: true, forgotten: true } }], at, sql`n`)}
    select n from n`.execute(db);
  return rows[0]?.n ?? 0;
}
