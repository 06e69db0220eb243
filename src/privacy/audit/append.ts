// Writes audit entries. Entries of an action are inserted by the same statement, in the caller's
// transaction, as the action itself where possible (so an action and its audit commit together).
// When that transaction commits, a deferred trigger numbers each entry (gap-free, in commit order)
// and files it in privacy_audit_pending, which the sealer turns into chain links (decision 0027).
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import { actorRef } from '../actors.ts';
import type { AuditDetailValue, AuditEntry } from './entry.ts';

function checkDetail(detail: Record<string, AuditDetailValue>): void {
  for (const [key, value] of Object.entries(detail)) {
    const texts = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    // A last net: audit detail is codes and ids; an email address in it is a bug.
    for (const t of texts) if (t.includes('@')) throw new Error(`audit detail ${key} looks like personal data`);
  }
}

/** The column values of one entry, comma-separated, for use inside a larger statement. */
function auditRow(entry: AuditEntry, at: Date): RawBuilder<unknown> {
  const actor = actorRef(entry.actor);
  const detail = entry.detail ?? {};
  checkDetail(detail);
  const categories = entry.categories?.length ? sql`${[...entry.categories]}::text[]` : sql`'{}'::text[]`;
  const json = Object.keys(detail).length ? sql`${JSON.stringify(detail)}::jsonb` : sql`'{}'::jsonb`;
  return sql`${at}::timestamptz, ${actor.kind}::text, ${actor.id}::text, ${actor.role}::text, ${entry.action}::text, ${entry.outcome}::text, ${entry.subjectId ?? null}::uuid, ${entry.purpose ?? null}::text, ${categories}, ${json}`;
}

/** The VALUES row of one entry, for use inside a larger statement. */
export function auditValues(entry: AuditEntry, at: Date): RawBuilder<unknown> {
  return sql`(${auditRow(entry, at)})`;
}

export const auditColumns = sql`(at, actor_kind, actor_id, actor_role, action, outcome, subject_id, purpose, categories, detail)`;

/**
 * The CTE that audits an action inside the action's own statement: `a` inserts the entries (their
 * pending-seal markers follow at commit). With `onlyWith` (a CTE or table expression), the entries are
 * written once per row of it, so none when it is empty: "audit this read if it happened".
 */
export function auditCtes(entries: readonly AuditEntry[], at: Date, onlyWith?: RawBuilder<unknown>): RawBuilder<unknown> {
  const rows =
    entries.length === 1 && onlyWith
      ? sql`select ${auditRow(entries[0]!, at)} from ${onlyWith}`
      : onlyWith
        ? sql`select x.* from (values ${sql.join(entries.map((e) => auditValues(e, at)))}) x, ${onlyWith}`
        : sql`values ${sql.join(entries.map((e) => auditValues(e, at)))}`;
  return sql`a as (insert into privacy_audit_log ${auditColumns} ${rows} returning id)`;
}

/** Inserts entries with the given handle (numbered and marked pending when it commits). */
export async function appendAudit(db: Db, entries: readonly AuditEntry[], at: Date): Promise<void> {
  if (entries.length === 0) return;
  // Prepared: a handful of shapes (entry count, empty or not) cover every caller, and it runs on every lookup and refusal.
  await sql`${prepared}with ${auditCtes(entries, at)} select 1`.execute(db);
}

/**
 * Like `auditCtes` for a batch: each entry carries a number, and only the entries whose number is
 * in `matching` (a CTE with a column `n`) are written: "audit each read that happened".
 */
export function auditCtesEach(entries: readonly { n: number; entry: AuditEntry }[], at: Date, matching: RawBuilder<unknown>): RawBuilder<unknown> {
  const rows = sql.join(entries.map((e) => sql`(${e.n}::int, ${auditRow(e.entry, at)})`));
  return sql`a as (insert into privacy_audit_log ${auditColumns}
    select x.at, x.actor_kind, x.actor_id, x.actor_role, x.action, x.outcome, x.subject_id, x.purpose, x.categories, x.detail
    from (values ${rows}) as x(n, at, actor_kind, actor_id, actor_role, action, outcome, subject_id, purpose, categories, detail)
    where x.n in (select n from ${matching}) returning id)`;
}

/**
 * Like `auditCtes` for an entry whose content depends on what the statement finds: of `variants`,
 * each keyed by a text array, only the entry whose key equals `key` (an expression over `from`) is
 * written, once per row of `from`. A disclosure's entry names the categories the person held, as
 * its ledger row's digest does, read by the same statement.
 */
export function auditCtesChosen(variants: readonly { key: readonly string[]; entry: AuditEntry }[], at: Date, from: RawBuilder<unknown>, key: RawBuilder<unknown>): RawBuilder<unknown> {
  const rows = sql.join(variants.map((v) => sql`(${[...v.key]}::text[], ${auditRow(v.entry, at)})`));
  return sql`a as (insert into privacy_audit_log ${auditColumns}
    select x.at, x.actor_kind, x.actor_id, x.actor_role, x.action, x.outcome, x.subject_id, x.purpose, x.categories, x.detail
    from (values ${rows}) as x(key, at, actor_kind, actor_id, actor_role, action, outcome, subject_id, purpose, categories, detail), ${from}
    where x.key = ${key} returning id)`;
}
