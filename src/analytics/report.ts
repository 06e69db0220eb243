// The staff report: the counts of a range of days, from the rolled-up days and, for days not
// rolled up yet (today), from the raw rows counted the same way. Counts only: no row is for a visit.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { type Count, countHits } from './rollup.ts';

/** A row of a ranked table; `value` is null only on the Others row whose sum is below the minimum count (decision 0084). */
export interface Ranked {
  name: string;
  value: number | null;
}

export interface Report {
  from: string;
  to: string;
  /** ANALYTICS_MIN_COUNT: the smallest count a ranked row is shown by name with. */
  minCount: number;
  totals: { visits: number; page_views: number; product_views: number; basket_adds: number; checkout_starts: number; purchases: number; time_on_site: number };
  days: { day: string; visits: number; page_views: number }[];
  pages: Ranked[];
  referrers: Ranked[];
  browsers: Ranked[];
  platforms: Ranked[];
  hours: number[];
}

const TOTALS = ['visits', 'page_views', 'product_views', 'basket_adds', 'checkout_starts', 'purchases', 'time_on_site'] as const;
export const TOP = 10;

/** Every day from `from` to `to`, YYYY-MM-DD. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d = new Date(d.getTime() + 86_400_000)) days.push(d.toISOString().slice(0, 10));
  return days;
}

/** The label of the row that sums the values below the minimum count. */
export const othersLabel = (minCount: number) => `Others (each fewer than ${minCount})`;

/**
 * Values of one dimension, summed over the range, as the report may show them: those counted at
 * least `minCount` times by name (the `limit` largest), and every smaller one folded into one
 * Others row, whose sum is withheld too when it is below `minCount` (decision 0084).
 */
export function rankedAboveMinimum(by: ReadonlyMap<string, number>, minCount: number, limit: number): Ranked[] {
  const named: { name: string; value: number }[] = [];
  let rest = 0;
  for (const [name, value] of by) {
    if (value >= minCount) named.push({ name, value });
    else if (value > 0) rest += value;
  }
  named.sort((a, b) => b.value - a.value || a.name.localeCompare(b.name));
  const rows: Ranked[] = named.slice(0, limit);
  if (rest > 0) rows.push({ name: othersLabel(minCount), value: rest >= minCount ? rest : null });
  return rows;
}

export async function report(db: Db, from: string, to: string, minCount: number): Promise<Report> {
  const { rows } = await sql<Count>`select day::text as day, metric, dimension, value from analytics_daily where day between ${from}::date and ${to}::date`.execute(db);
  const counts = [...rows.map((r) => ({ ...r, value: Number(r.value) })), ...(await countHits(db, from, to))];
  const ranked = (metric: string, limit = TOP): Ranked[] => {
    const by = new Map<string, number>();
    for (const c of counts) if (c.metric === metric) by.set(c.dimension, (by.get(c.dimension) ?? 0) + c.value);
    return rankedAboveMinimum(by, minCount, limit);
  };
  const total = (metric: string) => counts.filter((c) => c.metric === metric && c.dimension === '').reduce((n, c) => n + c.value, 0);
  const perDay = (metric: string, day: string) => counts.filter((c) => c.metric === metric && c.day === day && c.dimension === '').reduce((n, c) => n + c.value, 0);
  const hours = Array.from({ length: 24 }, () => 0);
  for (const c of counts) if (c.metric === 'hour') hours[Number(c.dimension)]! += c.value;
  return {
    from,
    to,
    minCount,
    totals: Object.fromEntries(TOTALS.map((m) => [m, total(m)])) as Report['totals'],
    days: daysBetween(from, to).map((day) => ({ day, visits: perDay('visits', day), page_views: perDay('page_views', day) })),
    pages: ranked('page'),
    referrers: ranked('referrer'),
    browsers: ranked('browser', 100),
    platforms: ranked('platform', 100),
    hours,
  };
}
