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
  {
    // Runs by hand (`custodian backup`) are recorded beside scheduled ones, with the folder written
    // to; and each good run's copy off the machine (BACKUP_COPY_COMMAND): pending while it runs,
    // then copied (when) or failed (a code, never the command's output).
    id: 'backups/0002_origin_folder_copy',
    up: (db) =>
      runSql(
        db,
        `
        alter table backups_runs
          add column origin text not null default 'scheduled' check (origin in ('scheduled', 'by_hand')),
          add column folder text check (length(folder) <= 1000),
          add column copy_outcome text check (copy_outcome in ('pending', 'copied', 'failed')),
          add column copied_at timestamptz,
          add column copy_error_code text check (copy_error_code ~ '^[A-Z][A-Z0-9_]{0,39}$'),
          add constraint backups_runs_copy_check check (
            (copy_outcome is null or outcome = 'ok')
            and ((coalesce(copy_outcome, '') = 'copied') = (copied_at is not null))
            and ((coalesce(copy_outcome, '') = 'failed') = (copy_error_code is not null))
          );
      `,
      ),
  },
  {
    // A failed copy is tried again by the schedule, with growing pauses (runs.ts): how many times
    // the copy ran, and when it last did.
    id: 'backups/0003_copy_attempts',
    up: (db) =>
      runSql(
        db,
        `
        alter table backups_runs
          add column copy_attempts integer not null default 0 check (copy_attempts >= 0),
          add column copy_tried_at timestamptz;
        update backups_runs set copy_attempts = 1, copy_tried_at = coalesce(copied_at, finished_at) where copy_outcome in ('copied', 'failed');
      `,
      ),
  },
];
