// A null byte or invalid Unicode anywhere in a request's text is a 400 naming the field, for
// query strings, path parameters, JSON and form bodies alike, before any handler runs.
import assert from 'node:assert/strict';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { firstUncleanField, isCleanText } from './text-check.ts';

testEachDatabase('null bytes and lone surrogates are refused with a 400 that names the field', async (database) => {
  const { app, staffHeaders, logs } = await buildTestApp(database);
  try {
    const cases = [
      { request: { url: '/search?q=ab%00cd' }, field: 'querystring.q' },
      { request: { url: '/search?q=ab%ED%A0%80' }, field: 'querystring.q' },
      { request: { url: '/products/ab%00cd' }, field: 'params.slug' },
      { request: { method: 'POST' as const, url: '/api/staff/vendors', headers: { ...staffHeaders, 'content-type': 'application/json' }, payload: '{"name":"Acme\\ud800"}' }, field: 'body.name' },
      {
        request: { method: 'POST' as const, url: '/api/staff/vendors', headers: { ...staffHeaders, 'content-type': 'application/json' }, payload: '{"name":"ok","tags":[{"x\\u0000":"y"}]}' },
        field: 'body.tags.0',
      },
      {
        request: { method: 'POST' as const, url: '/account/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=a%00b%40example.com&password=x' },
        field: 'body.email',
      },
    ];
    for (const { request, field } of cases) {
      const response = await app.inject(request);
      assert.equal(response.statusCode, 400, `${request.url}: ${response.body.slice(0, 200)}`);
      assert.deepEqual(response.json().error.fields, [{ field, message: 'must not contain a null byte or invalid characters' }], request.url);
    }
    assert.deepEqual(
      logs.filter((l) => Number(l.level) >= 50),
      [],
      'nothing logged as an error',
    );
  } finally {
    await app.close();
  }
});

testEachDatabase('clean text passes: accents, emoji (surrogate pairs) and right-to-left text', async () => {
  for (const text of ['Zoë', '😀 ok', 'שלום', '']) assert.ok(isCleanText(text), text);
  assert.equal(firstUncleanField({ a: ['😀', { b: 'x\udc00' }] }, 'body'), 'body.a.1.b');
  assert.equal(firstUncleanField({ a: 1, b: null, c: true }, 'body'), null);
});
