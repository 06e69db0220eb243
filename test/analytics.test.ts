// Site-use analytics end to end on a running shop (decision 0061): a guest browses from another
// website, puts a router in the basket, checks out and pays by card; another visitor looks at the
// product; robots and staff pages are not counted. The rollup job, run by the job runner, turns the
// finished day into counts and deletes the raw rows and the day's key; the staff report over HTTP
// shows the counts and nothing of the buyer. The database never holds a client address (whole or
// truncated) or a User-Agent string; the schema has no column that joins to a person; analytics sets
// no cookie; the policy page and the machine-readable map show site use as aggregate data.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { parse as parseYaml } from 'yaml';
import { SESSION_COOKIE } from '../src/accounts/index.ts';
import { FormClient, signUpAndConfirm, staffClient } from '../src/accounts/testing.ts';
import { CART_COOKIE } from '../src/commerce/cart/index.ts';
import { makeShop, newClient, type CartClient } from '../src/commerce/cart/testing.ts';
import { paymentsTestBed } from '../src/commerce/payments/testing.ts';
import type { Db } from '../src/platform/db/database.ts';
import { collectJobs, enqueue } from '../src/platform/jobs/index.ts';
import { modules } from '../src/modules.ts';
import { subjectStatus } from '../src/privacy/testing.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { databaseAsText, testEachDatabase } from '../src/platform/testing/databases.ts';
import { submitPayForm, TEST_CARD } from '../src/sandbox-processor/testing.ts';
import { endTheDayAndRollUp } from './analytics-support.ts';

const owner = { name: 'Ottilie Brackenbury', email: 'ottilie.brackenbury@shop.example', role: 'owner', password: 'harbour-violet-93-compass-drift' };
const guest = { name: 'Grace Hopper', email: 'grace@example.com', age: 'adult' };
const address = { ship_line1: '1 Compiler Way', ship_line2: '', ship_postal_code: '10001', ship_city: 'New York', ship_country: 'US' };
const shopper = { name: 'Wilhelmina Pettigrew', email: 'wilhelmina.pettigrew@example.org', password: 'lantern-quarry-61-mossy-anchor' };
const KNOWN_IP = '198.51.100.23';
const KNOWN_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 Tracer/4242-analytics';
const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
/** Every column the module's tables may have: nothing names a user, subject, session, order, email, address or IP. */
const ALLOWED_COLUMNS = [
  'analytics_daily.day',
  'analytics_daily.dimension',
  'analytics_daily.metric',
  'analytics_daily.value',
  'analytics_day_keys.created_at',
  'analytics_day_keys.day',
  'analytics_day_keys.secret',
  'analytics_hits.at',
  'analytics_hits.browser',
  'analytics_hits.day',
  'analytics_hits.hour',
  'analytics_hits.kind',
  'analytics_hits.page',
  'analytics_hits.platform',
  'analytics_hits.referrer_host',
  'analytics_hits.visit_hash',
  'analytics_rollups.day',
  'analytics_rollups.rolled_up_at',
];

const keyOf = (body: string) => /name="idempotency_key" value="([^"]+)"/.exec(body)?.[1] ?? '';
const count = async (db: Db, query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(db)).rows[0]!.n;
const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

/** Every analytics table as text, rows and all. */
async function analyticsText(db: Db): Promise<string> {
  const parts: string[] = [];
  for (const table of ['analytics_day_keys', 'analytics_hits', 'analytics_daily', 'analytics_rollups']) {
    const { rows } = await sql<{ row: unknown }>`select row_to_json(t)::text as row from ${sql.table(table)} t`.execute(db);
    parts.push(...rows.map((r) => String(r.row)));
  }
  return parts.join('\n');
}

