// Personal data items: one encrypted value per (subject, category, ref). Reads and writes are
// purpose-checked; on the fast path the conditions, the data and the audit row are one statement.
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor } from '../actors.ts';
import { checkAccess } from '../access/checks.ts';
import { auditOutsideCaller, refuse } from '../access/refuse.ts';
import { auditCtes, auditCtesEach } from '../audit/append.ts';
import type { AuditEntry } from '../audit/entry.ts';
import type { KernelContext } from '../context.ts';
import type { Purpose } from '../datamap/types.ts';
import { cachedDataKey, unwrapDataKey } from '../crypto/data-keys.ts';
import { itemAad, open, seal } from '../crypto/envelope.ts';
import { retentionDays } from '../datamap/policy.ts';
import { conditionsOf, conditionsSql, explainUnmet } from './conditions.ts';
import { currentPolicyVersion, dataKeyOf } from './subjects.ts';
import { type RefusalReason, SubjectErased } from '../refusals.ts';

export type PersonalValue = string | number | boolean | null | PersonalValue[] | { [key: string]: PersonalValue };

export interface PersonalItem {
  /** The item's own id (a correction names it). */
  id: string;
  category: string;
  ref: string;
  value: PersonalValue;
  /** The purpose it was collected for, which sets its retention. */
  purpose: string;
  /** The policy version in force when this item was collected (P004-20). */
  policyVersion: string;
  collectedAt: Date;
  retainUntil: Date;
  /** Inbound data: the declared source it was received from (collectedAt is when) and the legal basis then; null for data the shop collected itself. */
  source: { id: string; basis: string } | null;
}

export interface PersonalRecord {
  subjectId: string;
  items: PersonalItem[];
  /** Values by category of the items with the ref asked for (default '': the person's current name, email, …). */
  values: Record<string, PersonalValue>;
}

export interface WriteRequest {
  subject: string;
  actor: Actor;
  purpose: string;
  values: Record<string, PersonalValue>;
  /** Distinguishes several items of one category (an order's address, one support message); default ''. */
  ref?: string;
  /** Data received from a third party: the id of a source declared in the data map, which must provide every category for this purpose. */
  source?: string;
}

export interface ReadRequest {
  subject: string;
  actor: Actor;
  purpose: string;
  categories?: readonly string[];
  projection?: string;
  ref?: string;
}

export interface ReadManyRequest {
  actor: Actor;
  purpose: string;
  categories: readonly string[];
  /** The items to read: a person and the ref of their items (default ''); at most 500. */
  items: readonly { subject: string; ref?: string }[];
}

/** Per item of a batch read, in the order asked: its record, or why it was refused (audited as such). */
export type ReadManyResult = { ok: true; record: PersonalRecord } | { ok: false; reason: RefusalReason | 'erased' };

const MAX_BATCH = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_VALUE_BYTES = 64 * 1024;
const DAY_MS = 86_400_000;

export class TamperedData extends Error {
  constructor() {
    super('A stored personal item does not belong where it was found (its associated data does not match).');
    this.name = 'TamperedData';
  }
}

export async function writeItems(ctx: KernelContext, db: Db, request: WriteRequest): Promise<void> {
  const { subject, actor, ...write } = request;
  return writeAllItems(ctx, db, { subject, actor, writes: [write] });
}

export interface WriteAllRequest {
  subject: string;
  actor: Actor;
  /** Each as one `write` would take it: its purpose, ref, values and source; each (category, ref) once over all of them. */
  writes: readonly Omit<WriteRequest, 'subject' | 'actor'>[];
}

/**
 * One person's items under several purposes or refs (an order's copies and the age statement) in
 * one statement. Each write is checked as `writeItems` checks one (the access rules; its purpose's
 * database conditions in the statement) and audited by its own `data.write` entry. All or nothing:
 * when any write is refused, nothing is written and the first refusal is audited and thrown.
 */
