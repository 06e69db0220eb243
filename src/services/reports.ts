// The weekly monitoring report (P004-08): the daily `services.report` job mails every current
// contact of every service the counts of last week's events (Monday to Monday, UTC). Once per
// contact and week: the outbox key `services.report:<contact>:<week>` makes a second run queue
// nothing. A contact who left is not a current contact and is not mailed.
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import { leaveUrl } from './leave.ts';
import { reportMail } from './mail.ts';
import { equipmentOf, MONITORING, referenceOf, severityCounts } from './registrations.ts';
import { servicesDb } from './tables.ts';

export const REPORT_JOB = 'services.report';
const DAY_MS = 86_400_000;
const BATCH = 200;

/** The week before the one `now` is in: Monday 00:00 UTC to the next Monday. */
export function lastWeek(now: Date): { from: Date; to: Date } {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const sinceMonday = (new Date(today).getUTCDay() + 6) % 7;
  const to = new Date(today - sinceMonday * DAY_MS);
  return { from: new Date(to.getTime() - 7 * DAY_MS), to };
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Queues last week's report to every current contact not yet sent it; returns how many were queued or already were. */
export async function sendReports(kernel: PrivacyKernel, db: Db, publicUrl: string, now: Date): Promise<number> {
  const { from, to } = lastWeek(now);
  let after = '00000000-0000-0000-0000-000000000000';
  let done = 0;
  for (;;) {
    const contacts = await servicesDb(db)
      .selectFrom('services_contacts as c')
      .innerJoin('services_registrations as r', 'r.id', 'c.registration_id')
      .select(['c.id', 'c.contact_subject', 'c.registration_id', 'r.equipment_model', 'r.equipment_serial'])
      .where('c.contact_subject', 'is not', null)
      .where('c.id', '>', after)
      .orderBy('c.id')
      .limit(BATCH)
      .execute();
    if (contacts.length === 0) return done;
    const counts = new Map<string, Awaited<ReturnType<typeof severityCounts>>>();
    await db.transaction().execute(async (trx) => {
      for (const c of contacts) {
        if (!counts.has(c.registration_id)) counts.set(c.registration_id, await severityCounts(trx, c.registration_id, from, to));
        const n = counts.get(c.registration_id)!;
        await queueMail(
          trx,
          {
            subject: c.contact_subject!,
            purpose: MONITORING,
            template: reportMail,
            params: {
              reference: referenceOf(c.registration_id),
              equipment: equipmentOf(c),
              from: day(from),
              to: day(new Date(to.getTime() - DAY_MS)),
              info: n.info,
              warnings: n.warning,
              alerts: n.alert,
              leave: leaveUrl(kernel, publicUrl, c.id),
            },
            idempotencyKey: `${REPORT_JOB}:${c.id}:${day(from)}`,
          },
          { kernel },
        );
      }
    });
    done += contacts.length;
    after = contacts.at(-1)!.id;
  }
}
