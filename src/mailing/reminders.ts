// The yearly opt-out reminder (P002-09, decision 0052). Offers and site news go to customers who
// did not opt out (`offers`, legitimate interest); once a year each of them is told so and offered
// the one-click opt-out. The daily job walks the kernel's audience of `offers` a page at a time,
// asking only for people whose choice (latest grant, or their record's creation) is a year old;
// of those it reminds the ones not reminded within the year (one read of this module's table per
// page) and records the day. The message is marketing mail: List-Unsubscribe headers and the
// visible link, and the address read under `offers` when it is sent.
import { sql } from 'kysely';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import type { JobContext } from '../platform/jobs/index.ts';
import { jobKernel, systemActor } from '../privacy/index.ts';
import { offerReminderMail } from './mail.ts';
import { mailingDb } from './tables.ts';

export const REMINDER_JOB = 'mailing.offer-reminder';
const REMINDER_ACTOR = systemActor(REMINDER_JOB);
export const REMINDER_PURPOSE = 'offers';
export const REMINDER_PAGE = 200;
/** How long a reminder (or the choice itself) lasts before the next one. */
export const REMINDER_EVERY_DAYS = 365;
const DAY_MS = 86_400_000;

/** One run: every page of the audience, each in its own transaction; returns how many were reminded. */
export async function remindOfferRecipients(ctx: JobContext, now: Date): Promise<number> {
  const kernel = jobKernel(ctx);
  const yearAgo = new Date(now.getTime() - REMINDER_EVERY_DAYS * DAY_MS);
  const day = now.toISOString().slice(0, 10);
  let after: string | undefined;
  let reminded = 0;
  for (;;) {
    const page = await ctx.db.transaction().execute(async (trx) => {
      const people = await kernel.audience(trx, { actor: REMINDER_ACTOR, purpose: REMINDER_PURPOSE, choiceBefore: yearAgo, ...(after ? { after } : {}), limit: REMINDER_PAGE });
      if (people.length === 0) return people;
      const recent = await mailingDb(trx).selectFrom('mailing_offer_reminders').select('subject_id').where('subject_id', 'in', people).where('reminded_at', '>', yearAgo).execute();
      const skip = new Set(recent.map((r) => r.subject_id));
      const due = people.filter((s) => !skip.has(s));
      for (const subject of due) {
        await queueMail(trx, { subject, purpose: REMINDER_PURPOSE, template: offerReminderMail, kind: 'marketing', params: {}, idempotencyKey: `${REMINDER_JOB}:${subject}:${day}` });
      }
      if (due.length) {
        await mailingDb(trx)
          .insertInto('mailing_offer_reminders')
          .values(due.map((subject_id) => ({ subject_id, reminded_at: now })))
          .onConflict((oc) => oc.column('subject_id').doUpdateSet({ reminded_at: sql<Date>`excluded.reminded_at` }))
          .execute();
      }
      reminded += due.length;
      return people;
    });
    if (page.length < REMINDER_PAGE) return reminded;
    after = page.at(-1);
  }
}

/** The day a person was last reminded (export, tests). */
export async function lastReminderOf(db: Db, subject: string): Promise<Date | null> {
  const row = await mailingDb(db).selectFrom('mailing_offer_reminders').select('reminded_at').where('subject_id', '=', subject).executeTakeFirst();
  return row ? new Date(row.reminded_at) : null;
}