export async function writeAllItems(ctx: KernelContext, db: Db, request: WriteAllRequest): Promise<void> {
  const { subject } = request;
  if (request.writes.length === 0) return;
  const checked = checkWrites(ctx, request);
  for (const c of checked) if (!c.access.ok) return refuse(ctx, db, c.base, c.access.reason, c.access.message);

  // The data key: cached, or unwrapped after one lookup. The write itself checks in its statement
  // that the subject and its key row still exist (erasure deletes the row).
  const dataKey = await writeKeyOf(ctx, db, subject).catch(async (err: unknown) => {
    if (err instanceof SubjectErased) await refuse(ctx, db, checked[0]!.base, 'erased', 'erased');
    throw err;
  });
  const at = ctx.now();
  const parts = sealWrites(ctx, subject, checked, dataKey, at);
  // Each purpose's conditions once (a write's categories do not enter them: `olderVersions` is for reads).
  const purposes = new Map(parts.map((p) => [p.purpose.id, p]));

  // One statement: every purpose's conditions, the items, their blind indexes and one audit entry per write.
  const { rows: result } = await sql<{ written: number }>`${prepared}
    with g as (
      select s.id from privacy_subjects s join privacy_subject_keys k on k.subject_id = s.id
      where s.id = ${subject}::uuid and ${sql.join(
        [...purposes.values()].map((p) => conditionsSql(p.purpose.id, p.conditions, p.categories)),
        sql` and `,
      )}
    ),
    ${itemCtes(ctx, parts, at, sql`g`)},
    ${auditCtes(
      parts.map((p) => p.entry),
      at,
      sql`g`,
    )}
    select count(*)::int as written from i`.execute(db);

  if (!result[0]?.written) {
    for (const p of parts) {
      const unmet = await explainUnmet(db, subject, p.purpose, p.conditions, p.categories);
      if (unmet) return refuse(ctx, db, p.base, unmet.reason, unmet.message);
    }
    throw new Error('privacy: a write found its conditions met but wrote nothing');
  }
}

/** The checks of each write that need no database: ref, declared source, the access rules; each (category, ref) once. */
export function checkWrites(ctx: KernelContext, request: WriteAllRequest) {
  const { subject, actor } = request;
  const checked = request.writes.map((w) => {
    const ref = w.ref ?? '';
    if (ref.length > 200 || ref.includes('\0')) throw validationError('ref', 'must be at most 200 characters');
    const source = w.source === undefined ? null : declaredSource(ctx, { ...w, subject, actor });
    const access = checkAccess(ctx.map, { actor, purpose: w.purpose, subjectId: subject, categories: Object.keys(w.values), mode: 'write' });
    const base = { actor, action: 'data.write' as const, subjectId: subject, purpose: w.purpose, categories: access.categories, ...(source ? { detail: { source: source.id } } : {}) };
    return { write: w, ref, source, access, base };
  });
  const seen = new Set<string>();
  for (const c of checked) {
    if (!c.access.ok) continue;
    for (const category of c.access.categories) {
      const key = `${category}\0${c.ref}`;
      if (seen.has(key)) throw validationError('writes', 'name each category and ref once');
      seen.add(key);
    }
  }
  return checked;
}

type CheckedWrite = ReturnType<typeof checkWrites>[number];
type SealedWrite = ReturnType<typeof sealWrites>[number];

