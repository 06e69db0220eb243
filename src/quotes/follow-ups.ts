// The `quotes.follow-ups` job (hourly): every open case whose follow-up date has come is mailed
// once per date to the staff who handle quotes (owners and support), with a link to the case. It
// reads no personal data: the mail names the case by number.
import { activeStaffOf } from '../accounts/index.ts';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import { dayOf } from './cases.ts';
import { followUpDueMail } from './mail.ts';
import { quotesDb } from './tables.ts';

export const FOLLOW_UP_JOB = 'quotes.follow-ups';
export const QUOTE_STAFF = ['owner', 'support'] as const;

export async function remindFollowUps(db: Db, publicUrl: string, now: Date): Promise<number> {
  const today = dayOf(now);
  return db.transaction().execute(async (trx) => {
    const due = await quotesDb(trx)
      .selectFrom('quotes_cases')
      .select(['id', 'number', 'follow_up_on'])
      .where('status', 'in', ['new', 'quoted'])
      .where('follow_up_on', '<=', today)
      .where((eb) => eb.or([eb('reminded_for', 'is', null), eb('reminded_for', '!=', eb.ref('follow_up_on'))]))
      .limit(200)
      .forUpdate()
      .execute();
    if (due.length === 0) return 0;
    const staff = await activeStaffOf(trx, [...QUOTE_STAFF]);
    for (const c of due) {
      for (const s of staff) {
        await queueMail(trx, {
          subject: s.subject_id,
          purpose: 'account',
          template: followUpDueMail,
          params: { number: String(c.number), due: c.follow_up_on!, link: `${publicUrl.replace(/\/$/, '')}/staff/quotes/${c.id}` },
          idempotencyKey: `${FOLLOW_UP_JOB}:${c.id}:${c.follow_up_on}:${s.id}`,
        });
      }
      await quotesDb(trx).updateTable('quotes_cases').set({ reminded_for: c.follow_up_on }).where('id', '=', c.id).execute();
    }
    return due.length;
  });
}
