// The rollup: a finished day's raw rows become its counts (analytics_daily), then the rows and the
// day's key are deleted in the same transaction, so no visit hash of that day survives and none can
// be computed again. Idempotent per day: a day already rolled up is only cleaned. The same query
// gives the staff report today's counts, not yet rolled up, from the raw rows.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { dayOf } from './events.ts';
import { analyticsDb } from './tables.ts';

export const ROLLUP_JOB = 'analytics.rollup';

export interface Count {
  day: string;
  metric: string;
  dimension: string;
  value: number;
}

/** The counts of the raw rows of the days from `from` to `to` (inclusive, YYYY-MM-DD). */
export async function countHits(db: Db, from: string, to: string): Promise<Count[]> {
  const { rows } = await sql<Count>`
    with h as (select * from analytics_hits where day between ${from}::date and ${to}::date),
    visits as (
      select day, visit_hash, min(browser) as browser, min(platform) as platform, extract(epoch from max(at) - min(at)) as seconds
      from h where visit_hash is not null and kind = 'page_view' group by day, visit_hash
    )
    select day::text as day, metric, dimension, value::int as value from (
      select day, 'visits' as metric, '' as dimension, count(*) as value from visits group by day
      union all select day, 'time_on_site', '', round(sum(seconds)) from visits group by day
      union all select day, 'browser', browser, count(*) from visits group by day, browser
      union all select day, 'platform', platform, count(*) from visits group by day, platform
      union all select day, 'page_views', '', count(*) from h where kind = 'page_view' group by day
      union all select day, 'product_views', '', count(*) from h where kind = 'page_view' and page like '/products/%' group by day
      union all select day, 'page', page, count(*) from h where kind = 'page_view' group by day, page
      union all select day, 'referrer', referrer_host, count(*) from h where referrer_host is not null group by day, referrer_host
      union all select day, kind || 's', '', count(*) from h where kind <> 'page_view' group by day, kind
      union all select day, 'hour', lpad(hour::text, 2, '0'), count(*) from h group by day, hour
    ) c`.execute(db);
  return rows.map((r) => ({ ...r, value: Number(r.value) }));
}

/** Rolls up one finished day in one transaction; returns the number of count rows written (0 when it was done before). */
export async function rollUpDay(db: Db, day: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const tables = analyticsDb(trx);
    const done = await sql`insert into analytics_rollups (day, rolled_up_at) values (${day}::date, ${new Date()}) on conflict (day) do nothing returning day`.execute(trx);
    let written = 0;
    if (done.rows.length > 0) {
      const counts = (await countHits(trx, day, day)).filter((c) => c.value > 0);
      if (counts.length) await tables.insertInto('analytics_daily').values(counts).execute();
      written = counts.length;
    }
    await tables.deleteFrom('analytics_hits').where('day', '=', day).execute();
    await tables.deleteFrom('analytics_day_keys').where('day', '=', day).execute();
    return written;
  });
}

/** Rolls up every day before today (UTC) that still has raw rows or a key; returns the days. */
export async function rollUpFinishedDays(db: Db, now = new Date()): Promise<string[]> {
  const today = dayOf(now);
  const { rows } = await sql<{ day: string }>`
    select day::text as day from analytics_hits where day < ${today}::date
    union select day::text from analytics_day_keys where day < ${today}::date
    order by day`.execute(db);
  for (const { day } of rows) await rollUpDay(db, day);
  return rows.map((r) => r.day);
}
