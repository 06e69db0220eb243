import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const subscriptionsMigrations: Migration[] = [
  {
    id: 'subscriptions/0001_subscriptions_and_invoices',
    up: (db) =>
      runSql(
        db,
        `
        create table subscriptions_subscriptions (
          id uuid primary key,
          subject_id uuid,
          order_id uuid not null,
          variant_id uuid not null,
          name text not null check (length(name) <= 400),
          sku text not null check (length(sku) <= 100),
          period text not null check (period in ('month', 'year')),
          amount_minor integer not null check (amount_minor > 0),
          currency text not null check (currency ~ '^[A-Z]{3}$'),
          status text not null check (status in ('active', 'past_due', 'suspended', 'cancelled')),
          current_period_start timestamptz not null,
          current_period_end timestamptz not null,
          cancel_at_period_end boolean not null default false,
          failures integer not null default 0 check (failures >= 0),
          retry_at timestamptz,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          ended_at timestamptz,
          unique (order_id, variant_id),
          check (current_period_end > current_period_start)
        );
        create index subscriptions_subject_idx on subscriptions_subscriptions (subject_id) where subject_id is not null;
        create index subscriptions_due_idx on subscriptions_subscriptions (current_period_end) where status in ('active', 'past_due');
        create table subscriptions_invoices (
          id uuid primary key,
          subscription_id uuid not null references subscriptions_subscriptions (id) on delete cascade,
          period_start timestamptz not null,
          period_end timestamptz not null,
          amount_minor integer not null check (amount_minor > 0),
          currency text not null,
          status text not null default 'open' check (status in ('open', 'paid', 'failed')),
          payment_id uuid,
          failure_code text check (length(failure_code) <= 100),
          attempts integer not null default 0 check (attempts >= 0),
          paid_at timestamptz,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          unique (subscription_id, period_start)
        );
        `,
      ),
  },
];
