// The analytics module's tables. None has a column that could join a row to a person: no user,
// subject, session, order, email or address column (a test reads the migrated schema).
// - analytics_day_keys: the day's random HMAC key; deleted when the day is rolled up, so a visit
//   hash of a finished day can never be computed again.
// - analytics_hits: today's tracked requests and events, one row each; a page view carries the
//   visit hash (HMAC of the day's key over the truncated address and the browser and platform
//   families). Deleted by the rollup of their day.
// - analytics_daily: the counts of a finished day by metric and dimension (aggregate, kept).
// - analytics_rollups: the days rolled up, so the job is idempotent per day.
import { tablesOf, type Db } from '../platform/db/database.ts';
import type { Browser, EventKind, Platform } from './events.ts';

export interface DayKeyTable {
  day: string;
  secret: Buffer;
  created_at: Date;
}

export interface HitTable {
  day: string;
  at: Date;
  hour: number;
  kind: EventKind;
  /** A page view's route pattern or catalogue path, never with its query. */
  page: string | null;
  referrer_host: string | null;
  browser: Browser | null;
  platform: Platform | null;
  visit_hash: Buffer | null;
}

export interface DailyTable {
  day: string;
  metric: string;
  dimension: string;
  value: number;
}

export interface RollupTable {
  day: string;
  rolled_up_at: Date;
}

export interface AnalyticsTables {
  analytics_day_keys: DayKeyTable;
  analytics_hits: HitTable;
  analytics_daily: DailyTable;
  analytics_rollups: RollupTable;
}

export const analyticsDb = (db: Db) => tablesOf<AnalyticsTables>(db);
