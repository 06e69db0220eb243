import type { Migration } from '../db/migrate.ts';
import { runSql } from '../db/migrate.ts';

// The key itself is never stored, only its SHA-256, and the request is fingerprinted with an HMAC
// under the key (decision 0018): a stolen table cannot be used to test guesses of what a buyer typed.
export const idempotencyMigrations: Migration[] = [
  {
    id: 'idempotency/0001_tables',
    up: (db) =>
      runSql(
        db,
        `
        create table idempotency_keys (
          scope text not null check (length(scope) between 1 and 100),
          key_digest bytea not null check (length(key_digest) = 32),
          request_hash bytea not null check (length(request_hash) = 32),
          response_status integer not null check (response_status between 100 and 499),
          response_body jsonb not null default '{}'::jsonb,
          created_at timestamptz not null default now(),
          expires_at timestamptz not null,
          primary key (scope, key_digest)
        );
        create index idempotency_keys_expiry_idx on idempotency_keys (expires_at)
        `,
      ),
  },
];