/** Each write's items sealed under the data key, with its purpose's conditions and its audit entry (the access rules passed). */
export function sealWrites(ctx: KernelContext, subject: string, checked: readonly CheckedWrite[], dataKey: Buffer, at: Date) {
  return checked.map(({ write, ref, source, access, base }) => {
    if (!access.ok) throw new Error('privacy: a refused write cannot be sealed');
    const { purpose, categories } = access;
    const rows = categories.map((category) => {
      const value = write.values[category];
      const plaintext = Buffer.from(JSON.stringify(value ?? null), 'utf8');
      if (plaintext.length > MAX_VALUE_BYTES) throw validationError(`values.${category}`, 'is too large');
      const blindKind = ctx.map.categories.get(category)?.blindIndex ?? null;
      if (blindKind && typeof value !== 'string') throw validationError(`values.${category}`, 'must be text');
      return {
        id: randomUUID(),
        category,
        ref,
        ciphertext: seal(dataKey, plaintext, itemAad(subject, category, ref)),
        retainUntil: new Date(at.getTime() + retentionDays(ctx.map, category, purpose.id).days * DAY_MS),
        purpose: purpose.id,
        source,
        blind: blindKind ? ctx.blind.activeDigest(category, blindKind, value as string) : null,
      };
    });
    const conditions = conditionsOf(ctx, purpose, 'write');
    const entry: AuditEntry = { ...base, outcome: 'ok', detail: { ...(ref ? { ref_set: true } : {}), ...(source ? { source: source.id, basis: source.basis } : {}) } };
    return { purpose, categories, conditions, rows, entry, base };
  });
}

/** The CTEs `i` (the items, `returning 1`) and `b` (their blind indexes), each written once per row of `from` (a CTE with the subject's `id`). */
export function itemCtes(ctx: KernelContext, parts: readonly SealedWrite[], at: Date, from: RawBuilder<unknown>): RawBuilder<unknown> {
  const rows = parts.flatMap((p) => p.rows);
  const indexed = rows.filter((r) => r.blind);
  const items = sql`i as (
      insert into privacy_items (id, subject_id, category, ref, ciphertext, policy_version, purpose, collected_at, retain_until, source, source_basis)
      select v.id, f.id, v.category, v.ref, v.ciphertext, ${currentPolicyVersion(ctx)}::text, v.purpose, ${at}::timestamptz, v.retain_until, v.source, v.source_basis
      from ${from} f, (values ${sql.join(
        rows.map(
          (r) =>
            sql`(${r.id}::uuid, ${r.category}::text, ${r.ref}::text, ${r.ciphertext}::bytea, ${r.retainUntil}::timestamptz, ${r.purpose}::text, ${r.source?.id ?? null}::text, ${r.source?.basis ?? null}::text)`,
        ),
      )}) as v(id, category, ref, ciphertext, retain_until, purpose, source, source_basis)
      on conflict (subject_id, category, ref) do update set ciphertext = excluded.ciphertext, policy_version = excluded.policy_version,
        purpose = excluded.purpose, collected_at = excluded.collected_at, retain_until = excluded.retain_until, source = excluded.source, source_basis = excluded.source_basis
      returning 1
    )`;
  if (!indexed.length) return items;
  return sql`${items},
    b as (
      insert into privacy_blind_indexes (subject_id, category, ref, digest, key_version)
      select f.id, v.category, v.ref, v.digest, v.key_version
      from ${from} f, (values ${sql.join(indexed.map((r) => sql`(${r.category}::text, ${r.ref}::text, ${r.blind!.digest}::bytea, ${r.blind!.version}::int)`))}) as v(category, ref, digest, key_version)
      on conflict (subject_id, category, ref) do update set digest = excluded.digest, key_version = excluded.key_version
    )`;
}

export interface WriteManyRequest {
  actor: Actor;
  purpose: string;
  /** One category for every item (no blind-indexed category: those are written one by one). */
  category: string;
  /** The items: a person, the ref of the item and its value; at most 500, each (subject, ref) once. */
  items: readonly { subject: string; ref: string; value: PersonalValue }[];
}

/**
 * Many items of one category for one purpose in one statement (a batch of usage records for many
 * customers). Each person is checked as `writeItems` checks one: the access rules, then the
 * purpose's database conditions in the statement; each item is audited by the same statement, one
 * `data.write` entry per item. All or nothing: when any person's conditions fail, nothing is
 * written and the refusal is audited and thrown as `writeItems` throws it.
 */
