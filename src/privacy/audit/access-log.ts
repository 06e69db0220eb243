// "Who looked at my data": the audit entries about one person, for their privacy centre and their
// export. Entries name actors pseudonymously; a staff member is shown by role only.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor } from '../actors.ts';
import { refuse } from '../access/refuse.ts';
import { mayActOnRights } from '../access/data-rights.ts';
import { appendAudit } from './append.ts';
import type { KernelContext } from '../context.ts';

export interface AccessLogEntry {
  at: Date;
  /** self, staff, vendor or system. */
  by: string;
  /** The staff role, or the job's name for the system; null for the person and vendors. */
  byDetail: string | null;
  action: string;
  outcome: string;
  purpose: string | null;
  categories: string[];
}

export async function accessLog(ctx: KernelContext, db: Db, r: { subject: string; actor: Actor }): Promise<AccessLogEntry[]> {
  const base = { actor: r.actor, action: 'audit.read' as const, subjectId: r.subject, purpose: 'data-rights' };
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(r.subject)) throw validationError('subject', 'must be a subject id');
  if (!mayActOnRights(ctx.map, r.actor, r.subject)) return refuse(ctx, db, base, 'not-own-data', "Only the person, staff handling data-rights requests or the system read a person's access log.");
  const { rows } = await sql<{ at: Date; actor_kind: string; actor_id: string; actor_role: string | null; action: string; outcome: string; purpose: string | null; categories: string[] }>`
    select at, actor_kind, actor_id, actor_role, action, outcome, purpose, categories from privacy_audit_log
    where subject_id = ${r.subject}::uuid order by id`.execute(db);
  await appendAudit(db, [{ ...base, outcome: 'ok', detail: { entries: rows.length } }], ctx.now());
  return rows.map((row) => ({
    at: new Date(row.at),
    by: row.actor_kind,
    byDetail: row.actor_kind === 'staff' ? row.actor_role : row.actor_kind === 'system' ? row.actor_id : null,
    action: row.action,
    outcome: row.outcome,
    purpose: row.purpose,
    categories: row.categories,
  }));
}
