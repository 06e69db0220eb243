import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const commsMigrations: Migration[] = [
  {
    id: 'comms/0001_outbox',
    up: (db) =>
      runSql(
        db,
        `
        create table comms_outbox (
          id uuid primary key,
          kind text not null check (kind in ('transactional', 'marketing')),
          template text not null check (length(template) between 1 and 200),
          subject_id uuid not null,
          purpose text not null check (length(purpose) between 1 and 100),
          address_ref text not null default '' check (length(address_ref) <= 200),
          personal text[] not null default '{}',
          params jsonb not null default '{}'::jsonb check (jsonb_typeof(params) = 'object'),
          idempotency_key text check (length(idempotency_key) between 1 and 200),
          status text not null default 'queued' check (status in ('queued', 'sent', 'suppressed', 'failed')),
          attempts integer not null default 0 check (attempts >= 0),
          suppressed_reason text check (length(suppressed_reason) <= 100),
          last_error text check (length(last_error) <= 2000),
          transport_message_id text check (length(transport_message_id) <= 1000),
          created_at timestamptz not null default now(),
          sent_at timestamptz,
          finished_at timestamptz,
          check ((status = 'sent') = (sent_at is not null)),
          check ((status = 'suppressed') = (suppressed_reason is not null)),
          check ((status = 'queued') = (finished_at is null))
        );
        create unique index comms_outbox_idempotency_idx on comms_outbox (idempotency_key) where idempotency_key is not null;
        create index comms_outbox_subject_idx on comms_outbox (subject_id, created_at);
        create index comms_outbox_queued_idx on comms_outbox (created_at) where status = 'queued'
        `,
      ),
  },
  {
    // An order's status mail reads the tracking number kept under the order's ref, not ''.
    id: 'comms/0002_personal_ref',
    up: (db) => runSql(db, `alter table comms_outbox add column personal_ref text not null default '' check (length(personal_ref) <= 200)`),
  },
  {
    // Links with one-time tokens are kept sealed by the kernel, not in `params` (decision 0025).
    id: 'comms/0003_sealed_params',
    up: (db) => runSql(db, `alter table comms_outbox add column sealed_params bytea`),
  },
];
