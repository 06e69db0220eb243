// Forgets what has expired: sign-ups never confirmed whose link expired (the account row goes and
// the person's kernel subject is erased), sessions, used or expired link tokens, old throttle
// counts. Networks not seen and security events older than the data map's retention of security
// logs are the retention engine's (networks.ts, decision 0065). Accounts made at checkout are never
// swept here: orders hang on their subject.
import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { systemActor, type PrivacyKernel } from '../privacy/index.ts';
import { sweepSessions } from './sessions.ts';
import { accountsDb, type AccountsTables, type UsersTable } from './tables.ts';
import { sweepThrottle, type ThrottlePolicy } from './throttle.ts';

export const SWEEP_JOB = 'accounts.sweep';

/** Erases sign-ups that were never confirmed and whose every link has expired; returns how many. */
export async function sweepUnconfirmed(db: Db, kernel: PrivacyKernel, now: Date): Promise<number> {
  const rows = await accountsDb(db)
    .selectFrom('accounts_users as u')
    .select(['u.id', 'u.subject_id'])
    .where('u.kind', '=', 'customer')
    .where('u.status', '=', 'pending')
    .where('u.origin', '=', 'signup')
    .where((eb) => eb.not(eb.exists(liveLinkOf(eb, now))))
    .orderBy('u.created_at')
    .limit(500)
    .execute();
  const actor = systemActor('accounts.sweep');
  for (const user of rows) {
    await db.transaction().execute(async (trx) => {
      const t = accountsDb(trx);
      // Still unconfirmed and linkless now that we hold the row (a confirmation may have won the race).
      const still = await t
        .selectFrom('accounts_users as u')
        .select((eb) => eb.lit(1).as('one'))
        .where('u.id', '=', user.id)
        .where('u.status', '=', 'pending')
        .where((eb) => eb.not(eb.exists(liveLinkOf(eb, now))))
        .forUpdate()
        .execute();
      if (still.length === 0) return;
      await t.deleteFrom('accounts_users').where('id', '=', user.id).execute();
      await kernel.erase(trx, { subject: user.subject_id, actor });
    });
  }
  return rows.length;
}

/** A link of user `u` that can still be used. */
const liveLinkOf = (eb: ExpressionBuilder<AccountsTables & { u: UsersTable }, 'u'>, now: Date) =>
  eb
    .selectFrom('accounts_tokens as t')
    .select((e) => e.lit(1).as('one'))
    .whereRef('t.user_id', '=', 'u.id')
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', now);

export async function sweepAccounts(db: Db, now: Date, kernel: PrivacyKernel, throttle?: ThrottlePolicy): Promise<void> {
  await sweepUnconfirmed(db, kernel, now);
  await sweepSessions(db, now);
  await sweepThrottle(db, now, throttle);
  await accountsDb(db).deleteFrom('accounts_tokens').where('expires_at', '<', now).execute();
}
