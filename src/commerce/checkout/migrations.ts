import type { Migration } from '../../platform/db/migrate.ts';
import { runSql } from '../../platform/db/migrate.ts';

// Ids, states and times only: which cart an order came from (cleared once it is paid), which
// payment and processor page it waits on, and the credit approvals invoice orders wait for.
export const checkoutMigrations: Migration[] = [
  {
    id: 'checkout/0001_tables',
    up: (db) =>
      runSql(
        db,
        `
        create table checkout_attempts (
          order_id uuid primary key,
          cart_id uuid,
          payment_id uuid unique,
          payment_url text check (length(payment_url) <= 2000),
          state text not null default 'awaiting_payment' check (state in ('awaiting_payment', 'paid', 'on_hold', 'cancelled')),
          created_at timestamptz not null default now(),
          finished_at timestamptz
        );
        create index checkout_attempts_waiting_idx on checkout_attempts (created_at) where state = 'awaiting_payment';
        create table checkout_credit_approvals (
          order_id uuid primary key references checkout_attempts (order_id),
          recipient text not null check (length(recipient) between 1 and 100),
          state text not null default 'awaiting' check (state in ('awaiting', 'approved', 'rejected')),
          created_at timestamptz not null default now()
        )
        `,
      ),
  },
  {
    id: 'checkout/0002_credit_checks',
    up: (db) =>
      runSql(
        db,
        `
        alter table checkout_credit_approvals add column approval_id uuid;
        alter table checkout_credit_approvals add column reason text check (length(reason) <= 300);
        alter table checkout_credit_approvals add column decided_at timestamptz;
        alter table checkout_credit_approvals drop constraint checkout_credit_approvals_state_check;
        alter table checkout_credit_approvals add constraint checkout_credit_approvals_state_check check (state in ('awaiting', 'requested', 'approved', 'rejected'));
        create index checkout_credit_approvals_open_idx on checkout_credit_approvals (created_at) where state in ('awaiting', 'requested')
        `,
      ),
  },
  // Credit notes are codes of a fixed list (credit-notes.ts, decision 0028), never typed text; the
  // erasure's text becomes its code and any other text (typed by staff) becomes `other`.
  {
    id: 'checkout/0003_credit_note_codes',
    up: (db) =>
      runSql(
        db,
        `
        update checkout_credit_approvals set reason = case when reason = 'the buyer deleted their account' then 'account_deleted' else 'other' end where reason is not null;
        alter table checkout_credit_approvals add constraint checkout_credit_approvals_reason_code check (reason ~ '^[a-z][a-z_]{0,39}$')
        `,
      ),
  },
  {
    // Stock held by orders waiting for payment is bounded per source network (decision 0029): the
    // keyed digest of the buyer's network is kept only while the order waits, with the units it holds.
    id: 'checkout/0004_unpaid_holds',
    up: (db) =>
      runSql(
        db,
        `
        alter table checkout_attempts add column source bytea check (length(source) = 32);
        alter table checkout_attempts add column held_units integer not null default 0 check (held_units >= 0);
        create index checkout_attempts_source_idx on checkout_attempts (source) where source is not null
        `,
      ),
  },
  {
    // An attempt is written before its payment exists, so every insert put a null into the unique
    // index on payment_id. The same uniqueness (nulls never collide) and the lookup by payment id
    // (an equality, so never null) with a partial index that holds only the set values (issue 18).
    id: 'checkout/0005_payment_id_index_without_nulls',
    up: (db) =>
      runSql(
        db,
        `
        create unique index checkout_attempts_payment_idx on checkout_attempts (payment_id) where payment_id is not null;
        alter table checkout_attempts drop constraint checkout_attempts_payment_id_key
        `,
      ),
  },
];