export async function writeManyItems(ctx: KernelContext, db: Db, request: WriteManyRequest): Promise<void> {
  const { actor, purpose: purposeId, category } = request;
  if (request.items.length === 0) return;
  if (request.items.length > MAX_BATCH) throw validationError('items', `must be at most ${MAX_BATCH}`);
  if (ctx.map.categories.get(category)?.blindIndex) throw validationError('category', 'has a blind index: write it with write()');
  const seen = new Set<string>();
  for (const item of request.items) {
    if (!UUID.test(item.subject)) throw validationError('subject', 'must be a subject id');
    if (item.ref.length > 200 || item.ref.includes('\0')) throw validationError('ref', 'must be at most 200 characters');
    const key = `${item.subject.toLowerCase()}\0${item.ref}`;
    if (seen.has(key)) throw validationError('items', 'name each subject and ref once');
    seen.add(key);
  }
  const subjects = [...new Set(request.items.map((i) => i.subject.toLowerCase()))];
  let purpose: Purpose | null = null;
  const baseOf = (subject: string, categories: string[]) => ({ actor, action: 'data.write' as const, subjectId: subject, purpose: purposeId, categories });
  for (const subject of subjects) {
    const access = checkAccess(ctx.map, { actor, purpose: purposeId, subjectId: subject, categories: [category], mode: 'write' });
    if (!access.ok) return refuse(ctx, db, baseOf(subject, access.categories), access.reason, access.message);
    purpose = access.purpose;
  }
  const checked = purpose!;
  const keys = new Map<string, Buffer>();
  for (const subject of subjects) {
    const dataKey = await writeKeyOf(ctx, db, subject).catch(async (err: unknown) => {
      if (err instanceof SubjectErased) await refuse(ctx, db, baseOf(subject, [category]), 'erased', 'erased');
      throw err;
    });
    keys.set(subject, dataKey);
  }
  const at = ctx.now();
  const version = currentPolicyVersion(ctx);
  const retainUntil = new Date(at.getTime() + retentionDays(ctx.map, category, checked.id).days * DAY_MS);
  const rows = request.items.map((item, n) => {
    const subject = item.subject.toLowerCase();
    const plaintext = Buffer.from(JSON.stringify(item.value ?? null), 'utf8');
    if (plaintext.length > MAX_VALUE_BYTES) throw validationError(`items.${n}.value`, 'is too large');
    return { n, subject, id: randomUUID(), ref: item.ref, ciphertext: seal(keys.get(subject)!, plaintext, itemAad(subject, category, item.ref)) };
  });
  const conditions = conditionsOf(ctx, checked, 'write');
  const entries = rows.map((r): { n: number; entry: AuditEntry } => ({ n: r.n, entry: { ...baseOf(r.subject, [category]), outcome: 'ok', detail: r.ref ? { ref_set: true } : {} } }));

  // One statement: every person's conditions, the items (only when all of them held) and one audit entry per item.
  const { rows: result } = await sql<{ written: number }>`
    with q(n, subject, id, ref, ciphertext) as (values ${sql.join(rows.map((r) => sql`(${r.n}::int, ${r.subject}::uuid, ${r.id}::uuid, ${r.ref}::text, ${r.ciphertext}::bytea)`))}),
    g as (
      select s.id from privacy_subjects s join privacy_subject_keys k on k.subject_id = s.id
      where s.id = any(${subjects}::uuid[]) and ${conditionsSql(checked.id, conditions, [category])}
    ),
    ok as (select q.* from q where (select count(*) from g) = ${subjects.length}::int),
    i as (
      insert into privacy_items (id, subject_id, category, ref, ciphertext, policy_version, purpose, collected_at, retain_until, source, source_basis)
      select ok.id, ok.subject, ${category}::text, ok.ref, ok.ciphertext, ${version}::text, ${checked.id}::text, ${at}::timestamptz, ${retainUntil}::timestamptz, null, null
      from ok
      on conflict (subject_id, category, ref) do update set ciphertext = excluded.ciphertext, policy_version = excluded.policy_version,
        purpose = excluded.purpose, collected_at = excluded.collected_at, retain_until = excluded.retain_until, source = excluded.source, source_basis = excluded.source_basis
      returning 1
    ),
    ${auditCtesEach(entries, at, sql`ok`)}
    select count(*)::int as written from i`.execute(db);

  if ((result[0]?.written ?? 0) !== rows.length) {
    for (const subject of subjects) {
      const unmet = await explainUnmet(db, subject, checked, conditions, [category]);
      if (unmet) return refuse(ctx, db, baseOf(subject, [category]), unmet.reason, unmet.message);
    }
    throw new Error('privacy: a batch write found its conditions met but wrote nothing');
  }
}

