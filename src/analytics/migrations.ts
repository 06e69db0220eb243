import type { Migration } from '../platform/db/migrate.ts';
import { runSql } from '../platform/db/migrate.ts';

export const analyticsMigrations: Migration[] = [
  {
    id: 'analytics/0001_site_use_counts',
    up: (db) =>
      runSql(
        db,
        `
        create table analytics_day_keys (
          day date primary key,
          secret bytea not null check (length(secret) = 32),
          created_at timestamptz not null
        );
        create table analytics_hits (
          id bigint generated always as identity primary key,
          day date not null,
          at timestamptz not null,
          hour smallint not null check (hour between 0 and 23),
          kind text not null check (kind in ('page_view', 'basket_add', 'checkout_start', 'purchase')),
          page text check (length(page) <= 300),
          referrer_host text check (length(referrer_host) <= 253),
          browser text check (browser in ('Firefox', 'Chrome', 'Safari', 'Edge', 'other')),
          platform text check (platform in ('Windows', 'macOS', 'Linux', 'Android', 'iOS', 'other')),
          visit_hash bytea check (length(visit_hash) = 16),
          check ((kind = 'page_view') = (page is not null))
        );
        create index analytics_hits_day_idx on analytics_hits (day);
        create table analytics_daily (
          day date not null,
          metric text not null check (length(metric) between 1 and 40),
          dimension text not null default '' check (length(dimension) <= 300),
          value bigint not null check (value >= 0),
          primary key (day, metric, dimension)
        );
        create table analytics_rollups (
          day date primary key,
          rolled_up_at timestamptz not null
        )
        `,
      ),
  },
  {
    // Checkout's and orders' events in one round trip: the exception block is the savepoint that
    // keeps a failed insert from undoing the order (it was savepoint, insert, release).
    id: 'analytics/0002_record_event_function',
    up: (db) =>
      runSql(
        db,
        `
        create function analytics_record_event(p_kind text, p_day date, p_at timestamptz, p_hour smallint) returns void language plpgsql as $$
        begin
          insert into analytics_hits (day, at, hour, kind) values (p_day, p_at, p_hour, p_kind);
        exception when others then
          null;
        end;
        $$
        `,
      ),
  },
  {
    // No query reads a hit's id: the rollup groups and deletes by day. Every page view and event
    // paid for its sequence value and primary-key entry (issue 18: two per checkout).
    id: 'analytics/0003_hits_without_id',
    up: (db) => runSql(db, `alter table analytics_hits drop column id`),
  },
];
