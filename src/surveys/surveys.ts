// Surveys staff write (P004-17): a title, an intro and questions (free text, one choice of a list,
// or a rating from 1 to 5), optionally run by an intermediary: a survey-intermediary recipient of
// the data map, with the survey's declared fields: which questions' answers and which contact
// categories it receives. A draft is edited; opening it invites every customer who turned surveys
// on (the `surveys.invite` job, one page of the kernel's audience per run).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError, checkFields, notFound, validationError } from '../platform/errors.ts';
import { enqueue } from '../platform/jobs/index.ts';
import type { DataMap } from '../privacy/index.ts';
import { type QuestionKind, surveysDb } from './tables.ts';

export const INVITE_JOB = 'surveys.invite';
export const SURVEYS = 'surveys';
export const CONTENT = 'user.content.private';
export const questionKinds: readonly QuestionKind[] = ['text', 'choice', 'rating'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}/;

/** The recipients that may run a survey: survey intermediaries serving `surveys`, with the contact categories they may receive beside the answers. */
export function intermediaries(map: DataMap): { id: string; name: string; contact: string[] }[] {
  return [...map.recipients.values()]
    .filter((r) => r.kind === 'survey-intermediary' && r.purposes.has(SURVEYS) && r.receives.has(CONTENT))
    .map((r) => ({ id: r.id, name: r.name, contact: [...r.receives].filter((c) => c !== CONTENT) }));
}

export interface SurveyInput {
  title: string;
  intro: string;
  recipient: string;
  shared: string;
}

/** The contact fields a survey may declare for its intermediary (form value → categories). */
export const sharedContactChoices: Record<string, string[]> = { none: [], name: ['user.name'], 'name-address': ['user.name', 'user.contact.address'] };

export async function createSurvey(db: Db, map: DataMap, input: SurveyInput, by: string, now: Date): Promise<string> {
  const title = input.title.replace(/\s+/g, ' ').trim();
  const intro = input.intro.replace(/\r\n/g, '\n').trim();
  const recipient = input.recipient.trim();
  const runners = intermediaries(map);
  const runner = runners.find((r) => r.id === recipient);
  const shared = sharedContactChoices[input.shared] ?? null;
  checkFields([
    () => {
      if (title === '' || title.length > 200) throw validationError('title', 'must be 1 to 200 characters');
    },
    () => {
      if (intro.length > 2000) throw validationError('intro', 'at most 2000 characters');
      if (EMAIL.test(intro)) throw validationError('intro', 'must not contain an email address');
    },
    () => {
      if (recipient !== '' && !runner) throw validationError('recipient', 'choose the shop or a survey intermediary of the data map');
    },
    () => {
      if (shared === null) throw validationError('shared', 'choose which contact details the intermediary receives');
      if (recipient === '' && shared.length) throw validationError('shared', 'only a survey run by an intermediary shares contact details');
      if (runner && shared.some((c) => !runner.contact.includes(c))) throw validationError('shared', `${runner.name} may not receive these`);
    },
  ]);
  const id = randomUUID();
  await surveysDb(db)
    .insertInto('surveys_surveys')
    .values({ id, title, intro, recipient: recipient || null, shared_categories: shared ?? [], created_by: by, created_at: now, opened_at: null, cursor: null, invited_all_at: null })
    .execute();
  return id;
}

export async function listSurveys(db: Db) {
  return surveysDb(db).selectFrom('surveys_surveys').selectAll().orderBy('created_at', 'desc').limit(100).execute();
}

export async function getSurvey(db: Db, id: string) {
  if (!UUID.test(id)) return undefined;
  return surveysDb(db).selectFrom('surveys_surveys').selectAll().where('id', '=', id).executeTakeFirst();
}

export type Survey = NonNullable<Awaited<ReturnType<typeof getSurvey>>>;

export async function surveyOf(db: Db, id: string): Promise<Survey> {
  const s = await getSurvey(db, id);
  if (!s) throw notFound('This survey');
  return s;
}