/** The declared source a write names, refused (400, naming the field) unless it provides every category for the purpose. */
function declaredSource(ctx: KernelContext, request: WriteRequest): { id: string; basis: string } {
  const source = typeof request.source === 'string' ? ctx.map.sources.get(request.source) : undefined;
  if (!source) throw validationError('source', 'is not a source of personal data declared in the data map');
  if (!source.purposes.has(request.purpose)) throw validationError('purpose', `${source.name} provides no data for this purpose`);
  for (const category of Object.keys(request.values)) {
    if (!source.provides.has(category)) throw validationError(`values.${category}`, `is not provided by ${source.name}`);
  }
  return { id: source.id, basis: source.basis };
}

export async function readItems(ctx: KernelContext, db: Db, request: ReadRequest): Promise<PersonalRecord> {
  const { subject, actor, purpose: purposeId } = request;
  const access = checkAccess(ctx.map, {
    actor,
    purpose: purposeId,
    subjectId: subject,
    mode: 'read',
    ...(request.categories ? { categories: request.categories } : {}),
    ...(request.projection !== undefined ? { projection: request.projection } : {}),
  });
  const detail: Record<string, string> = request.projection ? { projection: request.projection } : {};
  const base = { actor, action: 'data.read' as const, subjectId: subject, purpose: purposeId, categories: access.categories, detail };
  if (!access.ok) return refuse(ctx, db, base, access.reason, access.message);
  const { purpose, categories } = access;
  return fetchItems(ctx, db, { subject, purpose, categories, ...(request.ref !== undefined ? { ref: request.ref } : {}) }, { ...base, outcome: 'ok' });
}

/**
 * Many people's items of the same categories for one purpose in one statement (a page of orders
 * and their buyers' names). Each item is checked and audited exactly as `readItems` checks and
 * audits one: the access rules per person, the purpose's database conditions in the statement, one
 * `data.read` entry per item read (written by the same statement) and one refusal entry per item
 * refused. A refusal does not throw: the item's result says why.
 */
