// Forgets what has expired: sessions, used or expired link tokens, old throttle counts, networks
// not seen for 90 days, and
// security events past the security-log retention (30 days, like IP data in the data map).
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { sweepNetworks } from './networks.ts';
import { sweepSessions } from './sessions.ts';
import { sweepThrottle } from './throttle.ts';

export const SWEEP_JOB = 'accounts.sweep';
const EVENT_RETENTION_MS = 30 * 86_400_000;

export async function sweepAccounts(db: Db, now: Date): Promise<void> {
  await sweepSessions(db, now);
  await sweepThrottle(db, now);
  await sweepNetworks(db, now);
  await sql`delete from accounts_tokens where expires_at < ${now}`.execute(db);
  await sql`delete from accounts_security_events where at < ${new Date(now.getTime() - EVENT_RETENTION_MS)}`.execute(db);
}
