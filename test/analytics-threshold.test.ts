// The site-use report's minimum count (ANALYTICS_MIN_COUNT, decision 0084), through the staff route
// on a running shop: a referring website, browser, platform or page counted fewer than K times in
// the chosen days is not named on the page nor anywhere else the report could leave the shop; one
// counted K times (part rolled up yesterday, part from today's raw rows) is; the rest is one Others
// row with its sum, withheld too while below K. Totals stay exact. The policy states K.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { staffClient } from '../src/accounts/testing.ts';
import { ConfigError, loadConfig } from '../src/platform/config.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { endTheDayAndRollUp } from './analytics-support.ts';

const owner = { name: 'Philippa Wrenfield', email: 'philippa.wrenfield@shop.example', role: 'owner', password: 'saffron-ledger-57-quiet-brook' };
const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A row of a ranked table: its name and its count as shown. */
const row = (label: string, name: string, count: string) => new RegExp(`<th scope="row" data-label="${label}">${literal(name)}</th><td data-label="Count" class="num">${literal(count)}</td>`);

async function visit(app: FastifyInstance, url: string, ip: string, ua: string, referer?: string): Promise<void> {
  const res = await app.inject({ method: 'GET', url, remoteAddress: ip, headers: { 'user-agent': ua, ...(referer ? { referer } : {}) } });
  assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 200)}`);
}

testEachDatabase('[P001-05] the site-use report names no referrer, browser, platform or page counted fewer than ANALYTICS_MIN_COUNT times', async (database, t) => {
  const bed = await buildTestApp(database);
  t.after(() => bed.app.close());
  const { app } = bed;
  assert.equal(bed.config.analyticsMinCount, 5, 'the default minimum count');
  const staff = await staffClient(app, database.db, owner);

  // Visits are told apart by network (/24), browser and platform family.
  // Yesterday, rolled up: three visits from popular.example.com. Today: two more, so five in the range.
  for (const n of [1, 2, 3]) await visit(app, '/', `203.0.${n}.1`, CHROME_WINDOWS, 'https://popular.example.com/list');
  await app.analyticsSettled!();
  await endTheDayAndRollUp(database);
  for (const n of [4, 5]) await visit(app, '/', `203.0.${n}.1`, CHROME_WINDOWS, 'https://popular.example.com/list');
  // The one visit that must not be singled out: a rare website, browser, platform and page.
  await visit(app, '/catalogue', '198.51.100.7', FIREFOX_LINUX, 'https://lonely.example.net/a-post');
  // Two more rare websites (2 and 3 page views): with the lonely one, Others sums 6.
  for (let i = 0; i < 2; i++) await visit(app, '/', '192.0.20.1', CHROME_WINDOWS, 'https://rare-two.example.org/');
  for (let i = 0; i < 3; i++) await visit(app, '/', '192.0.30.1', CHROME_WINDOWS, 'https://rare-three.example.org/');
  await app.analyticsSettled!();

  const yesterday = dayOf(new Date(Date.now() - 86_400_000));
  const range = `/staff/analytics?from=${yesterday}&to=${dayOf(new Date())}`;

  await t.test('the page: K visits are named, one visit is not, the rest is one Others row; totals stay exact', async () => {
    const page = await staff.get(range);
    assert.equal(page.statusCode, 200);
    const body = page.body;
    assert.ok(!body.includes('lonely.example.net'), 'a referring website of one visit is nowhere on the page, chart included');
    for (const hidden of ['rare-two.example.org', 'rare-three.example.org', 'Firefox', 'Linux', '/catalogue<']) assert.ok(!body.includes(hidden), `"${hidden}" is not named`);
    assert.match(body, row('Website', 'popular.example.com', '5'), 'a website of K visits over the range (rolled-up days and today) is named');
    assert.match(body, row('Website', 'Others (each fewer than 5)', '6'), 'the rest summed: 1 + 2 + 3');
    assert.match(body, row('Browser', 'Chrome', '7'));
    assert.match(body, row('Browser', 'Others (each fewer than 5)', 'fewer than 5'), 'an Others row of one visit does not show its count');
    assert.match(body, row('Platform', 'Others (each fewer than 5)', 'fewer than 5'));
    assert.match(body, row('Page', '/', '10'));
    assert.match(body, row('Page', 'Others (each fewer than 5)', 'fewer than 5'));
    assert.match(body, /id="min-count">[^<]*fewer than 5 times/);
    const total = (id: string) => new RegExp(`id="total-${id}">([^<]+)<`).exec(body)?.[1];
    assert.equal(total('visits'), '8', 'the totals are exact');
    assert.equal(total('page-views'), '11');
  });

  await t.test('no other way out: the report has no API, JSON or CSV form, and asking for one gives the same page', async () => {
    const openapi = await app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(openapi.statusCode, 200);
    assert.deepEqual(
      Object.keys((JSON.parse(openapi.body) as { paths: Record<string, unknown> }).paths).filter((p) => /analytic|site-use/i.test(p)),
      [],
      'the API reference lists no report',
    );
    for (const url of ['/api/staff/analytics', '/staff/analytics.json', '/staff/analytics.csv', '/staff/analytics/export']) {
      const res = await app.inject({ method: 'GET', url, headers: bed.staffHeaders });
      assert.equal(res.statusCode, 404, url);
    }
    for (const [url, accept] of [
      [`${range}&format=csv`, 'text/csv'],
      [range, 'application/json'],
    ] as const) {
      const res = await staff.get(url, { accept });
      assert.ok(res.statusCode === 200 || res.statusCode === 400, `${url}: ${res.statusCode}`);
      assert.ok(!res.body.includes('lonely.example.net'), `${url} as ${accept} does not name the website of one visit`);
    }
  });

  await t.test('the policy states the minimum count from the setting', async () => {
    const policy = (await app.inject({ method: 'GET', url: '/privacy' })).body;
    const said = /<p id="site-use-min-count">([\s\S]*?)<\/p>/.exec(policy)?.[1] ?? '';
    assert.match(said, /counted fewer than 5 times in those days is not shown by name/);
  });

  await t.test('ANALYTICS_MIN_COUNT=3 on the same data: the sums of 3 are named, the page and the policy say 3', async () => {
    const three = await buildTestApp(database, { DATA_DIR: bed.config.dataDir, ANALYTICS_MIN_COUNT: '3' });
    try {
      const other = await staffClient(three.app, database.db, { ...owner, name: 'Ambrose Kettering', email: 'ambrose.kettering@shop.example' });
      const body = (await other.get(range)).body;
      assert.match(body, row('Website', 'rare-three.example.org', '3'));
      assert.match(body, row('Website', 'Others (each fewer than 3)', '3'), '1 + 2');
      assert.ok(!body.includes('lonely.example.net') && !body.includes('rare-two.example.org'));
      const policy = (await three.app.inject({ method: 'GET', url: '/privacy' })).body;
      assert.match(policy, /<p id="site-use-min-count">[^<]*fewer than 3 times/);
    } finally {
      await three.app.close();
    }
  });
});

test('ANALYTICS_MIN_COUNT must be a whole number from 1 to 1000: 0 and "abc" stop start with an error naming it', () => {
  for (const value of ['0', 'abc', '1001']) {
    assert.throws(
      () => loadConfig({ ANALYTICS_MIN_COUNT: value }),
      (err: unknown) => err instanceof ConfigError && err.setting === 'ANALYTICS_MIN_COUNT' && /ANALYTICS_MIN_COUNT/.test(err.message),
      value,
    );
  }
});
