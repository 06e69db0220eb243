import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const testimonialsMigrations: Migration[] = [
  {
    id: 'testimonials/0001_entries_and_takedowns',
    up: (db) =>
      runSql(
        db,
        `
        create table testimonials_entries (
          id uuid primary key,
          subject_id uuid not null,
          kind text not null check (kind in ('quote', 'company')),
          state text not null default 'pending' check (state in ('pending', 'published', 'removed')),
          shown_as text check (shown_as in ('first-name', 'initial')),
          logo_image_id uuid,
          channel text not null check (channel in ('web', 'email', 'phone', 'paper', 'in-person')),
          recorded_by text not null check (length(recorded_by) <= 200),
          created_at timestamptz not null,
          approved_at timestamptz,
          approved_by text check (length(approved_by) <= 200),
          removed_at timestamptz,
          held boolean not null default false,
          check ((kind = 'quote') = (shown_as is not null)),
          check ((state = 'removed') = (removed_at is not null)),
          check (state <> 'published' or approved_at is not null)
        );
        create index testimonials_entries_subject_idx on testimonials_entries (subject_id);
        create index testimonials_entries_state_idx on testimonials_entries (state, kind, approved_at);
        create table testimonials_cases (
          id uuid primary key,
          entry_id uuid not null unique,
          subject_id uuid,
          kind text not null check (kind in ('quote', 'company')),
          via text not null check (via in ('account', 'mailed-link', 'staff', 'erasure')),
          opened_at timestamptz not null,
          deadline_at timestamptz not null,
          resolved_at timestamptz,
          resolved_by text check (length(resolved_by) <= 200),
          overdue_alerted_at timestamptz,
          check (deadline_at > opened_at)
        );
        create index testimonials_cases_open_idx on testimonials_cases (deadline_at) where resolved_at is null;
        create index testimonials_cases_subject_idx on testimonials_cases (subject_id);
        create table testimonials_case_places (
          id uuid primary key,
          case_id uuid not null references testimonials_cases (id) on delete cascade,
          place text not null check (length(place) between 1 and 200),
          added_at timestamptz not null,
          done_at timestamptz
        );
        create index testimonials_case_places_case_idx on testimonials_case_places (case_id);
        create table testimonials_takedown_links (
          token_hash bytea primary key,
          entry_id uuid not null,
          subject_id uuid not null,
          created_at timestamptz not null,
          expires_at timestamptz not null
        );
        create index testimonials_takedown_links_subject_idx on testimonials_takedown_links (subject_id)
        `,
      ),
  },
  {
    // A case opened because the person turned testimonials off in the privacy centre (the job testimonials.withdrawn).
    id: 'testimonials/0002_withdrawn_in_privacy_centre',
    up: (db) =>
      runSql(
        db,
        `alter table testimonials_cases drop constraint testimonials_cases_via_check;
         alter table testimonials_cases add constraint testimonials_cases_via_check check (via in ('account', 'mailed-link', 'staff', 'erasure', 'privacy-centre'));`,
      ),
  },
];
