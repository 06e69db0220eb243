// Bad input never reaches a 500. A deterministic, seeded walk over every registered route (the
// OpenAPI routes and the hidden HTML forms alike) sends nasty values — a null byte, a lone
// surrogate, arrays and objects for scalars, huge strings, negative and huge numbers, no body, a
// `null` JSON body, the wrong content type, odd cookies — as an anonymous visitor, a signed-in
// customer and a signed-in staff owner (the privacy officer on the DPO console), plus signed
// payment webhooks with odd bodies. No answer may be a 5xx, and nothing is logged at error level
// (a 4xx logs no stack trace). Bounded to a few thousand requests, under a minute per engine.
import assert from 'node:assert/strict';
import { signWebhook } from '../src/commerce/payments/index.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { cookieOf, errorLogs, fieldsOf, fillPath, formBody, hash, openFuzzShop, plausible, seeded, WHSEC, type Who } from './fuzz-support.ts';

const NULL_BYTE = 'fu\u0000zz';
const LONE_SURROGATE = 'fu\ud800zz';
const nasty: unknown[] = [
  NULL_BYTE,
  LONE_SURROGATE,
  '\udfff',
  'x'.repeat(70_000),
  'y'.repeat(600),
  '',
  ' ',
  ['a', 'b'],
  [],
  { a: 'b' },
  null,
  true,
  -1,
  // biome-ignore lint/correctness/noPrecisionLoss: a number past 2^53 is one of the nasty values
  -9_007_199_254_740_993,
  1e308,
  2_147_483_648,
  1.5,
  '-1',
  '99999999999999999999',
  'fuzz@example.com',
  '00000000-0000-4000-8000-000000000000',
  "' or 1=1 --",
  '<script>x</script>',
  '😀',
];
// Always sent to every field, so each field is known to refuse them.
const always: unknown[] = [NULL_BYTE, LONE_SURROGATE, ['a', 'b']];

