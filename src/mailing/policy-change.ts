// Mail about a material policy change (P004-23, decision 0052). The hourly job looks for material
// versions whose effective date has come within the site notice's period (POLICY_NOTICE_DAYS);
// each gets one row here the first time it is seen (its primary key makes that once, however many
// workers run the job). The job then queues, one page of the kernel's audience at a time, one
// marketing message under `offers` (site news, opt-out) to each person that purpose may contact
// now, and records how far it got; a finished version is never mailed again. The send job reads
// the address under `offers` again at send time, so an opt-out or erasure before then still wins.
// A non-material version mails nobody: the site notice is its announcement.
import { sql } from 'kysely';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import { enqueue, type JobContext } from '../platform/jobs/index.ts';
import { type DataMap, jobKernel, type PolicyVersion, systemActor } from '../privacy/index.ts';
import { policyChangeMail } from './mail.ts';
import { mailingDb } from './tables.ts';

export const POLICY_CHANGE_JOB = 'mailing.policy-change';
const POLICY_CHANGE_ACTOR = systemActor(POLICY_CHANGE_JOB);
/** Site news: the purpose whose declared description covers notices of site changes. */
export const POLICY_CHANGE_PURPOSE = 'offers';
/** People queued per run (one kernel statement, one transaction). */
export const POLICY_CHANGE_PAGE = 200;
const DAY_MS = 86_400_000;

/** Material versions in force whose notice period (from their effective date) is still running. */
export function versionsToAnnounce(map: DataMap, now: Date, noticeDays: number): PolicyVersion[] {
  return map.policyVersions.filter((v) => v.material && v.effective <= now && now.getTime() - v.effective.getTime() < noticeDays * DAY_MS);
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Records the versions to announce (once each) and queues the next page of one unfinished announcement; queues itself while pages remain. */
export async function announcePolicyChanges(ctx: JobContext, now: Date): Promise<void> {
  const kernel = jobKernel(ctx);
  const noticeDays = ctx.services.config?.rights.policyNoticeDays ?? 30;
  const due = versionsToAnnounce(kernel.map, now, noticeDays);
  if (due.length) {
    await mailingDb(ctx.db)
      .insertInto('mailing_policy_announcements')
      .values(due.map((v) => ({ version: v.version, started_at: now, cursor: null, finished_at: null })))
      .onConflict((oc) => oc.column('version').doNothing())
      .execute();
  }
  // An announcement started within its period is finished even when the period ends meanwhile.
  const byVersion = new Map(kernel.map.policyVersions.filter((v) => v.material).map((v) => [v.version, v]));
  if (byVersion.size === 0) return;
  await ctx.db.transaction().execute(async (trx) => {
    // One worker per announcement at a time; another worker takes the next one or nothing.
    const row = await mailingDb(trx)
      .selectFrom('mailing_policy_announcements')
      .selectAll()
      .where('finished_at', 'is', null)
      .where('version', 'in', [...byVersion.keys()])
      .orderBy('version')
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!row) return;
    const version = byVersion.get(row.version)!;
    const people = await kernel.audience(trx, { actor: POLICY_CHANGE_ACTOR, purpose: POLICY_CHANGE_PURPOSE, ...(row.cursor ? { after: row.cursor } : {}), limit: POLICY_CHANGE_PAGE });
    for (const subject of people) {
      await queueMail(trx, {
        subject,
        purpose: POLICY_CHANGE_PURPOSE,
        template: policyChangeMail,
        kind: 'marketing',
        params: { version: version.version, day: isoDay(version.effective), summary: version.summary },
        idempotencyKey: `${POLICY_CHANGE_JOB}:${version.version}:${subject}`,
      });
    }
    const last = people.at(-1) ?? row.cursor;
    const more = people.length === POLICY_CHANGE_PAGE;
    await mailingDb(trx)
      .updateTable('mailing_policy_announcements')
      .set({ cursor: last, queued: sql<number>`queued + ${people.length}`, ...(more ? {} : { finished_at: now }) })
      .where('version', '=', row.version)
      .execute();
    if (more) await enqueue(trx, POLICY_CHANGE_JOB, {}, { uniqueKey: `${POLICY_CHANGE_JOB}:${row.version}:${last}` });
  });
}

/** How many people an announcement reached so far, and whether it is done (staff pages, tests). */
export async function announcementOf(db: Db, version: string) {
  return mailingDb(db).selectFrom('mailing_policy_announcements').selectAll().where('version', '=', version).executeTakeFirst();
}
