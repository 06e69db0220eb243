// Exact lookup through a blind index: which subjects have this email? Only staff and system actors
// may look up, under a purpose allowed to use the category. During a rotation a row may still be
// under the retiring key, so the value's digest under every key the keyring holds is matched, each
// against rows of its own version (decision 0023).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor } from '../actors.ts';
import { checkAccess } from '../access/checks.ts';
import { refuse } from '../access/refuse.ts';
import { appendAudit } from '../audit/append.ts';
import type { KernelContext } from '../context.ts';

export interface LookupRequest {
  category: string;
  value: string;
  actor: Actor;
  purpose: string;
}

export async function findSubjects(ctx: KernelContext, db: Db, request: LookupRequest): Promise<string[]> {
  const { category, value, actor, purpose } = request;
  const base = { actor, action: 'data.lookup' as const, purpose, categories: [category] };
  if (actor.kind === 'self' || actor.kind === 'vendor') return refuse(ctx, db, base, 'not-own-data', 'Only staff and the system may look people up.');
  const access = checkAccess(ctx.map, { actor, purpose, subjectId: '', categories: [category], mode: 'read' });
  if (!access.ok) return refuse(ctx, db, base, access.reason, access.message);
  const kind = ctx.map.categories.get(category)?.blindIndex;
  if (!kind) throw validationError('category', `${category} has no blind index in the data map`);
  const digests = ctx.blind.digestsUnderEveryKey(category, kind, value);
  const { rows } = await sql<{ subject_id: string; leaf: number }>`${prepared}
    select b.subject_id, k.leaf
    from unnest(${digests.map((d) => d.version)}::int[], ${digests.map((d) => d.digest)}::bytea[]) as d(version, digest)
    join privacy_blind_indexes b on b.category = ${category} and b.digest = d.digest and b.key_version = d.version
    join privacy_subjects s on s.id = b.subject_id join privacy_subject_keys k on k.subject_id = s.id
    where s.status <> 'erased'
    group by b.subject_id, k.leaf order by b.subject_id`.execute(db);
  // In a database restored from before an erasure, the erased person's index is back; their key is not.
  const ids = rows.filter((r) => !ctx.keyring.isPunctured(Number(r.leaf))).map((r) => r.subject_id);
  await appendAudit(db, [{ ...base, outcome: 'ok', subjectId: ids.length === 1 ? ids[0]! : null, detail: { matches: ids.length } }], ctx.now());
  return ids;
}
