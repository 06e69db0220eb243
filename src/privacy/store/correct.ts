// Correction (P001-10, P004-18): the person (or staff handling their request) replaces the value of
// one stored item. The item keeps its purpose, its policy version and when it was collected (a
// correction fixes what was collected; it is not new collection), and records when it was
// corrected. The account's own email (ref '', or 'pending') has its own path, the account's email
// change, which confirms the new address before it is used. A copy held elsewhere (the email given
// on an order) is corrected here, its blind index recomputed in the same statement.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { notFound, validationError } from '../../platform/errors.ts';
import type { Actor } from '../actors.ts';
import { checkAccess } from '../access/checks.ts';
import { refuse } from '../access/refuse.ts';
import { auditCtes } from '../audit/append.ts';
import type { KernelContext } from '../context.ts';
import { itemAad, seal } from '../crypto/envelope.ts';
import { SubjectErased } from '../refusals.ts';
import type { PersonalValue } from './items.ts';
import { dataKeyOf } from './subjects.ts';

export interface CorrectionRequest {
  subject: string;
  /** The item's id (PersonalItem.id). */
  item: string;
  value: PersonalValue;
  actor: Actor;
}

export interface Correction {
  category: string;
  ref: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_VALUE_BYTES = 64 * 1024;

export async function correctItem(ctx: KernelContext, db: Db, r: CorrectionRequest): Promise<Correction> {
  if (!UUID.test(r.subject)) throw validationError('subject', 'must be a subject id');
  if (!UUID.test(r.item)) throw validationError('item', 'must be an item id');
  const { rows } = await sql<{ category: string; ref: string }>`
    select category, ref from privacy_items where id = ${r.item}::uuid and subject_id = ${r.subject}::uuid`.execute(db);
  const item = rows[0];
  if (!item) throw notFound('The item');
  const base = { actor: r.actor, action: 'data.correct' as const, subjectId: r.subject, purpose: 'data-rights', categories: [item.category], detail: { ref_set: item.ref !== '' } };
  const access = checkAccess(ctx.map, { actor: r.actor, purpose: 'data-rights', subjectId: r.subject, categories: [item.category], mode: 'write' });
  if (!access.ok) return refuse(ctx, db, base, access.reason, access.message);
  const blindKind = ctx.map.categories.get(item.category)?.blindIndex ?? null;
  if (blindKind && (item.ref === '' || item.ref === 'pending')) throw validationError('item', 'an account’s email address is changed through the account, which confirms the new address first');
  if (blindKind && typeof r.value !== 'string') throw validationError('value', 'must be text');
  const blind = blindKind ? ctx.blind.activeDigest(item.category, blindKind, r.value as string) : null;
  const plaintext = Buffer.from(JSON.stringify(r.value ?? null), 'utf8');
  if (plaintext.length > MAX_VALUE_BYTES) throw validationError('value', 'is too large');
  const { dataKey } = await dataKeyOf(ctx, db, r.subject).catch(async (err: unknown) => {
    if (err instanceof SubjectErased) await refuse(ctx, db, base, 'erased', 'erased');
    throw err;
  });
  const at = ctx.now();
  // One statement: the new ciphertext (bound to the same subject, category and ref) and its audit entry.
  await sql`
    with u as (
      update privacy_items set ciphertext = ${seal(dataKey, plaintext, itemAad(r.subject, item.category, item.ref))}, corrected_at = ${at}
      where id = ${r.item}::uuid and subject_id = ${r.subject}::uuid returning 1
    ),
    ${
      blind
        ? sql`b as (
      insert into privacy_blind_indexes (subject_id, category, ref, digest, key_version)
      select ${r.subject}::uuid, ${item.category}::text, ${item.ref}::text, ${blind.digest}::bytea, ${blind.version}::int from u
      on conflict (subject_id, category, ref) do update set digest = excluded.digest, key_version = excluded.key_version
    ),`
        : sql``
    }
    ${auditCtes([{ ...base, outcome: 'ok' }], at, sql`u`)}
    select count(*) from u`.execute(db);
  return { category: item.category, ref: item.ref };
}
