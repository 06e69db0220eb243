// Forgets what has expired: sign-ups never confirmed whose link expired (the account row goes and
// the person's kernel subject is erased), sessions, used or expired link tokens, old throttle
// counts, and networks not seen and security events older than the data map's retention of security
// logs (IP data kept for security). Accounts made at checkout are never swept here: orders hang on
// their subject.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { systemActor, type PrivacyKernel } from '../privacy/index.ts';
import { networkMemoryDays, sweepNetworks } from './networks.ts';
import { sweepSessions } from './sessions.ts';
import { sweepThrottle, type ThrottlePolicy } from './throttle.ts';

export const SWEEP_JOB = 'accounts.sweep';

/** Erases sign-ups that were never confirmed and whose every link has expired; returns how many. */
export async function sweepUnconfirmed(db: Db, kernel: PrivacyKernel, now: Date): Promise<number> {
  const { rows } = await sql<{ id: string; subject_id: string }>`
    select u.id, u.subject_id from accounts_users u
    where u.kind = 'customer' and u.status = 'pending' and u.origin = 'signup'
      and not exists (select 1 from accounts_tokens t where t.user_id = u.id and t.used_at is null and t.expires_at > ${now})
    order by u.created_at limit 500`.execute(db);
  const actor = systemActor('accounts.sweep');
  for (const user of rows) {
    await db.transaction().execute(async (trx) => {
      // Still unconfirmed and linkless now that we hold the row (a confirmation may have won the race).
      const { rows: still } = await sql`select 1 from accounts_users u where u.id = ${user.id}::uuid and u.status = 'pending'
        and not exists (select 1 from accounts_tokens t where t.user_id = u.id and t.used_at is null and t.expires_at > ${now}) for update`.execute(trx);
      if (still.length === 0) return;
      await sql`delete from accounts_users where id = ${user.id}::uuid`.execute(trx);
      await kernel.erase(trx, { subject: user.subject_id, actor });
    });
  }
  return rows.length;
}

export async function sweepAccounts(db: Db, now: Date, kernel: PrivacyKernel, throttle?: ThrottlePolicy): Promise<void> {
  await sweepUnconfirmed(db, kernel, now);
  await sweepSessions(db, now);
  await sweepThrottle(db, now, throttle);
  await sweepNetworks(db, kernel, now);
  await sql`delete from accounts_tokens where expires_at < ${now}`.execute(db);
  const securityLogDays = networkMemoryDays(kernel);
  await sql`delete from accounts_security_events where at < ${new Date(now.getTime() - securityLogDays * 86_400_000)}`.execute(db);
}
