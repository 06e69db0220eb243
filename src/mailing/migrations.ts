import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const mailingMigrations: Migration[] = [
  {
    id: 'mailing/0001_members_and_campaigns',
    up: (db) =>
      runSql(
        db,
        `
        create table mailing_members (
          subject_id uuid primary key,
          token_hash bytea unique,
          created_at timestamptz not null,
          expires_at timestamptz not null,
          confirmed_at timestamptz,
          check ((token_hash is null) = (confirmed_at is not null))
        );
        create table mailing_campaigns (
          id uuid primary key,
          purpose text not null check (purpose in ('newsletters', 'offers')),
          subject_line text not null check (length(subject_line) between 1 and 200),
          body text not null check (length(body) between 1 and 3500),
          status text not null default 'draft' check (status in ('draft', 'sending', 'sent')),
          created_by text not null check (length(created_by) <= 200),
          created_at timestamptz not null,
          sent_by text check (length(sent_by) <= 200),
          sent_at timestamptz,
          cursor uuid,
          queued integer not null default 0 check (queued >= 0),
          finished_at timestamptz,
          check ((status = 'draft') = (sent_at is null)),
          check ((status = 'sent') = (finished_at is not null))
        );
        create index mailing_campaigns_created_idx on mailing_campaigns (created_at desc)
        `,
      ),
  },
  {
    id: 'mailing/0002_policy_announcements',
    up: (db) =>
      runSql(
        db,
        `
        create table mailing_policy_announcements (
          version text primary key check (length(version) between 1 and 40),
          started_at timestamptz not null,
          cursor uuid,
          queued integer not null default 0 check (queued >= 0),
          finished_at timestamptz
        );
        create table mailing_offer_reminders (
          subject_id uuid primary key,
          reminded_at timestamptz not null
        )
        `,
      ),
  },
];
