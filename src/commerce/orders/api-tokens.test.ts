// Staff API access by personal tokens (decision 0026), over HTTP: the shop's shared token no longer
// reads delivery details; a staff member's own token does, in the token's role, and the audit entry
// names that member; tokens of the wrong role, expired or revoked are refused; a token is made only
// with a fresh second factor, and the console lists them.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { personalToken, staffClient } from '../../accounts/testing.ts';
import { totpCode, stepAt } from '../../accounts/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { testActor, auditActors } from '../../privacy/testing.ts';
import { ordersDeps } from './deps.ts';
import { buyer, paidTestOrder } from './test-support.ts';

const system = testActor('test.checkout');
const password = 'granite-heron-58-waits-patiently';

/** The id of the staff member made last (emails are in the kernel, so not looked up here). */
const newestStaffId = async (db: Db) => (await sql<{ id: string }>`select id from accounts_users where kind = 'staff' order by created_at desc limit 1`.execute(db)).rows[0]!.id;

testEachDatabase("the shared staff token no longer reads delivery details; a fulfilment member's personal token does, and the audit entry names that member", async (database) => {
  const { app, staffHeaders } = await buildTestApp(database);
  try {
    const { db } = database;
    const order = await paidTestOrder(ordersDeps(app), db, system);
    const url = `/api/staff/orders/${order.number}/delivery?purpose=fulfillment`;

    // The old attack: the shared token, a purpose of the caller's choosing.
    const shared = await app.inject({ method: 'GET', url, headers: staffHeaders });
    assert.equal(shared.statusCode, 401, shared.body);
    assert.ok(!shared.body.includes(buyer.address) && !shared.body.includes(buyer.name));
    for (const path of ['/api/staff/orders', `/api/staff/orders/${order.number}`, `/api/staff/orders/${order.number}/credit-check`]) {
      assert.ok([401, 403].includes((await app.inject({ method: 'GET', url: path, headers: staffHeaders })).statusCode), path);
    }
    assert.equal((await app.inject({ method: 'GET', url: '/api/staff/products', headers: staffHeaders })).statusCode, 200, 'the shared token keeps the catalogue');

    const packer = await staffClient(app, db, { name: 'Perpetua Lindqvist', email: 'perpetua@shop.example', role: 'fulfilment', password });
    const packerId = await newestStaffId(db);
    const headers = await personalToken(packer, 'fulfilment');
    const read = await app.inject({ method: 'GET', url, headers });
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.json().name, buyer.name);
    assert.equal(read.json().address, buyer.address);

    await app.privacy.flush();
    const reads = (await auditActors(db, 'data.read')).filter((e) => e.outcome === 'ok' && e.purpose === 'fulfillment');
    assert.deepEqual(reads.at(-1), { kind: 'staff', id: packerId, role: 'fulfilment', outcome: 'ok', purpose: 'fulfillment' }, 'the audit entry names the staff member');
    assert.ok(!(await auditActors(db, 'data.read')).some((e) => e.kind === 'system' && e.id === 'staff-api'), 'no read is made as the nameless staff-api');

    // A bearer request is authenticated by its token alone, never by a cookie it also carries.
    const cookie = [...packer.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    assert.equal((await app.inject({ method: 'GET', url, headers: { cookie } })).statusCode, 200, 'the cookie alone works');
    assert.equal((await app.inject({ method: 'GET', url, headers: { cookie, ...staffHeaders } })).statusCode, 401, 'the shared token with a staff cookie');

    // A token is that member's, not a cookie session: it opens no console page.
    const page = await app.inject({ method: 'GET', url: `/staff/orders/${order.number}`, headers });
    assert.equal(page.statusCode, 303);
  } finally {
    await app.close();
  }
});

