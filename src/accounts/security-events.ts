// Intrusion signals (P002-19): failed logins, lockouts, rate-limit hits, logins from a new network
// and reads outside a role. A row names the kind, when, the pseudonymous user id if known, and
// detail that holds no personal data (no address, no email, no IP).
import type { Db } from '../platform/db/database.ts';
import { accountsDb, type SecurityEventKind, type SecurityEventRow } from './tables.ts';

export async function recordSecurityEvent(db: Db, event: { kind: SecurityEventKind; userId?: string | null; detail?: Record<string, string | number | boolean>; at: Date }): Promise<void> {
  await accountsDb(db)
    .insertInto('accounts_security_events')
    .values({ at: event.at, kind: event.kind, user_id: event.userId ?? null, detail: JSON.stringify(event.detail ?? {}) })
    .execute();
}

export async function recentSecurityEvents(db: Db, options: { since?: Date; kind?: SecurityEventKind; limit?: number } = {}): Promise<SecurityEventRow[]> {
  return accountsDb(db)
    .selectFrom('accounts_security_events')
    .select(['id', 'at', 'kind', 'user_id', 'detail'])
    .where('at', '>=', options.since ?? new Date(0))
    .$if(Boolean(options.kind), (q) => q.where('kind', '=', options.kind!))
    .orderBy('id', 'desc')
    .limit(options.limit ?? 100)
    .execute();
}
