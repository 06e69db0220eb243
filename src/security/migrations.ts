import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const securityMigrations: Migration[] = [
  {
    id: 'security/0001_runs_and_findings',
    up: (db) =>
      runSql(
        db,
        `
        create table security_runs (
          id uuid primary key,
          trigger text not null check (trigger in ('schedule', 'staff', 'cli')),
          started_at timestamptz not null,
          finished_at timestamptz not null,
          high integer not null check (high >= 0),
          medium integer not null check (medium >= 0),
          low integer not null check (low >= 0),
          info integer not null check (info >= 0),
          new_findings integer not null default 0 check (new_findings >= 0)
        );
        create index security_runs_started_idx on security_runs (started_at desc);
        create table security_findings (
          id uuid primary key,
          run_id uuid not null references security_runs (id) on delete cascade,
          position integer not null,
          check_id text not null check (length(check_id) between 1 and 50),
          severity text not null check (severity in ('high', 'medium', 'low', 'info')),
          title text not null check (length(title) between 1 and 300),
          detail text not null check (length(detail) <= 2000),
          fix text not null check (length(fix) <= 1000)
        );
        create index security_findings_run_idx on security_findings (run_id, position)
        `,
      ),
  },
];