testEachDatabase("personal tokens: a marketing-scoped token, an expired one and a revoked one are refused; making one needs a fresh second factor and a role within the member's", async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const { db } = database;
    const order = await paidTestOrder(ordersDeps(app), db, system);
    const url = `/api/staff/orders/${order.number}/delivery?purpose=fulfillment`;
    const owner = await staffClient(app, db, { name: 'Octavia Brightwater', email: 'octavia@shop.example', role: 'owner', password });

    // Without a fresh code (none, a wrong one, the one already used at enrolment) no token is made.
    await owner.get('/staff/api-tokens');
    const used = totpCode(owner.totpSecret, stepAt(new Date()));
    for (const code of ['', '000000', used]) {
      const res = await owner.post('/staff/api-tokens', { role: 'fulfilment', days: '30', code });
      assert.equal(res.statusCode, 400, `code "${code}": ${res.statusCode}`);
      assert.ok(!/cst_/.test(res.body));
    }
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from accounts_api_tokens`.execute(db)).rows[0]!.n, 0);

    // Longer than 90 days, or a role wider than the member's, is refused.
    const fulfilment = await staffClient(app, db, { name: 'Florian Achterberg', email: 'florian@shop.example', role: 'fulfilment', password });
    await fulfilment.get('/staff/api-tokens');
    const wide = await fulfilment.post('/staff/api-tokens', { role: 'owner', days: '30', code: totpCode(fulfilment.totpSecret, stepAt(new Date()) + 1) });
    assert.equal(wide.statusCode, 400);
    assert.match(wide.body, /within it/);
    const wideAndStale = await fulfilment.post('/staff/api-tokens', { role: 'owner', days: '91', code: '000000' });
    assert.match(wideAndStale.body, /id="f-days-error"/);
    assert.match(wideAndStale.body, /id="f-code-error">is not the code/, 'every problem named at once');
    assert.match(wideAndStale.body, /within it/);
    await owner.get('/staff/api-tokens');
    const long = await owner.post('/staff/api-tokens', { role: 'owner', days: '91', code: totpCode(owner.totpSecret, stepAt(new Date()) + 1) });
    assert.equal(long.statusCode, 400);

    // An owner may hand a narrower role; a marketing token does not read delivery details.
    const marketing = await personalToken(owner, 'marketing');
    assert.equal((await app.inject({ method: 'GET', url, headers: marketing })).statusCode, 403);

    const shipping = await personalToken(fulfilment, 'fulfilment');
    assert.equal((await app.inject({ method: 'GET', url, headers: shipping })).statusCode, 200);

    // Expired: refused.
    await sql`update accounts_api_tokens set expires_at = now() - interval '1 minute' where role = 'fulfilment'`.execute(db);
    assert.equal((await app.inject({ method: 'GET', url, headers: shipping })).statusCode, 401);

    // Revoked from the console: refused at once; the list shows it. (A second member: one code
    // from the app makes one token, and the test's clock does not move on 30 s.)
    const second = await staffClient(app, db, { name: 'Greta Vanderhoek', email: 'greta@shop.example', role: 'fulfilment', password });
    const again = await personalToken(second, 'fulfilment');
    assert.equal((await app.inject({ method: 'GET', url, headers: again })).statusCode, 200);
    const listed = await second.get('/staff/api-tokens');
    assert.equal(listed.statusCode, 200);
    const { rows } = await sql<{ id: string }>`select id from accounts_api_tokens where role = 'fulfilment' and revoked_at is null and expires_at > now()`.execute(db);
    assert.ok(listed.body.includes(rows[0]!.id.slice(0, 8)), 'the console lists the token');
    assert.match((await fulfilment.get('/staff/api-tokens')).body, /expired/);
    assert.ok(!/cst_/.test(listed.body), 'the list never shows a token');
    const other = await fulfilment.post(`/staff/api-tokens/${rows[0]!.id}/revoke`, { confirm: '1' });
    assert.equal(other.statusCode, 303);
    assert.match((await fulfilment.get('/staff/api-tokens')).body, /already revoked or is not yours/, 'another member cannot revoke it');
    assert.equal((await app.inject({ method: 'GET', url, headers: again })).statusCode, 200);
    // The first post asks; only the confirmed one revokes.
    const asked = await second.post(`/staff/api-tokens/${rows[0]!.id}/revoke`, {});
    assert.match(asked.body, /stops working at once|refused from now on/);
    assert.equal((await app.inject({ method: 'GET', url, headers: again })).statusCode, 200, 'nothing is revoked before the confirmation');
    const revoked = await second.post(`/staff/api-tokens/${rows[0]!.id}/revoke`, { confirm: '1' });
    assert.equal(revoked.statusCode, 303);
    assert.match((await second.get('/staff/api-tokens')).body, /Revoked: the token no longer works/);
    assert.equal((await app.inject({ method: 'GET', url, headers: again })).statusCode, 401);

    // The list pages in SQL, newest first: with 24 older tokens besides the one above, page 2 holds the 5 oldest.
    const secondId = (await sql<{ id: string }>`select id from accounts_users where kind = 'staff' order by created_at desc limit 1`.execute(db)).rows[0]!.id;
    const prefix = (n: number) => String(n).padStart(8, '0');
    for (let n = 1; n <= 24; n++)
      await sql`insert into accounts_api_tokens (id, user_id, token_hash, role, created_at, expires_at)
        values (${`${prefix(n)}-0000-4000-8000-000000000000`}::uuid, ${secondId}::uuid, ${Buffer.alloc(32, n)}, 'fulfilment', now() - ${`${n} days`}::interval, now() + interval '30 days')`.execute(
        db,
      );
    const shown = (body: string) => [...body.matchAll(/<th scope="row" data-label="Token">([0-9a-f]{8})<\/th>/g)].map((m) => m[1]);
    const firstPage = await second.get('/staff/api-tokens');
    assert.deepEqual(shown(firstPage.body), [rows[0]!.id.slice(0, 8), ...Array.from({ length: 19 }, (_, i) => prefix(i + 1))]);
    assert.match(firstPage.body, /<a rel="next" href="\/staff\/api-tokens\?page=2">/);
    assert.deepEqual(shown((await second.get('/staff/api-tokens?page=2')).body), [20, 21, 22, 23, 24].map(prefix));
    assert.deepEqual(shown((await second.get('/staff/api-tokens?page=7')).body), [20, 21, 22, 23, 24].map(prefix), 'a page past the end shows the last');

    // Stored as a digest only.
    const stored = await sql<{ token_hash: Buffer }>`select token_hash from accounts_api_tokens`.execute(db);
    for (const r of stored.rows) assert.equal(Buffer.from(r.token_hash).length, 32);
    assert.ok(!stored.rows.some((r) => Buffer.from(r.token_hash).toString('utf8').includes(again.authorization.slice(7))));
  } finally {
    await app.close();
  }
});
