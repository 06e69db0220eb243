// The doors around the forms and the JSON API (decision 0029): origins compared whole, CSRF
// checked whenever a cookie comes, every route under the rate limit, JSON never cached.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { customer, FormClient, signUpAndConfirm } from '../accounts/testing.ts';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';

const login = JSON.stringify({ email: 'nobody@example.net', password: 'not-the-password-1' });

testEachDatabase('a JSON post whose Origin differs only in scheme is refused as cross-site', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const post = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/api/account/login', headers: { host: 'shop.test', 'content-type': 'application/json', ...headers }, payload: login });
    const https = await post({ origin: 'https://shop.test' });
    assert.equal(https.statusCode, 403, 'an https page is not this http shop');
    assert.equal(https.json().error.code, 'CSRF_INVALID');
    assert.equal((await post({ origin: 'http://shop.test:8080' })).statusCode, 403, 'nor is another port');
    assert.equal((await post({ origin: 'http://shop.test' })).statusCode, 401, 'the shop’s own origin gets through (to a wrong password)');
  } finally {
    await app.close();
  }
});

testEachDatabase('behind a TLS proxy, an http page cannot post to the https shop', async (database) => {
  const { app } = await buildTestApp(database, { TRUST_PROXY: 'true', PUBLIC_URL: 'https://shop.test' });
  try {
    const post = (origin: string) =>
      app.inject({ method: 'POST', url: '/api/account/login', headers: { host: 'shop.test', 'x-forwarded-proto': 'https', 'content-type': 'application/json', origin }, payload: login });
    assert.equal((await post('http://shop.test')).statusCode, 403);
    assert.equal((await post('https://shop.test')).statusCode, 401);
  } finally {
    await app.close();
  }
});

testEachDatabase('an Authorization: Bearer header does not skip the CSRF check of a cookie-authenticated form', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const browser = new FormClient(app);
    await signUpAndConfirm(browser, database.db);
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const forged = await app.inject({
      method: 'POST',
      url: '/account/logout',
      headers: { cookie, authorization: 'Bearer anything', 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: '',
    });
    assert.equal(forged.statusCode, 403, 'a form without its token is refused');
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from accounts_sessions`.execute(database.db);
    assert.ok(rows[0]!.n >= 1, 'the session was not ended');
    assert.equal((await browser.json('GET', '/api/account')).statusCode, 200, 'still signed in');
  } finally {
    await app.close();
  }
});

testEachDatabase('the catalogue’s staff API is under the rate limit: wrong tokens get 429 past the limit', async (database) => {
  const { app } = await buildTestApp(database, { RATE_LIMIT_PER_MINUTE: '5' });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push((await app.inject({ method: 'GET', url: '/api/staff/products', remoteAddress: '198.51.100.40', headers: { authorization: `Bearer wrong-token-${i}` } })).statusCode);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
  } finally {
    await app.close();
  }
});

testEachDatabase('JSON answers carry Cache-Control: no-store (an account, a staff list, an error)', async (database) => {
  const { app, staffHeaders } = await buildTestApp(database);
  try {
    const browser = new FormClient(app);
    await signUpAndConfirm(browser, database.db);
    const account = await browser.json('GET', '/api/account');
    assert.equal(account.statusCode, 200);
    assert.match(account.body, new RegExp(customer.email.replace('.', '\\.')));
    assert.equal(account.headers['cache-control'], 'no-store');
    const staff = await app.inject({ method: 'GET', url: '/api/staff/products', headers: staffHeaders });
    assert.equal(staff.statusCode, 200);
    assert.equal(staff.headers['cache-control'], 'no-store');
    const refused = await app.inject({ method: 'GET', url: '/api/account' });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.headers['cache-control'], 'no-store');
  } finally {
    await app.close();
  }
});