testEachDatabase(
  'fuzz: nasty values to every route and form, as anonymous, customer and staff, never get a 5xx and log no stack',
  async (database) => {
    const { app, logs, real, routes, whoFor } = await openFuzzShop(database);
    try {
      const failures: string[] = [];
      let sent = 0;
      const send = async (who: Who, method: string, url: string, body: { json?: string; form?: string; raw?: string | Buffer; type?: string } | null, label: string) => {
        const headers: Record<string, string> = { accept: sent % 2 ? 'text/html' : 'application/json', cookie: cookieOf(who.client), ...who.headers };
        let payload: string | Buffer | undefined;
        if (body?.json !== undefined) [headers['content-type'], payload] = ['application/json', body.json];
        else if (body?.form !== undefined) [headers['content-type'], payload] = ['application/x-www-form-urlencoded', body.form];
        else if (body?.raw !== undefined) [headers['content-type'], payload] = [body.type ?? 'text/plain', body.raw];
        sent++;
        const res = await app.inject({ method: method as 'POST', url, headers, remoteAddress: who.client.ip, ...(payload !== undefined ? { payload } : {}) });
        if (res.statusCode >= 500) failures.push(`${res.statusCode} ${method} ${url.slice(0, 120)} as ${who.name}: ${label} → ${res.body.slice(0, 160)}`);
      };

      const swaggerPaths = Object.keys((app.swagger() as { paths: Record<string, unknown> }).paths);
      for (const path of swaggerPaths)
        assert.ok(
          routes.some((r) => r.url === path.replace(/\{([^}]+)\}/g, ':$1')),
          `OpenAPI path ${path} is in the route table`,
        );

      for (const route of routes) {
        const rand = seeded(hash(`${route.method} ${route.url}`));
        const pick = (n: number) => [...always, ...Array.from({ length: n }, () => nasty[Math.floor(rand() * nasty.length)])];
        const isJson = route.url.startsWith('/api/') || route.url.startsWith('/payments/');
        const base = fillPath(route.url, real);
        const withBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method);

        for (const who of whoFor(route.url)) {
          const csrf = { _csrf: who.client.csrf };
          // Path parameters.
          for (const name of [...route.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!)) {
            for (const value of [NULL_BYTE, LONE_SURROGATE, 'x'.repeat(3000)]) {
              await send(who, route.method, fillPath(route.url, { ...real, [name]: value }), withBody ? (isJson ? { json: '{}' } : { form: formBody(csrf) }) : null, `params.${name}`);
            }
          }
          if (!withBody) {
            const fields = fieldsOf(route.schema, 'querystring');
            for (const [name, schema] of Object.entries(fields)) {
              for (const value of pick(1)) {
                const query = formBody({ ...Object.fromEntries(Object.entries(fields).map(([n, s]) => [n, plausible(s, n, real)])), [name]: value });
                await send(who, route.method, `${base}?${query}`, null, `query.${name}=${JSON.stringify(value)?.slice(0, 40)}`);
              }
              void schema;
            }
            continue;
          }
          // Whole bodies.
          const wholes: Array<[string, Parameters<typeof send>[3]]> = [
            ['no body', null],
            ['json null', { json: 'null' }],
            ['json array', { json: '[]' }],
            ['json string', { json: '"x"' }],
            ['json broken', { json: '{"a":' }],
            ['text/plain', { raw: 'a=b', type: 'text/plain' }],
            ['form with a null byte in an unknown field', { form: formBody({ ...csrf, 'zz\u0000': NULL_BYTE }) }],
            ['empty form', { form: formBody(csrf) }],
          ];
          for (const [label, body] of wholes) await send(who, route.method, base, body, label);
          // One field at a time, the others plausible.
          const fields = fieldsOf(route.schema, 'body');
          const good = Object.fromEntries(Object.entries(fields).map(([n, s]) => [n, plausible(s, n, real)]));
          for (const name of Object.keys(fields)) {
            for (const value of pick(isJson ? 2 : 1)) {
              const fieldsNow = { ...good, [name]: value };
              await send(who, route.method, base, isJson ? { json: JSON.stringify(fieldsNow) } : { form: formBody({ ...csrf, ...fieldsNow }) }, `body.${name}=${JSON.stringify(value)?.slice(0, 40)}`);
            }
          }
        }
      }

      // Odd cookies: session, cart and form-token cookies that are not what the shop set.
      const cookieValues = ['%00', '%ED%A0%80', 'x'.repeat(4000), '%FF%FE', '"', 'a=b'];
      for (const [i, route] of routes.filter((r) => r.method === 'GET').entries()) {
        const value = cookieValues[i % cookieValues.length]!;
        const res = await app.inject({
          method: 'GET',
          url: fillPath(route.url, real),
          headers: { accept: 'text/html', cookie: `__Host-session=${value}; __Host-cart=${value}; __Host-csrf=${value}` },
        });
        sent++;
        if (res.statusCode >= 500) failures.push(`${res.statusCode} GET ${route.url} with cookies ${value.slice(0, 20)} → ${res.body.slice(0, 160)}`);
      }

      // Signed webhooks with odd bodies: the signature holds, so the body itself must be refused.
      const webhookBodies = [
        'null',
        '[]',
        '"x"',
        '1',
        '{}',
        '{"type":"x"}',
        '{"type":"x","data":null}',
        '{"type":"x","data":{"object":null}}',
        '{"type":"checkout.session.completed","data":{"object":{"object":"checkout.session","id":"cs_\\u0000"}}}',
        '{"type":"checkout.session.completed","data":{"object":{"object":"checkout.session","id":"cs_\\ud800"}}}',
        '{"type":"checkout.session.completed","data":{"object":{"object":"checkout.session","id":["cs_1"]}}}',
        `{"type":"checkout.session.completed","data":{"object":{"object":"checkout.session","id":"${'c'.repeat(5000)}"}}}`,
      ];
      for (const raw of webhookBodies) {
        for (const processor of ['stripe', 'sandbox']) {
          const res = await app.inject({
            method: 'POST',
            url: `/payments/webhook/${processor}`,
            headers: { 'content-type': 'application/json', 'stripe-signature': signWebhook(WHSEC, raw, new Date()) },
            payload: raw,
          });
          sent++;
          if (res.statusCode >= 500) failures.push(`${res.statusCode} signed ${processor} webhook ${raw.slice(0, 80)} → ${res.body.slice(0, 160)}`);
        }
      }

      assert.deepEqual(failures, [], `${failures.length} of ${sent} requests got a 5xx:\n${failures.slice(0, 40).join('\n')}`);
      // The walk grows with the routes (about 10,000 requests with 200-odd routes); the bound catches a
      // walk that multiplies, not one that grows by a module.
      assert.ok(sent > 1000 && sent < 15_000, `a bounded walk: ${sent} requests`);
      assert.deepEqual(errorLogs(logs), [], 'no error logged (no stack trace for a 4xx)');
    } finally {
      await app.close();
    }
  },
  { timeout: 600_000 },
);
