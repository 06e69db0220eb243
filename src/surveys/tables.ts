// The surveys module's tables. A survey and its questions are the shop's words; an invitation
// links a customer (kernel subject) to a survey by the digest of their link's token, with when they
// answered or declined and whether they let the intermediary have their declared answers. The
// answers themselves are kernel items of the respondent (purpose `surveys`, ref `survey:<id>`).
import type { Generated } from 'kysely';
import { tablesOf, type Db } from '../platform/db/database.ts';

export type SurveyStatus = 'draft' | 'open' | 'closed';
export type QuestionKind = 'text' | 'choice' | 'rating';

export interface SurveyTable {
  id: string;
  title: string;
  intro: string;
  status: Generated<SurveyStatus>;
  /** A data-map recipient of kind survey-intermediary that runs the survey, or null (the shop). */
  recipient: string | null;
  /** The respondent's contact categories the intermediary receives with the declared answers. */
  shared_categories: Generated<string[]>;
  created_by: string;
  created_at: Date;
  opened_at: Date | null;
  /** The last customer (subject id) invited: the invitation job resumes after it. */
  cursor: string | null;
  invited: Generated<number>;
  invited_all_at: Date | null;
}

export interface QuestionTable {
  id: string;
  survey_id: string;
  position: number;
  kind: QuestionKind;
  prompt: string;
  choices: Generated<string[]>;
  /** Declared for the intermediary: its answer is among what the intermediary receives. */
  shared: Generated<boolean>;
}

export interface InvitationTable {
  id: string;
  survey_id: string;
  subject_id: string;
  token_hash: Buffer;
  invited_at: Date;
  answered_at: Date | null;
  /** Submitted with nothing answered: recorded as declined. */
  declined: boolean | null;
  /** When the declared answers went to the intermediary (ledgered disclosures). */
  shared_at: Date | null;
}

export interface SurveysTables {
  surveys_surveys: SurveyTable;
  surveys_questions: QuestionTable;
  surveys_invitations: InvitationTable;
}

export const surveysDb = (db: Db) => tablesOf<SurveysTables>(db);
