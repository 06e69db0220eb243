// The `surveys.invite` job: one page of the customers `surveys` may contact now (the kernel's
// audience: consent granted, not withdrawn, active, not erased), each given an invitation with a
// random link token (its digest kept) and a marketing mail with the link sealed in the outbox. It
// queues itself again until the audience is done; a person is invited once per survey.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { digestToken, randomToken } from '../accounts/index.ts';
import { queueMail } from '../comms/index.ts';
import { enqueue, type JobContext, type JobPayload } from '../platform/jobs/index.ts';
import { jobKernel, systemActor } from '../privacy/index.ts';
import { invitationMail } from './mail.ts';
import { INVITE_JOB, SURVEYS } from './surveys.ts';
import { surveysDb } from './tables.ts';

const INVITE_ACTOR = systemActor(INVITE_JOB);
export const INVITE_PAGE = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function invitePage(payload: JobPayload, ctx: JobContext): Promise<void> {
  const id = payload.surveyId;
  if (typeof id !== 'string' || !UUID.test(id)) throw new Error('BAD_PAYLOAD: surveys.invite needs { surveyId }');
  const config = ctx.services.config;
  if (!config) throw new Error('NO_CONFIG: surveys.invite needs the settings (services.config)');
  const kernel = jobKernel(ctx);
  const base = config.publicUrl.replace(/\/$/, '');
  await ctx.db.transaction().execute(async (trx) => {
    const s = await surveysDb(trx).selectFrom('surveys_surveys').selectAll().where('id', '=', id).where('status', '=', 'open').where('invited_all_at', 'is', null).forUpdate().executeTakeFirst();
    if (!s) return;
    const runBy = s.recipient
      ? `This survey is run for us by ${kernel.map.recipients.get(s.recipient)?.name ?? s.recipient}. It receives only the answers the survey page marks, and only if you agree there; it may use them for nothing else.`
      : 'We run this survey ourselves and share the answers with nobody.';
    const people = await kernel.audience(trx, { actor: INVITE_ACTOR, purpose: SURVEYS, ...(s.cursor ? { after: s.cursor } : {}), limit: INVITE_PAGE });
    let invited = 0;
    for (const subject of people) {
      const token = randomToken();
      const row = await surveysDb(trx)
        .insertInto('surveys_invitations')
        .values({ id: randomUUID(), survey_id: s.id, subject_id: subject, token_hash: digestToken(token), invited_at: new Date(), answered_at: null, declined: null, shared_at: null })
        .onConflict((oc) => oc.columns(['survey_id', 'subject_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) continue;
      await queueMail(
        trx,
        {
          subject,
          purpose: SURVEYS,
          template: invitationMail,
          kind: 'marketing',
          params: { title: s.title, intro: s.intro, runBy, link: `${base}/survey?token=${token}` },
          idempotencyKey: `${INVITE_JOB}:${s.id}:${subject}`,
        },
        { kernel },
      );
      invited++;
    }
    const more = people.length === INVITE_PAGE;
    await surveysDb(trx)
      .updateTable('surveys_surveys')
      .set({ cursor: people.at(-1) ?? s.cursor, invited: sql<number>`invited + ${invited}`, ...(more ? {} : { invited_all_at: new Date() }) })
      .where('id', '=', s.id)
      .execute();
    if (more) await enqueue(trx, INVITE_JOB, { surveyId: s.id }, { uniqueKey: `${INVITE_JOB}:${s.id}:${people.at(-1)}` });
  });
}
