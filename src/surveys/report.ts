// The service report of a survey (P004-17): counts per choice, the average rating, and the text
// answers listed without names, in alphabetical order (not the order people answered). The answers
// are read through the kernel by the declared job `surveys.report` in pages; nothing of who
// answered reaches the page, and an erased respondent's answers are gone from it.
import type { Db } from '../platform/db/database.ts';
import { type PrivacyKernel, systemActor } from '../privacy/index.ts';
import { answerRef } from './answers.ts';
import { CONTENT, type Question, SURVEYS } from './surveys.ts';
import { surveysDb } from './tables.ts';

const REPORT_ACTOR = systemActor('surveys.report');
const PAGE = 500;

export interface QuestionReport {
  question: Question;
  answered: number;
  choices: { choice: string; n: number }[];
  average: number | null;
  texts: string[];
}

export async function surveyReport(kernel: PrivacyKernel, db: Db, surveyId: string, questions: readonly Question[]): Promise<QuestionReport[]> {
  const out = questions.map((q) => ({ question: q, answered: 0, choices: q.choices.map((choice) => ({ choice, n: 0 })), sum: 0, texts: [] as string[] }));
  let after = '';
  for (;;) {
    const rows = await surveysDb(db)
      .selectFrom('surveys_invitations')
      .select(['id', 'subject_id'])
      .where('survey_id', '=', surveyId)
      .where('declined', '=', false)
      .where('id', '>', after || '00000000-0000-0000-0000-000000000000')
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    const read = await kernel.readMany(db, { actor: REPORT_ACTOR, purpose: SURVEYS, categories: [CONTENT], items: rows.map((r) => ({ subject: r.subject_id, ref: answerRef(surveyId) })) });
    for (const one of read) {
      if (!one.ok) continue;
      const answers = one.record.values[CONTENT];
      if (!answers || typeof answers !== 'object' || Array.isArray(answers)) continue;
      for (const r of out) {
        const a = (answers as Record<string, unknown>)[r.question.id];
        if (a === undefined || a === null || a === '') continue;
        r.answered++;
        if (r.question.kind === 'choice') {
          const c = r.choices.find((x) => x.choice === a);
          if (c) c.n++;
        } else if (r.question.kind === 'rating' && typeof a === 'number') r.sum += a;
        else if (typeof a === 'string') r.texts.push(a);
      }
    }
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.id;
  }
  return out.map(({ sum, ...r }) => ({
    ...r,
    average: r.question.kind === 'rating' && r.answered ? Math.round((sum / r.answered) * 10) / 10 : null,
    texts: r.texts.sort((a, b) => a.localeCompare(b)),
  }));
}