testEachDatabase('[P002-06][P002-11] site use is counted without identity: a purchase journey, the rollup job, the staff report; nothing of a visitor is kept', async (database, t) => {
  // Every report row by name (ANALYTICS_MIN_COUNT 1), so two visits' rows can be read; the minimum count has its own test.
  const bed = await paymentsTestBed(database, { ANALYTICS_MIN_COUNT: '1' });
  t.after(() => bed.close());
  const { app } = bed;
  const db = database.db;
  const settled = () => app.analyticsSettled!();
  const shop = await makeShop(db);
  const staff = await staffClient(app, db, owner);
  const storefrontCookies: string[] = [];
  const keep = (client: CartClient) => () => storefrontCookies.push(...client.setCookies.map((c) => c.split('=')[0]!));

  await t.test(
    '[P002-06][P002-11] browse, add to basket, check out and pay; after the rollup the staff report shows visits, page views, basket adds, purchases, the referrer and time on site',
    async () => {
      const buyer = newClient(app);
      assert.equal((await buyer.get('/', { referer: 'https://news.example.org/reviews/routers?id=55&utm=x' })).statusCode, 200);
      await buyer.get('/search?q=grace+hopper+secret');
      await buyer.get('/products/router');
      let added = await buyer.post('/cart/add', { variant_id: shop.rtr1, quantity: '1' });
      if (added.statusCode !== 303) added = await buyer.post('/cart/add', { variant_id: shop.rtr1, quantity: '1', confirm: '1' });
      assert.equal(added.statusCode, 303, added.body.slice(0, 300));
      const form = await buyer.get('/checkout');
      const started = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'card', ...guest, ...address });
      assert.equal(started.statusCode, 303, started.body.slice(0, 300));
      const paid = await submitPayForm(started.headers.location as string, TEST_CARD);
      const back = await buyer.get(pathOf(paid.location!));
      assert.equal((await buyer.get(back.headers.location as string)).statusCode, 200);
      keep(buyer)();
      // Another visitor (another network, browser and platform); a robot; staff at work: only the visitor counts.
      const other = newClient(app);
      await app.inject({ method: 'GET', url: '/products/router', remoteAddress: '203.0.113.9', headers: { 'user-agent': CHROME_WINDOWS, referer: 'http://shop.test/catalogue' } });
      await app.inject({ method: 'GET', url: '/products/router', remoteAddress: '192.0.2.10', headers: { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' } });
      await staff.get('/staff/orders');
      keep(other)();
      await settled();
      const views = await count(db, sql`select count(*)::int as n from analytics_hits where kind = 'page_view'`);
      assert.equal(views, 6, 'home, search, product, checkout, the confirmation, and the other visitor’s product page');
      assert.equal(await count(db, sql`select count(*)::int as n from analytics_hits where page like '/search%' and page <> '/search'`), 0, 'no query string is kept');
      // The first page an hour and a bit before the last: time on site.
      await sql`update analytics_hits set at = at - interval '125 seconds' where kind = 'page_view' and page = '/' `.execute(db);

      await endTheDayAndRollUp(database);
      assert.equal(await count(db, sql`select count(*)::int as n from analytics_hits`), 0, 'the raw rows are gone');
      assert.equal(await count(db, sql`select count(*)::int as n from analytics_day_keys`), 0, 'the day key is destroyed');
      const yesterday = dayOf(new Date(Date.now() - 86_400_000));
      const page = await staff.get(`/staff/analytics?from=${yesterday}&to=${dayOf(new Date())}`);
      assert.equal(page.statusCode, 200);
      const total = (id: string) => new RegExp(`id="total-${id}">([^<]+)<`).exec(page.body)?.[1];
      assert.equal(total('visits'), '2');
      assert.equal(total('page-views'), '6');
      assert.equal(total('basket-adds'), '1');
      assert.equal(total('checkout-starts'), '1');
      assert.equal(total('purchases'), '1');
      assert.match(total('time-on-site') ?? '', /^1 min \d+ s$/, 'two visits, one of a little over two minutes');
      assert.match(page.body, /<th scope="row" data-label="Website">news\.example\.org<\/th><td data-label="Count" class="num">1<\/td>/, 'the referring website by host only');
      assert.doesNotMatch(page.body, /reviews\/routers|utm=|id=55/, 'never the referring page');
      assert.match(page.body, /<th scope="row" data-label="Page">\/products\/router<\/th><td data-label="Count" class="num">2<\/td>/);
      assert.match(page.body, /data-label="Browser">Chrome</);
      assert.match(page.body, /data-label="Platform">Windows</);
      assert.doesNotMatch(page.body, /data-label="Page">\/staff|Googlebot|grace\+hopper/, 'staff pages, robots and search terms are not counted');
      assert.match(page.body, /<svg class="chart-svg"[^>]*role="img"/, 'the charts are drawn');
      // A second run of the job finds nothing more to do and changes no count.
      await endTheDayAndRollUp(database);
      assert.equal(/id="total-visits">([^<]+)</.exec((await staff.get(`/staff/analytics?from=${yesterday}`)).body)?.[1], '2');
    },
  );

  await t.test('[P001-05][P004-09] the report shows aggregates only: no name or email of the buyer, and marketing may read it while fulfilment may not', async () => {
    const yesterday = dayOf(new Date(Date.now() - 86_400_000));
    const body = (await staff.get(`/staff/analytics?from=${yesterday}`)).body;
    for (const value of [guest.name, guest.email, 'Hopper', address.ship_line1, KNOWN_IP, '127.0.0.1']) assert.ok(!body.includes(value), `"${value}" is not in the report`);
    assert.doesNotMatch(body, /C-\d+/, 'no order number');
    const marketing = await staffClient(app, db, { name: 'Mona Leftwich', email: 'mona.leftwich@shop.example', role: 'marketing', password: 'thistle-beacon-42-quiet-orchard' });
    assert.equal((await marketing.get('/staff/analytics')).statusCode, 200);
    const fulfilment = await staffClient(app, db, { name: 'Fergus Holloway', email: 'fergus.holloway@shop.example', role: 'fulfilment', password: 'copper-meadow-88-slow-river' });
    assert.equal((await fulfilment.get('/staff/analytics')).statusCode, 403);
    const bad = await staff.get('/staff/analytics?from=2026-02-31');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /from/);
  });

  await t.test(
    '[P004-11][P001-05] a known address and browser: neither the address, its truncated network nor the User-Agent is in the database; after the rollup no visit hash or day key remains',
    async () => {
      for (const url of ['/', '/products/router', '/catalogue']) {
        const res = await app.inject({ method: 'GET', url, remoteAddress: KNOWN_IP, headers: { 'user-agent': KNOWN_UA, referer: 'https://forum.example.net/t/1' } });
        assert.equal(res.statusCode, 200);
      }
      await app.inject({ method: 'GET', url: '/products/router', remoteAddress: '2001:db8:85a3:1234::42', headers: { 'user-agent': KNOWN_UA } });
      await settled();
      const hashes = (await sql<{ h: string }>`select distinct encode(visit_hash, 'hex') as h from analytics_hits where visit_hash is not null`.execute(db)).rows.map((r) => r.h);
      assert.ok(hashes.length >= 2, 'the visits are hashed');
      const forbidden = [KNOWN_IP, '198.51.100.0', '198.51.100', '2001:db8:85a3', '2001:db8', KNOWN_UA, 'Tracer/4242', 'Gecko/20100101', 'forum.example.net/t'];
      const before = `${await analyticsText(db)}\n${await databaseAsText(database, database.url)}`;
      assert.match(before, /forum\.example\.net/, 'the haystack is real: the referring host is there');
      for (const value of forbidden) assert.ok(!before.includes(value), `"${value}" is in the database`);
      await endTheDayAndRollUp(database);
      const after = await analyticsText(db);
      for (const hash of hashes) assert.ok(!after.includes(hash), 'no visit hash survives the rollup');
      assert.equal(await count(db, sql`select count(*)::int as n from analytics_day_keys`), 0);
      for (const value of forbidden) assert.ok(!after.includes(value), `"${value}" is in the counts`);
    },
  );

  await t.test('[P004-10][P001-05] a signed-in customer browses like anyone: nothing joinable in the schema and no analytics cookie', async () => {
    const customer = newClient(app);
    await signUpAndConfirm(customer, db, shopper);
    assert.ok(customer.cookies.has(SESSION_COOKIE), 'signed in');
    const before = customer.setCookies.length;
    for (const url of ['/', '/products/router', '/catalogue', '/search?q=router']) assert.equal((await customer.get(url)).statusCode, 200);
    await settled();
    storefrontCookies.push(...customer.setCookies.slice(before).map((c) => c.split('=')[0]!));
    const shopCookies = new Set([SESSION_COOKIE, CART_COOKIE]);
    assert.deepEqual(
      storefrontCookies.filter((name) => !shopCookies.has(name)),
      [],
      'every cookie set while browsing is one of the shop’s own',
    );
    const { rows } = await sql<{ c: string }>`
      select table_name || '.' || column_name as c from information_schema.columns
      where table_schema = current_schema() and table_name like 'analytics\\_%' order by 1`.execute(db);
    assert.deepEqual(
      rows.map((r) => r.c),
      ALLOWED_COLUMNS,
    );
    for (const c of rows.map((r) => r.c)) assert.doesNotMatch(c.split('.')[1]!, /user|subject|session|order|email|address|account|^ip$|_ip$|^ip_/);
    const kept = await analyticsText(db);
    for (const value of [shopper.email, shopper.name, customer.cookies.get(SESSION_COOKIE)!]) assert.ok(!kept.includes(value), 'nothing of the customer or their session');
  });

  await t.test(
    '[P004-11] a sign-in from a known address keeps neither the address nor its network in clear anywhere; the sign-in network is only a digest under the account holder’s own key, linked to nothing in the statistics, purged by retention and erased with the account',
    async () => {
      const SIGN_IN_IP = '198.51.100.77';
      const SIGN_IN_V6 = '2001:db8:77:4242::9';
      const rows = async () => (await sql<{ user_id: string; network: Buffer }>`select user_id, network from accounts_known_networks`.execute(db)).rows;
      // The shopper of the subtest before: the customer account signed up last.
      const { id: userId, subject_id: subject } = (
        await sql<{ id: string; subject_id: string }>`select id, subject_id from accounts_users where kind = 'customer' order by created_at desc limit 1`.execute(db)
      ).rows[0]!;
      const before = (await rows()).filter((r) => r.user_id === userId).length;
      for (const ip of [SIGN_IN_IP, SIGN_IN_V6]) {
        const client = new FormClient(app, ip);
        await client.get('/account/login');
        const signedIn = await client.post('/account/login', { email: shopper.email, password: shopper.password });
        assert.equal(signedIn.statusCode, 303, signedIn.body.slice(0, 300));
        assert.equal((await client.get('/catalogue')).statusCode, 200);
      }
      await settled();

      // Nowhere in clear: not the address, not its truncated network (IPv4 /32, IPv6 /64).
      const everything = await databaseAsText(database, database.url);
      for (const value of [SIGN_IN_IP, '198.51.100.0', '2001:db8:77', '2001:0db8:0077']) assert.ok(!everything.includes(value), `"${value}" is in the database`);

      // What is kept: one digest per network, the kernel's digest under this account holder's key, not a shared one.
      const mine = (await rows()).filter((r) => r.user_id === userId).map((r) => Buffer.from(r.network));
      assert.equal(mine.length, before + 2, 'one row per network signed in from');
      const v4 = await app.privacy.subjectDigest(db, { subject, domain: 'accounts.network', value: SIGN_IN_IP });
      assert.ok(
        mine.some((d) => d.equals(v4)),
        'the IPv4 sign-in is kept as the digest under the account holder’s key',
      );
      assert.ok(!mine.some((d) => d.equals(app.privacy.keyedDigest('accounts.network', SIGN_IN_IP))), 'not a digest any other account or store could share');
      const ownerSubject = (await sql<{ subject_id: string }>`select subject_id from accounts_users where kind = 'staff' limit 1`.execute(db)).rows[0]!.subject_id;
      assert.ok(!v4.equals(await app.privacy.subjectDigest(db, { subject: ownerSubject, domain: 'accounts.network', value: SIGN_IN_IP })), 'the same network of another account gives another digest');

      // The statistics hold no account link: no id, subject or digest of it.
      const stats = await analyticsText(db);
      for (const value of [userId, subject, ...mine.map((d) => d.toString('hex'))]) assert.ok(!stats.includes(value), 'nothing in the statistics joins to the account');
      const tables = (await sql<{ t: string }>`select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)).rows.map(
        (r) => r.t,
      );
      for (const d of mine) {
        const holders: string[] = [];
        for (const table of tables) {
          const { rows: found } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} t where row_to_json(t)::text like ${`%${d.toString('hex')}%`}`.execute(db);
          if (found[0]!.n) holders.push(table);
        }
        assert.deepEqual(holders, ['accounts_known_networks'], 'each digest is held in accounts_known_networks and in no other table');
      }

      // The published policy says so.
      const policy = (await app.inject({ method: 'GET', url: '/privacy' })).body;
      const said = /<p id="sign-in-networks">([\s\S]*?)<\/p>/.exec(policy)?.[1] ?? '';
      assert.match(said, /never as your address or network: as a code computed with a key of your account alone/);
      assert.match(said, /deleted 30 days after your last sign-in from that network and when your account is deleted, and erasing you destroys the key/);

      // Retention (the privacy.sweep job, through the worker): a network not used for longer than the map keeps IP data for security goes.
      const worker = testWorker(database, collectJobs(modules).handlers, { services: { config: bed.config, privacy: app.privacy, wiring: app.wiring } });
      await worker.start();
      try {
        await sql`update accounts_known_networks set last_seen_at = now() - interval '31 days' where user_id = ${userId} and network = ${v4}`.execute(db);
        await enqueue(db, 'privacy.sweep');
        await waitFor('the sweep', async () => !(await rows()).some((r) => Buffer.from(r.network).equals(v4)), 30_000);
        assert.equal((await rows()).filter((r) => r.user_id === userId).length, before + 1, 'the network used within the period stays');

        // Erased with the account: the rows go, and the key they were made with is destroyed.
        const self = new FormClient(app, SIGN_IN_IP);
        await self.get('/account/login');
        assert.equal((await self.post('/account/login', { email: shopper.email, password: shopper.password })).statusCode, 303);
        await self.get('/account/privacy/delete');
        assert.equal((await self.post('/account/privacy/delete', { password: shopper.password })).statusCode, 200);
        await waitFor('the erasure', async () => (await subjectStatus(db, subject)) === 'erased', 30_000);
        assert.deepEqual(
          (await rows()).filter((r) => r.user_id === userId),
          [],
          'no network of the erased account remains',
        );
        await assert.rejects(app.privacy.subjectDigest(db, { subject, domain: 'accounts.network', value: SIGN_IN_IP }), 'nobody can compute the digest again');
      } finally {
        await worker.stop(5000);
      }
    },
  );
});

