import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const surveysMigrations: Migration[] = [
  {
    id: 'surveys/0001_surveys',
    up: (db) =>
      runSql(
        db,
        `
        create table surveys_surveys (
          id uuid primary key,
          title text not null check (length(title) between 1 and 200),
          intro text not null check (length(intro) <= 2000),
          status text not null default 'draft' check (status in ('draft', 'open', 'closed')),
          recipient text check (length(recipient) between 1 and 100),
          shared_categories text[] not null default '{}',
          created_by text not null check (length(created_by) <= 200),
          created_at timestamptz not null,
          opened_at timestamptz,
          cursor uuid,
          invited integer not null default 0 check (invited >= 0),
          invited_all_at timestamptz
        );
        create table surveys_questions (
          id uuid primary key,
          survey_id uuid not null references surveys_surveys (id) on delete cascade,
          position integer not null,
          kind text not null check (kind in ('text', 'choice', 'rating')),
          prompt text not null check (length(prompt) between 1 and 300),
          choices text[] not null default '{}',
          shared boolean not null default false
        );
        create index surveys_questions_survey_idx on surveys_questions (survey_id, position);
        create table surveys_invitations (
          id uuid primary key,
          survey_id uuid not null references surveys_surveys (id) on delete cascade,
          subject_id uuid not null,
          token_hash bytea not null unique,
          invited_at timestamptz not null,
          answered_at timestamptz,
          declined boolean,
          shared_at timestamptz,
          unique (survey_id, subject_id)
        );
        create index surveys_invitations_subject_idx on surveys_invitations (subject_id)
        `,
      ),
  },
];
