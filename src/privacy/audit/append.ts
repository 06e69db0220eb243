// Writes audit entries. Entries of an action are inserted by the same statement, in the caller's
// transaction, as the action itself where possible (so an action and its audit commit together),
// each with a marker in privacy_audit_pending that the sealer later turns into a chain link.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { actorRef } from '../actors.ts';
import type { AuditDetailValue, AuditEntry } from './entry.ts';

function checkDetail(detail: Record<string, AuditDetailValue>): void {
  for (const [key, value] of Object.entries(detail)) {
    const texts = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    // A last net: audit detail is codes and ids; an email address in it is a bug.
    for (const t of texts) if (t.includes('@')) throw new Error(`audit detail ${key} looks like personal data`);
  }
}

/** The VALUES row of one entry, for use inside a larger statement. */
export function auditValues(entry: AuditEntry, at: Date): RawBuilder<unknown> {
  const actor = actorRef(entry.actor);
  const detail = entry.detail ?? {};
  checkDetail(detail);
  return sql`(${at}::timestamptz, ${actor.kind}, ${actor.id}, ${actor.role}, ${entry.action}, ${entry.outcome}, ${entry.subjectId ?? null}::uuid, ${entry.purpose ?? null}, ${[...(entry.categories ?? [])]}::text[], ${JSON.stringify(detail)}::jsonb)`;
}

export const auditColumns = sql`(at, actor_kind, actor_id, actor_role, action, outcome, subject_id, purpose, categories, detail)`;

/** Inserts entries (and their pending-seal markers) with the given handle. */
export async function appendAudit(db: Db, entries: readonly AuditEntry[], at: Date): Promise<void> {
  if (entries.length === 0) return;
  await sql`
    with e as (insert into privacy_audit_log ${auditColumns} values ${sql.join(entries.map((e) => auditValues(e, at)))} returning id)
    insert into privacy_audit_pending (entry_id) select id from e`.execute(db);
}
