// Campaigns (P002-08, P003-06, P004-22): staff write a subject line and a text for one purpose
// (newsletters and product updates, or offers and site news) and send it. Sending starts a job that
// asks the kernel, one page at a time, whom the purpose may contact now (consent granted or not
// opted out, active, not erased, of a kind the purpose covers, with an address) and queues one
// marketing message per person. The send job reads each address under the purpose again when it
// sends, so a withdrawal after the fan-out still stops the message (suppressed, with the reason).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, checkFields, validationError } from '../platform/errors.ts';
import { enqueue, type JobContext, type JobPayload } from '../platform/jobs/index.ts';
import { jobKernel, systemActor } from '../privacy/index.ts';
import { campaignMail } from './mail.ts';
import { type CampaignPurpose, mailingDb } from './tables.ts';

export const CAMPAIGN_JOB = 'mailing.campaign';
const CAMPAIGN_ACTOR = systemActor(CAMPAIGN_JOB);
/** People queued per run of the job (one kernel statement, one transaction). */
export const FAN_OUT_PAGE = 200;
export const campaignPurposes: readonly CampaignPurpose[] = ['newsletters', 'offers'];
export const campaignLimits = { subject: 200, text: 3500 } as const;
const EMAIL = /[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CampaignInput {
  purpose: string;
  subject: string;
  text: string;
}

/** The checked campaign; every wrong field named at once. */
export function checkCampaign(input: CampaignInput): { purpose: CampaignPurpose; subject: string; text: string } {
  const subject = input.subject.replace(/\s+/g, ' ').trim();
  const text = input.text.replace(/\r\n/g, '\n').trim();
  checkFields([
    () => {
      if (!(campaignPurposes as readonly string[]).includes(input.purpose)) throw validationError('purpose', 'choose newsletters or offers');
    },
    () => {
      if (subject === '' || subject.length > campaignLimits.subject) throw validationError('subject', `must be 1 to ${campaignLimits.subject} characters`);
      if (EMAIL.test(subject)) throw validationError('subject', 'must not contain an email address');
    },
    () => {
      if (text === '' || text.length > campaignLimits.text) throw validationError('text', `must be 1 to ${campaignLimits.text} characters`);
      // The outbox keeps no address (decision 0013): link to the contact page instead.
      if (EMAIL.test(text)) throw validationError('text', 'must not contain an email address; link to the contact page instead');
    },
  ]);
  return { purpose: input.purpose as CampaignPurpose, subject, text };
}

export async function createCampaign(db: Db, input: CampaignInput, by: string, now: Date): Promise<string> {
  const c = checkCampaign(input);
  const id = randomUUID();
  await mailingDb(db)
    .insertInto('mailing_campaigns')
    .values({ id, purpose: c.purpose, subject_line: c.subject, body: c.text, created_by: by, created_at: now, sent_by: null, sent_at: null, cursor: null, finished_at: null })
    .execute();
  return id;
}

export async function listCampaigns(db: Db) {
  return mailingDb(db).selectFrom('mailing_campaigns').selectAll().orderBy('created_at', 'desc').limit(100).execute();
}

export async function getCampaign(db: Db, id: string) {
  if (!UUID.test(id)) return undefined;
  return mailingDb(db).selectFrom('mailing_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

export type Campaign = NonNullable<Awaited<ReturnType<typeof getCampaign>>>;

/** Starts sending a draft (once: a second press is a conflict); the job does the rest. */
export async function startSending(db: Db, id: string, by: string, now: Date): Promise<void> {
  const started = await mailingDb(db)
    .updateTable('mailing_campaigns')
    .set({ status: 'sending', sent_by: by, sent_at: now })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .returning('id')
    .executeTakeFirst();
  if (!started) throw new AppError('CONFLICT', 'This campaign was already sent.');
  await enqueue(db, CAMPAIGN_JOB, { campaignId: id }, { uniqueKey: `${CAMPAIGN_JOB}:${id}:start` });
}

/** The `mailing.campaign` job: queues the next page of recipients; queues itself again until the list is done. */
export async function fanOut(payload: JobPayload, ctx: JobContext): Promise<void> {
  const id = payload.campaignId;
  if (typeof id !== 'string' || !UUID.test(id)) throw new Error('BAD_PAYLOAD: mailing.campaign needs { campaignId }');
  const kernel = jobKernel(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    const c = await mailingDb(trx).selectFrom('mailing_campaigns').selectAll().where('id', '=', id).where('status', '=', 'sending').forUpdate().executeTakeFirst();
    if (!c) return; // finished by an earlier run
    const people = await kernel.audience(trx, { actor: CAMPAIGN_ACTOR, purpose: c.purpose, ...(c.cursor ? { after: c.cursor } : {}), limit: FAN_OUT_PAGE });
    for (const subject of people) {
      await queueMail(trx, {
        subject,
        purpose: c.purpose,
        template: campaignMail,
        kind: 'marketing',
        params: { subjectLine: c.subject_line, body: c.body },
        idempotencyKey: `${CAMPAIGN_JOB}:${c.id}:${subject}`,
      });
    }
    const last = people.at(-1) ?? c.cursor;
    const more = people.length === FAN_OUT_PAGE;
    await mailingDb(trx)
      .updateTable('mailing_campaigns')
      .set({ cursor: last, queued: sql<number>`queued + ${people.length}`, ...(more ? {} : { status: 'sent' as const, finished_at: sql<Date>`now()` }) })
      .where('id', '=', id)
      .execute();
    if (more) await enqueue(trx, CAMPAIGN_JOB, { campaignId: id }, { uniqueKey: `${CAMPAIGN_JOB}:${id}:${last}` });
  });
}