testEachDatabase('[P002-02][P003-01] the data map keeps site-use statistics apart as aggregate data with no data subject: on the policy page and in the machine-readable map', async (database, t) => {
  const bed = await paymentsTestBed(database);
  t.after(() => bed.close());
  const { app } = bed;
  const policy = await app.inject({ method: 'GET', url: '/privacy' });
  assert.equal(policy.statusCode, 200);
  const section = /<section[^>]*id="site-use"[\s\S]*?<\/section>/.exec(policy.body)?.[0] ?? '';
  assert.match(section, /Site use statistics/);
  assert.match(section, /aggregate/i);
  assert.match(section, /not personal data/);
  for (const what of ['items put in a basket', 'purchases', 'time on site', 'browser family', 'the hour of the day']) assert.ok(section.includes(what), `the section lists ${what}`);
  const fides = await app.inject({ method: 'GET', url: '/privacy/datamap.fides.yml' });
  assert.equal(fides.statusCode, 200);
  const doc = parseYaml(fides.body) as {
    dataset: { fides_key: string; description: string; collections: { name: string; fields: { name: string; data_categories: string[]; fides_meta?: Record<string, unknown> }[] }[] }[];
  };
  const stats = doc.dataset.find((d) => d.fides_key === 'custodian_site_use_statistics');
  assert.ok(stats, 'a dataset of its own, apart from the personal-data store');
  assert.match(stats.description, /aggregate/i);
  const fields = stats.collections.flatMap((c) => c.fields);
  assert.ok(fields.length > 0);
  for (const f of fields) {
    assert.ok(
      f.data_categories.every((c) => !c.startsWith('user')),
      `${f.name} holds no user data category`,
    );
    assert.ok(!f.fides_meta?.identity && !f.fides_meta?.references, `${f.name} links to no person`);
  }
  assert.equal(fides.body.split('custodian_site_use_statistics').length, 2, 'named once, as its own key: no declaration about people and no system reference points at it');
});
