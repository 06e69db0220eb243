import type { Migration } from '../../platform/db/migrate.ts';
import { runSql } from '../../platform/db/migrate.ts';

export const paymentsMigrations: Migration[] = [
  {
    id: 'payments/0001_attempts',
    up: (db) =>
      runSql(
        db,
        `
        create table payments_attempts (
          id uuid primary key,
          order_id uuid not null,
          subject_id uuid not null,
          processor text not null check (processor ~ '^[a-z][a-z0-9-]{0,30}$'),
          processor_ref text not null check (length(processor_ref) between 1 and 255),
          instrument text not null check (instrument in ('card', 'bank-account')),
          amount_minor integer not null check (amount_minor > 0),
          currency text not null check (currency ~ '^[A-Z]{3}$'),
          status text not null default 'open' check (status in ('open', 'succeeded', 'failed', 'expired', 'refunded')),
          failure_code text check (length(failure_code) <= 100),
          refunded_minor integer not null default 0 check (refunded_minor between 0 and amount_minor),
          redirect_url text not null check (length(redirect_url) <= 2000),
          idempotency_key text not null check (length(idempotency_key) between 1 and 255),
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          settled_at timestamptz,
          check ((status = 'open') = (settled_at is null)),
          unique (idempotency_key),
          unique (processor, processor_ref)
        );
        create index payments_attempts_order_idx on payments_attempts (order_id);
        create index payments_attempts_open_idx on payments_attempts (created_at) where status = 'open';
        create table payments_refunds (
          id uuid primary key,
          payment_id uuid not null references payments_attempts(id),
          amount_minor integer not null check (amount_minor > 0),
          idempotency_key text not null unique check (length(idempotency_key) between 1 and 255),
          actor_kind text not null,
          actor_id text not null,
          created_at timestamptz not null default now()
        );
        create index payments_refunds_payment_idx on payments_refunds (payment_id)
        `,
      ),
  },
  {
    // Erasure and export find a person's payments by their subject.
    id: 'payments/0002_subject_index',
    up: (db) => runSql(db, `create index payments_attempts_subject_idx on payments_attempts (subject_id)`),
  },
];

// Erasure unlinks a payment from its buyer (P000-12): amounts, processor reference and status stay
// for the accounts; the processor is asked to forget the buyer.
paymentsMigrations.push({
  id: 'payments/0003_unlinked_payments',
  up: (db) => runSql(db, `alter table payments_attempts alter column subject_id drop not null`),
});

// Whether the payment asked the processor to keep its method for later (a plan bought, a
// subscription's invoice): the settlement says so, and subscriptions reads the order only then.
// Rows from before did not record it: true, so their settlement is looked at as it was.
paymentsMigrations.push({
  id: 'payments/0004_save_for_later',
  up: (db) => runSql(db, `alter table payments_attempts add column save_for_later boolean not null default true`),
});
