// Answering a survey (P004-17), from the invitation's link, no sign-in: every question may be
// skipped; sending nothing at all is allowed and recorded as declined (no answer is stored). The
// answers are the respondent's kernel data under `surveys` (ref `survey:<id>`), written as
// themselves, so they are in their export and go with their erasure.
//
// A survey run by an intermediary: the page says who it is and what it would receive (the
// declared questions' answers and contact categories); only if the respondent ticks the box is
// their consent to that recipient recorded and the declared answers (copied alone to the ref
// `survey:<id>:shared`) and contact categories disclosed through `kernel.disclose`, ledgered. An
// answer to an undeclared question never leaves.
import type { Db } from '../platform/db/database.ts';
import { AppError, checkFields, validationError } from '../platform/errors.ts';
import { digestToken } from '../accounts/index.ts';
import { isPrivacyRefusal, type PersonalValue, type PrivacyKernel, selfActor, systemActor } from '../privacy/index.ts';
import { CONTENT, type Question, questionsOf, SURVEYS, type Survey, surveyOf } from './surveys.ts';
import { surveysDb } from './tables.ts';

export const SHARE_JOB = 'surveys.share';
const SHARE_ACTOR = systemActor(SHARE_JOB);
export const TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const answerRef = (surveyId: string) => `survey:${surveyId}`;
export const sharedRef = (surveyId: string) => `survey:${surveyId}:shared`;
export const TEXT_MAX = 2000;

export async function invitationByToken(db: Db, token: string) {
  if (!TOKEN.test(token)) return undefined;
  return surveysDb(db).selectFrom('surveys_invitations').selectAll().where('token_hash', '=', digestToken(token)).executeTakeFirst();
}

export type Invitation = NonNullable<Awaited<ReturnType<typeof invitationByToken>>>;

/** The answers in the form body, checked: a field left empty is a skipped question. */
export function answersOf(questions: readonly Question[], body: Record<string, string>): Record<string, string | number> {
  const answers: Record<string, string | number> = {};
  checkFields(
    questions.map((q) => () => {
      const raw = (body[`q-${q.id}`] ?? '').replace(/\r\n/g, '\n').trim();
      if (raw === '') return;
      if (q.kind === 'text') {
        if (raw.length > TEXT_MAX) throw validationError(`q-${q.id}`, `at most ${TEXT_MAX} characters`);
        answers[q.id] = raw;
      } else if (q.kind === 'choice') {
        if (!q.choices.includes(raw)) throw validationError(`q-${q.id}`, 'choose one of the answers, or none');
        answers[q.id] = raw;
      } else {
        if (!/^[1-5]$/.test(raw)) throw validationError(`q-${q.id}`, 'choose a rating from 1 to 5, or none');
        answers[q.id] = Number(raw);
      }
    }),
  );
  return answers;
}

export interface Submitted {
  declined: boolean;
  /** The ledger entries of what went to the intermediary (none when nothing was shared). */
  disclosures: string[];
}

export async function submitAnswers(kernel: PrivacyKernel, db: Db, token: string, body: Record<string, string>, share: boolean, now: Date): Promise<Submitted> {
  const inv = await invitationByToken(db, token);
  if (!inv) throw new AppError('LINK_INVALID', 'This survey link is not one of ours, or it was changed on the way.');
  if (inv.answered_at) throw new AppError('CONFLICT', 'You answered this survey already. Thank you.');
  const s = await surveyOf(db, inv.survey_id);
  if (s.status !== 'open') throw new AppError('CONFLICT', 'This survey is closed.');
  const questions = await questionsOf(db, s.id);
  const answers = answersOf(questions, body);
  const declined = Object.keys(answers).length === 0;
  const person = selfActor(inv.subject_id);
  const disclosures: string[] = [];
  if (!declined) {
    try {
      await kernel.write(db, { subject: inv.subject_id, actor: person, purpose: SURVEYS, ref: answerRef(s.id), values: { [CONTENT]: answers } });
    } catch (err) {
      // Surveys turned off (or the account deactivated) since the invitation: no answer is taken.
      if (isPrivacyRefusal(err)) throw new AppError('CONFLICT', 'Surveys are turned off for you, so we take no answers. Turn them on in your privacy centre to answer.');
      throw err;
    }
    if (share && s.recipient) disclosures.push(...(await shareDeclared(kernel, db, s, questions, answers, inv.subject_id)));
  }
  await surveysDb(db)
    .updateTable('surveys_invitations')
    .set({ answered_at: now, declined, ...(disclosures.length ? { shared_at: now } : {}) })
    .where('id', '=', inv.id)
    .where('answered_at', 'is', null)
    .execute();
  return { declined, disclosures };
}

/** Records the respondent's consent to the intermediary, then discloses only the declared fields. */
async function shareDeclared(kernel: PrivacyKernel, db: Db, s: Survey, questions: readonly Question[], answers: Record<string, PersonalValue>, subject: string): Promise<string[]> {
  const recipient = s.recipient!;
  const declared = Object.fromEntries(questions.filter((q) => q.shared && q.id in answers).map((q) => [q.id, answers[q.id]!]));
  await kernel.recordConsent(db, {
    subject,
    purpose: SURVEYS,
    action: 'grant',
    channel: 'web',
    actor: selfActor(subject),
    recipient,
    evidence: `survey ${s.id}: answer page, box "share my marked answers"`,
  });
  const ids: string[] = [];
  if (Object.keys(declared).length) {
    await kernel.write(db, { subject, actor: selfActor(subject), purpose: SURVEYS, ref: sharedRef(s.id), values: { [CONTENT]: declared } });
    const d = await kernel.disclose(db, { subject, recipient, recipientRef: `survey:${s.id}`, categories: [CONTENT], ref: sharedRef(s.id), purpose: SURVEYS, basis: 'consent', actor: SHARE_ACTOR });
    ids.push(d.id);
  }
  if (s.shared_categories.length) {
    const d = await kernel.disclose(db, { subject, recipient, recipientRef: `survey:${s.id}`, categories: s.shared_categories, purpose: SURVEYS, basis: 'consent', actor: SHARE_ACTOR });
    ids.push(d.id);
  }
  return ids;
}
