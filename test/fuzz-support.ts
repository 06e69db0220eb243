// What the fuzz tests share: a seeded generator, form and query encoding that can send invalid
// UTF-8, plausible values for a schema's fields, and a demo shop with a client for each kind of
// visitor (anonymous, customer, vendor, staff owner, privacy officer, API tokens) and real
// identifiers, so a hostile value reaches past "not found" into the handler.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { FormClient, staffClient, staffTokenHeaders } from '../src/accounts/testing.ts';
import { ordersDeps } from '../src/commerce/orders/index.ts';
import { paidTestOrder } from '../src/commerce/orders/test-support.ts';
import { demoLogins, seedDemoShop } from '../src/demo/index.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import type { TestDatabase } from '../src/platform/testing/databases.ts';
import { systemActor } from '../src/privacy/index.ts';
import type { RouteEntry } from '../src/web/route-table.ts';

export const WHSEC = 'whsec_fuzzsigningsecret0123456789';

/** A small seeded generator (mulberry32), so every run sends the same requests. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Percent-encodes a string by UTF-16 code unit, so a lone surrogate goes out as its (invalid) UTF-8 bytes. */
export function encode(text: string): string {
  if (text.isWellFormed()) return encodeURIComponent(text);
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
export function formPairs(name: string, value: unknown): string[] {
  if (Array.isArray(value)) return value.length ? value.flatMap((v) => formPairs(name, v)) : [`${encode(name)}[]=`];
  if (value === null) return [encode(name)];
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => formPairs(`${name}[${k}]`, v));
  return [`${encode(name)}=${encode(String(value))}`];
}

export function formBody(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .flatMap(([k, v]) => formPairs(k, v))
    .join('&');
}

/** A multipart/form-data body: each field one part (Buffers sent as they are), `file` one file part. */
export function multipartBody(fields: Record<string, unknown>, file?: { field: string; filename: string; data: Buffer }): { type: string; payload: Buffer } {
  const boundary = `----fuzz${hash(JSON.stringify(Object.keys(fields))).toString(16)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n`), Buffer.isBuffer(value) ? value : Buffer.from(String(value)), Buffer.from('\r\n'));
  }
  if (file) {
    parts.push(
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { type: `multipart/form-data; boundary=${boundary}`, payload: Buffer.concat(parts) };
}

export type Schema = { type?: unknown; properties?: Record<string, Schema>; enum?: unknown[]; format?: string; minimum?: number; pattern?: string; default?: unknown; maxLength?: number };

/** A plausible value for a field, so each case changes one field and leaves the rest believable. */
export function plausible(schema: Schema | undefined, name: string, real: Record<string, string>): unknown {
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

export function propertiesOf(schema: unknown): Record<string, Schema> | null {
  const s = schema as Schema | undefined;
  return s?.properties ?? null;
}

// Fields guessed for forms and bodies without a schema (what such handlers tend to read).
const guessedFields = ['to', 'reason', 'sku', 'quantity', 'variant_id', 'name', 'decision', 'note', 'text'];
const guessedQuery = ['q', 'page', 'status', 'token'];

/** The fields of a route's body or query string: its schema's, or the usual guesses when it has none. */
export function fieldsOf(schema: RouteEntry['schema'], part: 'body' | 'querystring'): Record<string, Schema> {
  return propertiesOf(schema?.[part]) ?? Object.fromEntries((part === 'body' ? guessedFields : guessedQuery).map((f) => [f, {} as Schema]));
}

const paramSamples: Record<string, string> = {
  processor: 'stripe',
  version: '1',
  item: 'user.name',
};

/** The route's URL with each `:param` filled from `params` (sent percent-encoded), a sample, or a UUID. */
export function fillPath(url: string, params: Record<string, string>, raw: readonly string[] = []): string {
  return url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    const value = params[name] ?? paramSamples[name] ?? '00000000-0000-4000-8000-000000000000';
    return raw.includes(name) ? value : encode(value);
  });
}

export const paramsOf = (url: string): string[] => [...url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);

export const isJsonRoute = (url: string): boolean => url.startsWith('/api/') || url.startsWith('/payments/');