export async function readManyItems(ctx: KernelContext, db: Db, request: ReadManyRequest): Promise<ReadManyResult[]> {
  const { actor, purpose: purposeId } = request;
  if (request.items.length > MAX_BATCH) throw validationError('items', `must be at most ${MAX_BATCH}`);
  for (const item of request.items) if (!UUID.test(item.subject)) throw validationError('subject', 'must be a subject id');
  const results: (ReadManyResult | undefined)[] = request.items.map(() => undefined);
  const refusals: AuditEntry[] = [];
  const asked: { n: number; subject: string; ref: string; entry: AuditEntry }[] = [];
  let checked: { purpose: Purpose; categories: string[] } | null = null;
  for (const [n, item] of request.items.entries()) {
    const access = checkAccess(ctx.map, { actor, purpose: purposeId, subjectId: item.subject, mode: 'read', categories: request.categories });
    const base = { actor, action: 'data.read' as const, subjectId: item.subject, purpose: purposeId, categories: access.categories, detail: {} };
    if (!access.ok) {
      refusals.push({ ...base, outcome: 'refused', detail: { reason: access.reason } });
      results[n] = { ok: false, reason: access.reason };
      continue;
    }
    checked = { purpose: access.purpose, categories: access.categories };
    asked.push({ n, subject: item.subject, ref: item.ref ?? '', entry: { ...base, outcome: 'ok' } });
  }

  const passed = checked;
  if (passed && asked.length) {
    const { purpose, categories } = passed;
    const conditions = conditionsOf(ctx, purpose, 'read');
    const at = ctx.now();
    // One statement: the conditions per person, the key rows, the items and an audit entry for each
    // item whose conditions held.
    const { rows } = await sql<ItemRow & { n: number }>`
      with q(n, subject, ref) as (values ${sql.join(asked.map((a) => sql`(${a.n}::int, ${a.subject}::uuid, ${a.ref}::text)`))}),
      g as (
        select q.n, q.ref as wanted, s.id, s.kind, k.leaf, k.master_key_id, k.wrapped_key
        from q join privacy_subjects s on s.id = q.subject join privacy_subject_keys k on k.subject_id = s.id
        where ${conditionsSql(purpose.id, conditions, categories)}
      ),
      ${auditCtesEach(
        asked.map((a) => ({ n: a.n, entry: a.entry })),
        at,
        sql`g`,
      )}
      select g.n, g.kind, g.leaf, g.master_key_id, g.wrapped_key, i.id, i.category, i.ref, i.ciphertext, i.purpose, i.policy_version, i.collected_at, i.retain_until, i.source, i.source_basis
      from g left join privacy_items i on i.subject_id = g.id and i.category = any(${categories}::text[]) and i.ref = g.wanted
      order by g.n, i.category`.execute(db);

    const byN = new Map<number, typeof rows>();
    for (const r of rows) byN.set(Number(r.n), [...(byN.get(Number(r.n)) ?? []), r]);
    for (const a of asked) {
      const found = byN.get(a.n);
      const refused = (reason: RefusalReason | 'erased') => {
        refusals.push({ ...a.entry, outcome: 'refused', detail: { reason } });
        results[a.n] = { ok: false, reason };
      };
      if (!found?.[0]) {
        const unmet = await explainUnmet(db, a.subject, purpose, conditions, categories);
        refused(unmet?.reason ?? 'erased');
        continue;
      }
      const first = found[0];
      let dataKey: Buffer;
      try {
        dataKey = await unwrapDataKey(ctx, a.subject, first.kind, { leaf: Number(first.leaf), master_key_id: first.master_key_id, wrapped_key: Buffer.from(first.wrapped_key) });
      } catch (err) {
        if (!(err instanceof SubjectErased)) throw err;
        refused('erased');
        continue;
      }
      results[a.n] = { ok: true, record: decryptRows(dataKey, a.subject, found, a.ref) };
    }
  }
  if (refusals.length) await auditOutsideCaller(ctx, db, refusals);
  return results as ReadManyResult[];
}

/**
 * Reads and decrypts a subject's items after the access rules passed, checking the purpose's
 * database conditions and writing `entry` to the audit log in the same statement. `alongside` is
 * more CTEs of that statement (they may use `g`, the subject's row when the conditions held): a
 * disclosure's ledger row, written by the read it records. With `audit`, that CTE (named `a`)
 * writes the read's entry instead of `entry`'s (which still names a refusal).
 */
