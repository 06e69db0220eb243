// The staff report of site use: a date range (default the last 30 days), totals, the funnel, visits
// by day, top pages and referrers, browsers and platforms, requests by hour. Each chart has its
// table beside it (the accessible version). Counts only: no row stands for one visit or person.
import { barChart, type ChartPoint, lineChart } from '../web/chart.ts';
import { form } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { table } from '../web/table.ts';
import { html, type SafeHtml } from '../web/template.ts';
import { othersLabel, type Ranked, type Report } from './report.ts';

const number = (n: number) => n.toLocaleString('en-US');

/** A duration in seconds in words: "2 min 5 s", "40 s". */
export function durationText(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function section(id: string, heading: string, chart: SafeHtml, data: SafeHtml): SafeHtml {
  return html`<section class="card" aria-labelledby="${id}-h"><h2 id="${id}-h">${heading}</h2>${chart}${data}</section>`;
}

/** What the ANALYTICS_MIN_COUNT setting hides; with 1 it hides nothing, and the page says so. */
const minCountNote = (k: number) =>
  k > 1
    ? html`<p id="min-count">A page, referring website, browser or platform counted fewer than ${k} times in these days is not shown by name: such rows are summed into one “${othersLabel(k)}” row, whose count is not shown either while it is below ${k} (ANALYTICS_MIN_COUNT).</p>`
    : html`<p id="min-count">Every page, referring website, browser and platform is shown by name, however small its count (ANALYTICS_MIN_COUNT is 1).</p>`;

/** A ranked row's count as shown: the Others row below the minimum count says only that (decision 0084). */
const countText = (r: Ranked, minCount: number) => (r.value === null ? `fewer than ${minCount}` : number(r.value));

const rankedTable = (caption: string, label: string, rows: readonly Ranked[], minCount: number, empty: string) =>
  table({ caption, columns: [{ label }, { label: 'Count', numeric: true }], rows: rows.map((r) => [r.name, countText(r, minCount)]), empty });

/** A ranked table's chart: a withheld count has no bar. */
const rankedPoints = (rows: readonly Ranked[]): ChartPoint[] => rows.flatMap((r) => (r.value === null ? [] : [{ label: r.name, value: r.value }]));
const rankedDesc = (rows: readonly Ranked[], minCount: number, none: string) => rows.map((r) => `${r.name}: ${countText(r, minCount)}`).join('; ') || none;

export function analyticsPage(r: Report): Page {
  const t = r.totals;
  const averageSeconds = t.visits ? t.time_on_site / t.visits : 0;
  const funnel: ChartPoint[] = [
    { label: 'Visits', value: t.visits },
    { label: 'Product views', value: t.product_views },
    { label: 'Basket adds', value: t.basket_adds },
    { label: 'Checkouts', value: t.checkout_starts },
    { label: 'Purchases', value: t.purchases },
  ];
  const hours = r.hours.map((value, h) => ({ label: String(h).padStart(2, '0'), value }));
  const busiest = hours.reduce((a, b) => (b.value > a.value ? b : a), hours[0]!);
  const range = `${r.from} to ${r.to}`;
  const totals: [string, string, string][] = [
    ['visits', 'Visits', number(t.visits)],
    ['page-views', 'Page views', number(t.page_views)],
    ['basket-adds', 'Basket adds', number(t.basket_adds)],
    ['checkout-starts', 'Checkouts started', number(t.checkout_starts)],
    ['purchases', 'Purchases', number(t.purchases)],
    ['time-on-site', 'Average time on site', durationText(averageSeconds)],
  ];
  return {
    audience: 'staff',
    title: 'Site use',
    body: html`<section class="analytics"><h1>Site use</h1>
<p>Counts of how the shop is used, ${range} (days in UTC). Nothing here identifies a visitor: there is no analytics cookie, a visit is counted by a daily key that is destroyed when the day is rolled up, and no address or browser string is kept. Today is counted from today’s rows until the nightly rollup.</p>
${minCountNote(r.minCount)}
${form(
  { action: '/staff/analytics', method: 'get', csrf: '' },
  html`<div class="analytics-range"><p class="field"><label for="f-from">From</label> <input type="date" id="f-from" name="from" value="${r.from}"></p>
<p class="field"><label for="f-to">To</label> <input type="date" id="f-to" name="to" value="${r.to}"></p>
<p class="field"><button type="submit">Show</button></p></div>`,
)}
<dl class="analytics-totals">${totals.map(([id, label, value]) => html`<div><dt>${label}</dt><dd id="total-${id}">${value}</dd></div>`)}</dl>
${section(
  'funnel',
  'Funnel',
  barChart({ id: 'chart-funnel', title: `Funnel, ${range}`, desc: funnel.map((f) => `${f.label}: ${f.value}`).join('; '), points: funnel }),
  table({ caption: `Funnel, ${range}`, hideCaption: true, columns: [{ label: 'Step' }, { label: 'Count', numeric: true }], rows: funnel.map((f) => [f.label, number(f.value)]) }),
)}
${section(
  'days',
  'Visits by day',
  lineChart({
    id: 'chart-days',
    title: `Visits by day, ${range}`,
    desc: `${number(t.visits)} visits over ${r.days.length} days`,
    points: r.days.map((d) => ({ label: d.day.slice(5), value: d.visits })),
  }),
  table({
    caption: `Visits and page views by day, ${range}`,
    hideCaption: true,
    columns: [{ label: 'Day' }, { label: 'Visits', numeric: true }, { label: 'Page views', numeric: true }],
    rows: r.days.filter((d) => d.visits || d.page_views).map((d) => [d.day, number(d.visits), number(d.page_views)]),
    empty: 'No visits in these days.',
  }),
)}
${section(
  'pages',
  'Top pages',
  barChart({
    id: 'chart-pages',
    title: 'Top pages by views',
    desc: rankedDesc(r.pages, r.minCount, 'No page views'),
    points: rankedPoints(r.pages),
  }),
  rankedTable('Top pages by views', 'Page', r.pages, r.minCount, 'No page views in these days.'),
)}
${section(
  'referrers',
  'Top referring websites',
  barChart({
    id: 'chart-referrers',
    title: 'Top referring websites',
    desc: rankedDesc(r.referrers, r.minCount, 'No referring websites'),
    points: rankedPoints(r.referrers),
  }),
  rankedTable('Top referring websites by page views', 'Website', r.referrers, r.minCount, 'No visitor came from another website in these days.'),
)}
${section(
  'browsers',
  'Browsers and platforms',
  barChart({
    id: 'chart-browsers',
    title: 'Visits by browser family',
    desc: rankedDesc(r.browsers, r.minCount, 'No visits'),
    points: rankedPoints(r.browsers),
  }),
  html`${rankedTable('Visits by browser family', 'Browser', r.browsers, r.minCount, 'No visits in these days.')}${rankedTable('Visits by platform family', 'Platform', r.platforms, r.minCount, 'No visits in these days.')}`,
)}
${section(
  'hours',
  'Capacity: requests by hour (UTC)',
  barChart({ id: 'chart-hours', title: 'Requests by hour of the day (UTC)', desc: busiest.value ? `Busiest hour ${busiest.label}:00 with ${busiest.value} requests` : 'No requests', points: hours }),
  table({
    caption: 'Requests by hour of the day (UTC)',
    hideCaption: true,
    columns: [{ label: 'Hour' }, { label: 'Requests', numeric: true }],
    rows: hours.filter((h) => h.value).map((h) => [`${h.label}:00`, number(h.value)]),
    empty: 'No requests in these days.',
  }),
)}
<p>Time on site: ${durationText(t.time_on_site)} in all (from the first to the last page of each visit of a day).</p></section>`,
  };
}
