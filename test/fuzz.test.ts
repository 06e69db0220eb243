// Bad input never reaches a 500. A deterministic, seeded walk over every registered route (the
// OpenAPI routes and the hidden HTML forms alike) sends nasty values — a null byte, a lone
// surrogate, arrays and objects for scalars, huge strings, negative and huge numbers, no body, a
// `null` JSON body, the wrong content type, odd cookies — as an anonymous visitor, a signed-in
// customer and a signed-in staff owner (the privacy officer on the DPO console), plus signed
// payment webhooks with odd bodies. No answer may be a 5xx, and nothing is logged at error level
// (a 4xx logs no stack trace). Bounded to a few thousand requests, under a minute per engine.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { FormClient, staffClient, staffTokenHeaders } from '../src/accounts/testing.ts';
import { ordersDeps, createOrder, transitionOrder } from '../src/commerce/orders/index.ts';
import { pricedCart, testCustomer } from '../src/commerce/orders/test-support.ts';
import { signWebhook } from '../src/commerce/payments/index.ts';
import { demoLogins, seedDemoShop } from '../src/demo/index.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { systemActor } from '../src/privacy/index.ts';
import type { RouteEntry } from '../src/web/route-table.ts';

const WHSEC = 'whsec_fuzzsigningsecret0123456789';

/** A small seeded generator (mulberry32), so every run sends the same requests. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

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

// Fields guessed for forms and bodies without a schema (what such handlers tend to read).
const guessedFields = ['to', 'reason', 'sku', 'quantity', 'variant_id', 'name', 'decision', 'note', 'text'];
const guessedQuery = ['q', 'page', 'status', 'token'];

/** Percent-encodes a string by UTF-16 code unit, so a lone surrogate goes out as its (invalid) UTF-8 bytes. */
function encode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c < 0xdc00 && next >= 0xdc00 && next <= 0xdfff) {
        out += encodeURIComponent(text.slice(i, i + 2));
        i++;
      } else out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase();
    } else out += encodeURIComponent(text[i]!);
  }
  return out;
}

/** Form / query encoding of one field: arrays repeat the field, objects use brackets, null sends the bare name. */
function formPairs(name: string, value: unknown): string[] {
  if (Array.isArray(value)) return value.length ? value.flatMap((v) => formPairs(name, v)) : [`${encode(name)}[]=`];
  if (value === null) return [encode(name)];
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => formPairs(`${name}[${k}]`, v));
  return [`${encode(name)}=${encode(String(value))}`];
}

function formBody(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .flatMap(([k, v]) => formPairs(k, v))
    .join('&');
}

type Schema = { type?: unknown; properties?: Record<string, Schema>; enum?: unknown[]; format?: string; minimum?: number; pattern?: string; default?: unknown };

/** A plausible value for a field, so each case changes one field and leaves the rest believable. */
function plausible(schema: Schema | undefined, name: string, real: Record<string, string>): unknown {
  if (real[name] !== undefined) return real[name];
  if (schema?.enum?.length) return schema.enum[0];
  if (schema?.default !== undefined) return schema.default;
  const type = [schema?.type].flat()[0];
  if (type === 'integer' || type === 'number') return schema?.minimum ?? 1;
  if (type === 'boolean') return true;
  if (schema?.format === 'email' || /email/.test(name)) return 'fuzz@example.com';
  if (schema?.format === 'uuid' || /(^|_)id$|Id$/.test(name)) return '00000000-0000-4000-8000-000000000000';
  return 'fuzz';
}

function propertiesOf(schema: unknown): Record<string, Schema> | null {
  const s = schema as Schema | undefined;
  return s?.properties ?? null;
}

const paramSamples: Record<string, string> = {
  processor: 'stripe',
  version: '1',
  item: 'user.name',
};

function fillPath(url: string, params: Record<string, string>): string {
  return url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encode(params[name] ?? paramSamples[name] ?? '00000000-0000-4000-8000-000000000000'));
}

/** Real identifiers, so a case reaches past "not found" into the handler. */
async function realThings(app: Parameters<typeof ordersDeps>[0], db: Parameters<typeof createOrder>[1], buyer: FormClient) {
  const system = systemActor('test.fuzz');
  const id = randomUUID();
  const subject = await testCustomer(app.privacy, db, id);
  const order = await createOrder(ordersDeps(app), db, {
    id,
    customerSubject: subject,
    customerUserId: null,
    priced: pricedCart({ physical: true }),
    paymentMethod: 'card',
    fulfilment: 'ship',
    actor: system,
  });
  await transitionOrder(ordersDeps(app), db, { orderId: id, to: 'paid', actor: system });
  const {
    rows: [variant],
  } = await sql<{ id: string; sku: string }>`select id, sku from catalogue_variants order by sku limit 1`.execute(db);
  await buyer.get('/account/lists');
  const list = await buyer.post('/account/lists', { name: 'Fuzz list' });
  const listId =
    String(list.headers.location ?? '')
      .split('/')
      .at(-1) ?? '';
  assert.match(listId, /^[0-9a-f-]{36}$/, 'a saved list to fuzz');
  return { number: order.number, id: listId, variant_id: variant!.id, sku: variant!.sku, to: 'on_hold', quantity: '1', decision: 'approved' };
}

