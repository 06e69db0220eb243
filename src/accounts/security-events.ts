// Intrusion signals (P002-19): failed logins, lockouts, rate-limit hits, logins from a new network
// and reads outside a role. A row names the kind, when, the pseudonymous user id if known, and
// detail that holds no personal data (no address, no email, no IP).
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { SecurityEventKind, SecurityEventRow } from './tables.ts';

export async function recordSecurityEvent(db: Db, event: { kind: SecurityEventKind; userId?: string | null; detail?: Record<string, string | number | boolean>; at: Date }): Promise<void> {
  await sql`insert into accounts_security_events (at, kind, user_id, detail)
    values (${event.at}, ${event.kind}, ${event.userId ?? null}, ${JSON.stringify(event.detail ?? {})}::jsonb)`.execute(db);
}

export async function recentSecurityEvents(db: Db, options: { since?: Date; kind?: SecurityEventKind; limit?: number } = {}): Promise<SecurityEventRow[]> {
  const { rows } = await sql<SecurityEventRow>`
    select id, at, kind, user_id, detail from accounts_security_events
    where at >= ${options.since ?? new Date(0)} ${options.kind ? sql`and kind = ${options.kind}` : sql``}
    order by id desc limit ${options.limit ?? 100}`.execute(db);
  return rows;
}
