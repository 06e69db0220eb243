import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const telecomMigrations: Migration[] = [
  {
    id: 'telecom/0001_lines_and_usage',
    up: (db) =>
      runSql(
        db,
        `
        create table telecom_lines (
          id uuid primary key,
          subject_id uuid not null,
          variant_id uuid not null,
          status text not null default 'active' check (status in ('active', 'suspended', 'closed')),
          created_at timestamptz not null,
          created_by text not null check (length(created_by) <= 200)
        );
        create index telecom_lines_subject_idx on telecom_lines (subject_id);
        create table telecom_network_keys (
          id uuid primary key,
          key_hash bytea not null unique,
          label text not null check (length(label) between 1 and 100),
          created_at timestamptz not null,
          created_by text not null check (length(created_by) <= 200),
          revoked_at timestamptz
        );
        create table telecom_ingests (
          id uuid primary key,
          network_key_id uuid not null references telecom_network_keys (id),
          batch text check (length(batch) between 1 and 100),
          records integer not null check (records >= 0),
          received_at timestamptz not null,
          unique (network_key_id, batch)
        );
        create table telecom_usage_batches (
          id uuid primary key,
          ingest_id uuid not null references telecom_ingests (id),
          line_id uuid not null references telecom_lines (id) on delete cascade,
          subject_id uuid not null,
          month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
          records integer not null check (records > 0),
          parts integer not null check (parts > 0),
          received_at timestamptz not null
        );
        create index telecom_usage_batches_subject_month_idx on telecom_usage_batches (subject_id, month, received_at);
        create index telecom_usage_batches_month_idx on telecom_usage_batches (month, line_id);
        create table telecom_statement_notices (
          line_id uuid not null references telecom_lines (id) on delete cascade,
          subject_id uuid not null,
          month text not null,
          queued_at timestamptz not null,
          primary key (line_id, month)
        );
        create index telecom_statement_notices_subject_idx on telecom_statement_notices (subject_id)
        `,
      ),
  },
  {
    // A line suspended because its plan's subscription went unpaid resumes when it is paid; one staff suspended stays so (decision 0057).
    id: 'telecom/0002_suspended_for_payment',
    up: (db) => runSql(db, `alter table telecom_lines add column suspended_for_payment boolean not null default false;`),
  },
];
