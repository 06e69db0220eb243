import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const backupsMigrations: Migration[] = [
  {
    id: 'backups/0001_runs',
    up: (db) =>
      runSql(
        db,
        `
        create table backups_runs (
          id bigint generated always as identity primary key,
          started_at timestamptz not null,
          finished_at timestamptz not null,
          outcome text not null check (outcome in ('ok', 'failed')),
          file_name text check (length(file_name) <= 100),
          bytes bigint,
          sha256 text check (sha256 ~ '^[0-9a-f]{64}$'),
          error_code text check (error_code ~ '^[A-Z][A-Z0-9_]{0,39}$'),
          pruned integer not null default 0,
          check ((outcome = 'ok') = (file_name is not null and error_code is null))
        );
        create index backups_runs_started_idx on backups_runs (started_at desc);
      `,
      ),
  },
];
