// Staff are told of intrusion signals by mail (P002-19): a lockout of an address or a network,
// rate-limit hits, or a staff read outside a role mail every active owner and DPO, at most once per kind per 15 minutes (the outbox's
// idempotency key), so an attack does not become a flood of mail. The mail says what happened and
// when, never which address or network.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { AccountsDeps } from './customers.ts';
import type { SecurityEventKind } from './tables.ts';

const ALERT_WINDOW_MS = 15 * 60_000;

const descriptions: Partial<Record<SecurityEventKind, string>> = {
  'login-locked': 'An email address was locked out after repeated failed sign-ins.',
  'source-locked': 'A network was locked out after repeated failed sign-ins from it.',
  'rate-limited': 'Requests were refused because a client went over the rate limit.',
  'read-outside-role': 'A staff member tried to read customer data outside what their role allows.',
};

export async function alertStaff(deps: AccountsDeps, db: Db, kind: SecurityEventKind, at: Date): Promise<number> {
  const event = descriptions[kind];
  if (!event) return 0;
  const { rows } = await sql<{ id: string; subject_id: string }>`
    select id, subject_id from accounts_users where kind = 'staff' and status = 'active' and role in ('owner', 'dpo') order by created_at`.execute(db);
  const bucket = Math.floor(at.getTime() / ALERT_WINDOW_MS);
  for (const staff of rows) {
    await deps.mail(db, {
      template: 'accounts.security-alert',
      subject: staff.subject_id,
      addressRef: '',
      params: { event, at: at.toISOString(), console: `${deps.publicUrl}/staff` },
      idempotencyKey: `accounts.security-alert:${kind}:${bucket}:${staff.id}`,
    });
  }
  return rows.length;
}