export const hasBody = (method: string): boolean => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);

export interface Who {
  name: string;
  client: FormClient;
  headers?: Record<string, string>;
}

/** Real identifiers, so a case reaches past "not found" into the handler. */
async function realThings(app: FastifyInstance, db: TestDatabase['db'], buyer: FormClient): Promise<Record<string, string>> {
  const system = systemActor('test.fuzz');
  const order = await paidTestOrder(ordersDeps(app), db, system);
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

export interface FuzzShop {
  app: FastifyInstance;
  logs: Record<string, unknown>[];
  real: Record<string, string>;
  /** Every route but HEAD, OPTIONS and static files; sign-outs and deletions last, so sessions hold. */
  routes: RouteEntry[];
  /** Who may use a route: everyone it is meant for, and anonymous visitors where an account is optional. */
  whoFor: (url: string) => Who[];
  clients: { anonymous: FormClient; buyer: FormClient; vendor: FormClient; staff: FormClient; dpo: FormClient };
}

/** The demo shop with a signed-in client of each kind. */
export async function openFuzzShop(database: TestDatabase): Promise<FuzzShop> {
  await seedDemoShop(database.db);
  const { app, logs, staffHeaders } = await buildTestApp(database, { DEMO_DATA: 'true', STRIPE_SECRET_KEY: 'sk_test_fuzzFixtureKey000000', STRIPE_WEBHOOK_SECRET: WHSEC });
  const anonymous = new FormClient(app, '203.0.113.10');
  await anonymous.get('/account/login');
  const buyer = new FormClient(app, '203.0.113.11');
  await buyer.get('/account/login');
  assert.equal((await buyer.post('/account/login', { email: demoLogins.customer.email, password: demoLogins.customer.password })).statusCode, 303);
  await buyer.get('/account');
  const vendor = new FormClient(app, '203.0.113.14');
  await vendor.get('/vendor/login');
  assert.equal((await vendor.post('/vendor/login', { email: demoLogins.vendor.email, password: demoLogins.vendor.password })).statusCode, 303, 'the demo vendor signs in');
  // Past the data-use terms, or every vendor form would only send the vendor to them.
  const terms = await vendor.get('/vendor/terms');
  const version = /name="version" value="(\d+)"/.exec(terms.body)?.[1] ?? '';
  assert.equal((await vendor.post('/vendor/terms', { version, agree: 'yes' })).statusCode, 303, 'the demo vendor accepts the terms');
  await vendor.get('/vendor');
  const staff = await staffClient(app, database.db, { name: 'Fuzz Owner', email: 'fuzz-owner@example.com', role: 'owner', password: 'fuzz-owner-71-lantern-drift' }, '203.0.113.12');
  await staff.get('/staff');
  const dpo = await staffClient(app, database.db, { name: 'Fuzz Officer', email: 'fuzz-dpo@example.com', role: 'dpo', password: 'fuzz-officer-38-harbour-gleam' }, '203.0.113.13');
  await dpo.get('/staff/dpo');
  assert.ok(staff.csrf && dpo.csrf && buyer.csrf && anonymous.csrf && vendor.csrf, 'every client has a form token');
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
    if (url.startsWith('/vendor') && !/login|password/.test(url)) return [{ name: 'vendor', client: vendor }];
    if (/^\/(api\/)?(account|checkout|cart)/.test(url)) return [{ name: 'customer', client: buyer }, anon];
    return [anon];
  };

  const routes = app.routeTable
    .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.url.startsWith('/static/'))
    .toSorted((a, b) => Number(/logout|delete/.test(a.url)) - Number(/logout|delete/.test(b.url)));
  return { app, logs, real, routes, whoFor, clients: { anonymous, buyer, vendor, staff, dpo } };
}

/** The cookie header of a client, for requests built by hand. */
export const cookieOf = (client: FormClient): string => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** Log lines at error level or above (a 4xx logs none). */
export const errorLogs = (logs: Record<string, unknown>[]): unknown[] => logs.filter((l) => Number(l.level) >= 50).map((l) => l.msg);
