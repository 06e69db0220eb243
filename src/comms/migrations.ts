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
  {
    // Decision 0054: a message is `sending` under a lease while the transport has it, so a crashed
    // send is retried only after the lease (same Message-ID), and a bounce is recorded on the row.
    id: 'comms/0004_sending_and_bounces',
    up: (db) =>
      runSql(
        db,
        `
        do $$
        declare c record;
        begin
          for c in select conname from pg_constraint where conrelid = 'comms_outbox'::regclass and contype = 'c'
                   and pg_get_constraintdef(oid) ~ '(status|sent_at|finished_at)' loop
            execute format('alter table comms_outbox drop constraint %I', c.conname);
          end loop;
        end $$;
        alter table comms_outbox
          add column lease_until timestamptz,
          add column bounce_code text check (length(bounce_code) between 1 and 100),
          add column bounced_at timestamptz,
          add constraint comms_outbox_status_check check (status in ('queued', 'sending', 'sent', 'bounced', 'suppressed', 'failed')),
          add constraint comms_outbox_sent_check check ((status in ('sent', 'bounced')) = (sent_at is not null)),
          add constraint comms_outbox_suppressed_check check ((status = 'suppressed') = (suppressed_reason is not null)),
          add constraint comms_outbox_finished_check check ((status in ('queued', 'sending')) = (finished_at is null)),
          add constraint comms_outbox_lease_check check ((status = 'sending') = (lease_until is not null)),
          add constraint comms_outbox_bounced_check check ((status = 'bounced') = (bounced_at is not null and bounce_code is not null));
        drop index comms_outbox_queued_idx;
        create index comms_outbox_unfinished_idx on comms_outbox (created_at) where status in ('queued', 'sending');
        create index comms_outbox_finished_idx on comms_outbox (finished_at) where finished_at is not null;
        create table comms_undeliverable (
          subject_id uuid not null,
          address_ref text not null check (length(address_ref) <= 200),
          hard_bounces integer not null check (hard_bounces > 0),
          marked_at timestamptz not null default now(),
          primary key (subject_id, address_ref)
        )
        `,
      ),
  },
];