export async function questionsOf(db: Db, surveyId: string) {
  return surveysDb(db).selectFrom('surveys_questions').selectAll().where('survey_id', '=', surveyId).orderBy('position').execute();
}

export type Question = Awaited<ReturnType<typeof questionsOf>>[number];

export interface QuestionInput {
  kind: string;
  prompt: string;
  choices: string;
  shared: string;
}

export async function addQuestion(db: Db, s: Survey, input: QuestionInput): Promise<void> {
  if (s.status !== 'draft') throw new AppError('CONFLICT', 'This survey is open: its questions cannot change.');
  const prompt = input.prompt.replace(/\s+/g, ' ').trim();
  const choices = input.choices
    .split(/\r?\n|,/)
    .map((c) => c.replace(/\s+/g, ' ').trim())
    .filter((c) => c !== '');
  checkFields([
    () => {
      if (!(questionKinds as readonly string[]).includes(input.kind)) throw validationError('kind', 'choose text, choice or rating');
    },
    () => {
      if (prompt === '' || prompt.length > 300) throw validationError('prompt', 'must be 1 to 300 characters');
    },
    () => {
      if (input.kind === 'choice' && (choices.length < 2 || choices.length > 10 || choices.some((c) => c.length > 100) || new Set(choices).size !== choices.length))
        throw validationError('choices', 'a choice question needs 2 to 10 different choices, each at most 100 characters');
      if (input.kind !== 'choice' && choices.length) throw validationError('choices', 'only a choice question has choices');
    },
    () => {
      if (input.shared !== 'yes' && input.shared !== 'no') throw validationError('shared', 'say whether the intermediary receives the answer');
      if (input.shared === 'yes' && !s.recipient) throw validationError('shared', 'this survey is run by the shop: nothing is shared');
    },
  ]);
  const position =
    ((
      await surveysDb(db)
        .selectFrom('surveys_questions')
        .select((eb) => eb.fn.max('position').as('p'))
        .where('survey_id', '=', s.id)
        .executeTakeFirst()
    )?.p ?? 0) + 1;
  if (position > 30) throw validationError('prompt', 'a survey has at most 30 questions');
  await surveysDb(db)
    .insertInto('surveys_questions')
    .values({ id: randomUUID(), survey_id: s.id, position, kind: input.kind as QuestionKind, prompt, choices: input.kind === 'choice' ? choices : [], shared: input.shared === 'yes' })
    .execute();
}

/** Opens a draft (once) and starts inviting. */
export async function openSurvey(db: Db, s: Survey, now: Date): Promise<void> {
  const questions = await questionsOf(db, s.id);
  if (questions.length === 0) throw validationError('prompt', 'add at least one question before opening the survey');
  const opened = await surveysDb(db).updateTable('surveys_surveys').set({ status: 'open', opened_at: now }).where('id', '=', s.id).where('status', '=', 'draft').returning('id').executeTakeFirst();
  if (!opened) throw new AppError('CONFLICT', 'This survey is open already.');
  await enqueue(db, INVITE_JOB, { surveyId: s.id }, { uniqueKey: `${INVITE_JOB}:${s.id}:start` });
}

export async function closeSurvey(db: Db, s: Survey): Promise<void> {
  await surveysDb(db).updateTable('surveys_surveys').set({ status: 'closed' }).where('id', '=', s.id).where('status', '=', 'open').execute();
}

export async function tally(db: Db, surveyId: string) {
  const { rows } = await sql<{ invited: number; answered: number; declined: number; shared: number }>`
    select count(*)::int as invited, count(answered_at) filter (where not declined)::int as answered,
      count(*) filter (where declined)::int as declined, count(shared_at)::int as shared
    from surveys_invitations where survey_id = ${surveyId}`.execute(db);
  return rows[0] ?? { invited: 0, answered: 0, declined: 0, shared: 0 };
}
