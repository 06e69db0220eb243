import type { Migration } from '../db/migrate.ts';
import { runSql } from '../db/migrate.ts';

export const jobsMigrations: Migration[] = [
  {
    id: 'jobs/0001_tables',
    up: (db) =>
      runSql(
        db,
        `
        create table jobs (
          id bigserial primary key,
          name text not null check (length(name) between 1 and 200),
          payload jsonb not null default '{}'::jsonb check (jsonb_typeof(payload) = 'object'),
          state text not null default 'queued' check (state in ('queued', 'running', 'done', 'dead')),
          run_at timestamptz not null default now(),
          attempts integer not null default 0 check (attempts >= 0),
          max_attempts integer not null default 10 check (max_attempts between 1 and 100),
          locked_by text check (length(locked_by) <= 200),
          locked_until timestamptz,
          last_error text check (length(last_error) <= 2000),
          unique_key text check (length(unique_key) between 1 and 200),
          created_at timestamptz not null default now(),
          finished_at timestamptz,
          check ((state = 'running') = (locked_by is not null and locked_until is not null))
        );
        create index jobs_due_idx on jobs (run_at, id) where state = 'queued';
        create index jobs_lease_idx on jobs (locked_until) where state = 'running';
        create index jobs_finished_idx on jobs (state, finished_at) where state in ('done', 'dead');
        create unique index jobs_unique_key_idx on jobs (unique_key) where state in ('queued', 'running');
        create table job_schedules (
          name text primary key check (length(name) between 1 and 200),
          job text not null check (length(job) between 1 and 200),
          payload jsonb not null default '{}'::jsonb check (jsonb_typeof(payload) = 'object'),
          every_seconds integer not null check (every_seconds > 0),
          next_run_at timestamptz not null
        )
        `,
      ),
  },
  // Every module's tables carry its prefix (issue 12): the job table is `jobs` itself, its schedules `jobs_schedules`.
  {
    id: 'jobs/0002_module_prefix',
    up: (db) => runSql(db, 'alter table job_schedules rename to jobs_schedules'),
  },
  // When a worker last wrote the schedule from its code: a schedule the code no longer declares
  // keeps an older time, so the self-check does not call it overdue.
  {
    id: 'jobs/0003_schedule_synced_at',
    up: (db) => runSql(db, 'alter table jobs_schedules add column synced_at timestamptz not null default now()'),
  },
];