export async function fetchItems(
  ctx: KernelContext,
  db: Db,
  request: { subject: string; purpose: Purpose; categories: string[]; ref?: string },
  entry: AuditEntry,
  alongside?: { ctes: RawBuilder<unknown>; audit?: RawBuilder<unknown> },
): Promise<PersonalRecord> {
  const { subject, purpose, categories } = request;
  const { outcome: _outcome, ...base } = entry;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(subject)) throw validationError('subject', 'must be a subject id');
  const conditions = conditionsOf(ctx, purpose, 'read');
  const at = ctx.now();

  // One statement: the purpose's conditions, the key row, the items and the audit entry, which is
  // written only when the conditions held (a refusal is audited below, as a refusal).
  const { rows } = await sql<ItemRow>`${prepared}
    with g as (
      select s.id, s.kind, k.leaf, k.master_key_id, k.wrapped_key from privacy_subjects s join privacy_subject_keys k on k.subject_id = s.id
      where s.id = ${subject}::uuid and ${conditionsSql(purpose.id, conditions, categories)}
    ),
    ${alongside?.audit ?? auditCtes([entry], at, sql`g`)}${alongside ? sql`, ${alongside.ctes}` : sql``}
    select g.kind, g.leaf, g.master_key_id, g.wrapped_key, i.id, i.category, i.ref, i.ciphertext, i.purpose, i.policy_version, i.collected_at, i.retain_until, i.source, i.source_basis
    from g left join privacy_items i on i.subject_id = g.id and i.category = any(${categories}::text[])
      ${request.ref !== undefined ? sql`and i.ref = ${request.ref}::text` : sql``}
    order by i.category, i.ref`.execute(db);

  const first = rows[0];
  if (!first) {
    const unmet = await explainUnmet(db, subject, purpose, conditions, categories);
    return refuse(ctx, db, base, unmet?.reason ?? 'erased', unmet?.message ?? 'erased');
  }
  const dataKey = await unwrapDataKey(ctx, subject, first.kind, { leaf: Number(first.leaf), master_key_id: first.master_key_id, wrapped_key: Buffer.from(first.wrapped_key) }).catch(
    async (err: unknown) => {
      // A database restored from before an erasure: the key is shredded though its row is back.
      if (err instanceof SubjectErased) await refuse(ctx, db, base, 'erased', 'erased');
      throw err;
    },
  );
  return decryptRows(dataKey, subject, rows, request.ref ?? '');
}

/** A subject's key row joined to its items (none: a left join's nulls), as the read statements return them. */
interface ItemRow {
  kind: string;
  leaf: number;
  master_key_id: string;
  wrapped_key: Buffer;
  id: string | null;
  category: string | null;
  ref: string | null;
  ciphertext: Buffer | null;
  purpose: string | null;
  policy_version: string | null;
  collected_at: Date | null;
  retain_until: Date | null;
  source: string | null;
  source_basis: string | null;
}

/** Decrypts the rows' items under the subject's data key; `values` holds those under `valueRef`. */
function decryptRows(dataKey: Buffer, subject: string, rows: readonly ItemRow[], valueRef: string): PersonalRecord {
  const items: PersonalItem[] = [];
  const values: Record<string, PersonalValue> = {};
  for (const r of rows) {
    if (r.id === null || r.category === null || r.ciphertext === null || r.ref === null) continue;
    let plaintext: Buffer;
    try {
      plaintext = open(dataKey, Buffer.from(r.ciphertext), itemAad(subject, r.category, r.ref));
    } catch {
      throw new TamperedData();
    }
    const value = JSON.parse(plaintext.toString('utf8')) as PersonalValue;
    items.push({
      id: r.id,
      category: r.category,
      ref: r.ref,
      value,
      purpose: r.purpose ?? '',
      policyVersion: r.policy_version ?? '',
      collectedAt: new Date(r.collected_at ?? 0),
      retainUntil: new Date(r.retain_until ?? 0),
      source: r.source ? { id: r.source, basis: r.source_basis ?? '' } : null,
    });
    if (r.ref === valueRef) values[r.category] = value;
  }
  return { subjectId: subject, items, values };
}

/** A write's data key: from the cache, or unwrapped after looking up the subject's key row. */
async function writeKeyOf(ctx: KernelContext, db: Db, subject: string): Promise<Buffer> {
  const cached = cachedDataKey(ctx, subject);
  if (cached) return cached.dataKey;
  return (await dataKeyOf(ctx, db, subject)).dataKey;
}
