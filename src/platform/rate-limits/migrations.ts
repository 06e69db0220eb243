import type { Migration } from '../db/migrate.ts';
import { runSql } from '../db/migrate.ts';

// One row per client key: its count in its current window, which every web process adds to (decision
// 0066). The client's address is never stored, only its keyed digest (the key is in the keyring).
// Unlogged: a count is written on every request, and a table without WAL commits without waiting for
// a disk flush; what a crash loses (the counts of the current minute) is worth less than that wait.
export const rateLimitsMigrations: Migration[] = [
  {
    id: 'rate_limits/0001_table',
    up: (db) =>
      runSql(
        db,
        `
        create unlogged table rate_limits (
          key_digest bytea not null check (length(key_digest) = 32),
          window_end timestamptz not null,
          hits integer not null check (hits > 0),
          primary key (key_digest)
        );
        create index rate_limits_window_end_idx on rate_limits (window_end)
        `,
      ),
  },
];
