import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const supportMigrations: Migration[] = [
  {
    id: 'support/0001_tickets_and_messages',
    up: (db) =>
      runSql(
        db,
        `
        create sequence support_ticket_number_seq start 101;
        create table support_tickets (
          id uuid primary key,
          reference text not null unique check (reference ~ '^S-[0-9]{6,12}$'),
          subject_id uuid not null,
          opened_by text not null check (opened_by in ('customer', 'correspondent')),
          status text not null check (status in ('open', 'answered', 'closed')),
          opened_at timestamptz not null,
          last_message_at timestamptz not null,
          closed_at timestamptz,
          messages integer not null check (messages >= 0),
          order_given boolean not null,
          link_hash bytea unique,
          check ((status = 'closed') = (closed_at is not null))
        );
        create index support_tickets_subject_idx on support_tickets (subject_id);
        create index support_tickets_status_idx on support_tickets (status, last_message_at);
        create table support_messages (
          ticket_id uuid not null references support_tickets (id) on delete cascade,
          n integer not null check (n >= 1),
          author text not null check (author in ('requester', 'staff')),
          channel text not null check (channel in ('form', 'account', 'link', 'mail-in', 'mail-out', 'phone')),
          actor_ref text not null check (length(actor_ref) <= 200),
          at timestamptz not null,
          masked boolean not null default false,
          primary key (ticket_id, n)
        )
        `,
      ),
  },
];
