import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const quotesMigrations: Migration[] = [
  {
    id: 'quotes/0001_cases',
    up: (db) =>
      runSql(
        db,
        `
        create table quotes_cases (
          id uuid primary key,
          number serial unique,
          subject_id uuid not null,
          by_customer boolean not null,
          status text not null default 'new' check (status in ('new', 'quoted', 'won', 'lost')),
          token_hash bytea not null unique,
          token_sealed bytea not null,
          created_at timestamptz not null,
          follow_up_on text check (follow_up_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
          reminded_for text check (reminded_for ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
          currency text not null check (length(currency) = 3),
          valid_until text check (valid_until ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
          quoted_at timestamptz,
          closed_at timestamptz
        );
        create index quotes_cases_subject_idx on quotes_cases (subject_id);
        create index quotes_cases_follow_up_idx on quotes_cases (follow_up_on) where status in ('new', 'quoted');
        create table quotes_lines (
          id uuid primary key,
          case_id uuid not null references quotes_cases (id) on delete cascade,
          position integer not null,
          product_id uuid,
          description text not null check (length(description) between 1 and 200),
          quantity integer not null check (quantity between 1 and 100000),
          unit_minor integer not null check (unit_minor between 0 and 1000000000)
        );
        create index quotes_lines_case_idx on quotes_lines (case_id, position);
        create table quotes_notes (
          id uuid primary key,
          case_id uuid not null references quotes_cases (id) on delete cascade,
          at timestamptz not null,
          by_tag text not null check (length(by_tag) <= 200)
        );
        create index quotes_notes_case_idx on quotes_notes (case_id, at)
        `,
      ),
  },
];