interface Who {
  name: string;
  client: FormClient;
  headers?: Record<string, string>;
}

testEachDatabase(
  'fuzz: nasty values to every route and form, as anonymous, customer and staff, never get a 5xx and log no stack',
  async (database) => {
    await seedDemoShop(database.db);
    const { app, logs, staffHeaders } = await buildTestApp(database, { DEMO_DATA: 'true', STRIPE_SECRET_KEY: 'sk_test_fuzzFixtureKey000000', STRIPE_WEBHOOK_SECRET: WHSEC });
    try {
      const anonymous = new FormClient(app, '203.0.113.10');
      await anonymous.get('/account/login');
      const buyer = new FormClient(app, '203.0.113.11');
      await buyer.get('/account/login');
      assert.equal((await buyer.post('/account/login', { email: demoLogins.customer.email, password: demoLogins.customer.password })).statusCode, 303);
      await buyer.get('/account');
      const staff = await staffClient(app, database.db, { name: 'Fuzz Owner', email: 'fuzz-owner@example.com', role: 'owner', password: 'fuzz-owner-71-lantern-drift' }, '203.0.113.12');
      await staff.get('/staff');
      const dpo = await staffClient(app, database.db, { name: 'Fuzz Officer', email: 'fuzz-dpo@example.com', role: 'dpo', password: 'fuzz-officer-38-harbour-gleam' }, '203.0.113.13');
      await dpo.get('/staff/dpo');
      assert.ok(staff.csrf && dpo.csrf && buyer.csrf && anonymous.csrf, 'every client has a form token');
      const personalToken = await staffTokenHeaders(app, database.db, 'owner');
      const slug = /\/products\/([a-z0-9-]+)/.exec((await anonymous.get('/')).body)?.[1] ?? 'fuzz';
      const real: Record<string, string> = { slug, ...(await realThings(app, database.db, buyer)) };

      const whoFor = (url: string): Who[] => {
        const anon: Who = { name: 'anonymous', client: anonymous };
        if (url.startsWith('/api/staff'))
          return [
            { name: 'staff', client: staff },
            { name: 'token', client: anonymous, headers: staffHeaders },
            { name: 'personal-token', client: anonymous, headers: personalToken },
          ];
        if (url.startsWith('/staff/dpo')) return [{ name: 'dpo', client: dpo }];
        if (url.startsWith('/staff')) return [{ name: 'staff', client: staff }];
        if (/^\/(api\/)?(account|checkout|cart)/.test(url)) return [{ name: 'customer', client: buyer }, anon];
        return [anon];
      };

      const failures: string[] = [];
      let sent = 0;
      const send = async (who: Who, method: string, url: string, body: { json?: string; form?: string; raw?: string; type?: string } | null, label: string) => {
        const headers: Record<string, string> = { accept: sent % 2 ? 'text/html' : 'application/json', cookie: [...who.client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...who.headers };
        let payload: string | undefined;
        if (body?.json !== undefined) [headers['content-type'], payload] = ['application/json', body.json];
        else if (body?.form !== undefined) [headers['content-type'], payload] = ['application/x-www-form-urlencoded', body.form];
        else if (body?.raw !== undefined) [headers['content-type'], payload] = [body.type ?? 'text/plain', body.raw];
        sent++;
        const res = await app.inject({ method: method as 'POST', url, headers, remoteAddress: who.client.ip, ...(payload !== undefined ? { payload } : {}) });
        if (res.statusCode >= 500) failures.push(`${res.statusCode} ${method} ${url.slice(0, 120)} as ${who.name}: ${label} → ${res.body.slice(0, 160)}`);
      };

      // Sign-outs last, so the sessions hold for the rest of the walk.
      const routes = app.routeTable
        .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.url.startsWith('/static/'))
        .toSorted((a, b) => Number(/logout|delete/.test(a.url)) - Number(/logout|delete/.test(b.url)));
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
        const fieldsOf = (schema: RouteEntry['schema'], part: 'body' | 'querystring') =>
          propertiesOf(schema?.[part]) ?? Object.fromEntries((part === 'body' ? guessedFields : guessedQuery).map((f) => [f, {} as Schema]));

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
      const errors = logs.filter((l) => Number(l.level) >= 50);
      assert.deepEqual(
        errors.map((l) => l.msg),
        [],
        'no error logged (no stack trace for a 4xx)',
      );
    } finally {
      await app.close();
    }
  },
  { timeout: 600_000 },
);
