import type { Migration } from '../../platform/db/migrate.ts';
import { runSql } from '../../platform/db/migrate.ts';

export const fraudMigrations: Migration[] = [
  {
    id: 'fraud/0001_rules_and_reviews',
    up: (db) =>
      runSql(
        db,
        `
        create table fraud_rules (
          id smallint primary key default 1 check (id = 1),
          country_mismatch boolean not null default false,
          velocity_orders integer check (velocity_orders between 2 and 100),
          velocity_hours integer check (velocity_hours between 1 and 720),
          amount_minor integer check (amount_minor > 0),
          amount_currency text check (amount_currency ~ '^[A-Z]{3}$'),
          updated_at timestamptz not null default now(),
          updated_by text not null check (length(updated_by) between 1 and 100),
          check ((velocity_orders is null) = (velocity_hours is null)),
          check ((amount_minor is null) = (amount_currency is null))
        );
        create table fraud_reviews (
          order_id uuid primary key,
          rules text[] not null check (cardinality(rules) > 0),
          state text not null default 'flagged'
            check (state in ('flagged', 'awaiting_proof', 'proof_received', 'approved', 'rejected', 'closed')),
          token_hash bytea unique,
          flagged_at timestamptz not null default now(),
          held_at timestamptz,
          proof_parts integer check (proof_parts between 1 and 200),
          proof_received_at timestamptz,
          purge_after timestamptz,
          purged_at timestamptz,
          decided_at timestamptz,
          decided_by text check (length(decided_by) between 1 and 100)
        );
        create index fraud_reviews_open on fraud_reviews (state, held_at) where state in ('awaiting_proof', 'proof_received');
        create index fraud_reviews_purge on fraud_reviews (purge_after) where purged_at is null and proof_parts is not null;
        `,
      ),
  },
  // The retention engine counts a proof's period from its upload (decision 0065): purge_after is
  // no longer written, and the proofs due are found by proof_received_at.
  {
    id: 'fraud/0002_proofs_by_upload',
    up: (db) =>
      runSql(
        db,
        `
        drop index fraud_reviews_purge;
        create index fraud_reviews_proofs on fraud_reviews (proof_received_at) where purged_at is null and proof_parts is not null;
        `,
      ),
  },
];
