// Hostile input to every route in the route table (the OpenAPI routes and the HTML forms): each
// write route gets bodies that must be refused — deep JSON, 1 MB strings, invalid UTF-8 as raw
// bytes, null bytes, wrong types, a file where none is taken — as JSON, urlencoded and multipart,
// and every one is answered with a 4xx that names the problem, and no table is written. Then SQL
// and HTML injection, CR/LF header injection and path traversal go into every field, query
// parameter and path parameter: whatever the answer, never a 5xx, never an injected header, never
// the script echoed unescaped (also on every page read afterwards). Last, raw bytes a test client
// cannot put in a URL go over a socket to the listening shop.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { tableMarks, tablesWritten } from '../src/platform/testing/table-writes.ts';
import { cookieOf, encode, errorLogs, fieldsOf, fillPath, formBody, hasBody, hash, isJsonRoute, multipartBody, openFuzzShop, paramsOf, plausible, seeded, type Who } from './fuzz-support.ts';

const MB = 1024 * 1024;
const DEPTH = 10_000;

// Tables that record requests, refused or not: the kernel's audit of reads, the job queue, the
// site-use counts, the rate-limit counters, the sessions (last seen), and the refused sign-ins
// (the throttle and the security events a refused password or code is recorded in).
const RECORDS_EVERY_REQUEST = /audit|^jobs$|^analytics_|^rate_limits$|^accounts_(sessions|throttle|security_events)$/;

/** Refused: a 4xx, or a signed-out visitor (or a staff member past a step) sent to sign in first. */
const refused = (res: Answer): boolean => (res.statusCode >= 400 && res.statusCode < 500) || (res.statusCode === 303 && /\/login$|\/2fa$|^\/staff$/.test(String(res.headers.location ?? '')));

const SQL = ["' OR '1'='1' --", '1; DROP TABLE catalogue_products; --', "x') UNION SELECT email FROM accounts_users --", "\\'; select pg_sleep(5); --"];
const SCRIPT = '<script>alert("fuzz")</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const HTML = [SCRIPT, IMG, `'${SCRIPT}`];
const HEADER = ['fuzz\r\nSet-Cookie: injected=1', 'fuzz\r\nLocation: https://evil.example/', 'fuzz\nX-Injected: 1', 'fuzz\r\n\r\n<html>injected'];
const TRAVERSAL = ['../../../../etc/passwd', '..%2f..%2f..%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..\\..\\..\\windows\\win.ini', '....//....//etc/passwd'];
const injections = { sql: SQL, html: HTML, header: HEADER, traversal: TRAVERSAL };

const deepArrays = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
const deepObject = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
const badBytes = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]);

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Why a refusal does not name its problem, or null when it does. */
function unnamed(res: Answer): string | null {
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('json')) {
    let error: { code?: unknown; message?: unknown; fields?: { field: string }[] } | undefined;
    try {
      error = JSON.parse(res.body).error;
    } catch {
      return 'the JSON answer does not parse';
    }
    if (typeof error?.code !== 'string' || typeof error.message !== 'string' || !error.message) return 'no error code and message';
    if (/^(VALIDATION_FAILED|BAD_JSON)$/.test(error.code) && !error.fields?.length) return `a ${error.code} that names no field`;
    return null;
  }
  // A form shown again with its errors, the error page, or a page whose heading says what is wrong.
  if (type.includes('html')) return /role="alert"|class="error-page"|class="error"|<h1>[^<]*\bnot\b/.test(res.body) ? null : 'the page shows no error';
  return `an answer of type ${type || 'none'}`;
}

/** Why an answer shows an injection working, or null. */
function injected(res: Answer): string | null {
  for (const [name, value] of Object.entries(res.headers)) {
    if (/injected/i.test(name)) return `header ${name}`;
    if (/injected|evil\.example/i.test(String(value))) return `header ${name}: ${String(value).slice(0, 60)}`;
  }
  if (String(res.headers['content-type'] ?? '').includes('html')) {
    if (res.body.includes(SCRIPT) || res.body.includes('<img src=x onerror')) return 'the script echoed unescaped';
  }
  if (res.body.includes('root:x:0:0')) return 'a system file served';
  return null;
}

testEachDatabase(
  'fuzz: hostile values to every route and form are refused with a 4xx naming the problem and write nothing, and injections never work',
  async (database, t) => {
    // Not yet a gate: the walk still finds 500s for non-UUID path ids on five routes, vendor forms
    // that redirect instead of refusing a JSON body, and two /static/ traversals over a socket
    // that get no answer; and it takes several minutes on a loaded machine.
    t.todo('known findings to fix first; see the fuzz branch report');
    const shop = await openFuzzShop(database);
    try {
      const { app, real, routes, whoFor } = shop;
      const failures: string[] = [];
      let sent = 0;
      const send = async (who: Who, method: string, url: string, body: { payload: string | Buffer; type: string } | null, accept: string): Promise<Answer> => {
        sent++;
        const res = await app.inject({
          method: method as 'POST',
          url,
          remoteAddress: who.client.ip,
          headers: { accept, cookie: cookieOf(who.client), ...who.headers, ...(body ? { 'content-type': body.type } : {}) },
          ...(body ? { payload: body.payload } : {}),
        });
        return { statusCode: res.statusCode, headers: res.headers, body: res.body };
      };
      const writeRoutes = routes.filter((r) => hasBody(r.method) && !r.url.startsWith('/payments/webhook'));

      // 1. Refused, every one, naming the problem, and nothing written.
      const before = await tableMarks(database.db);
      for (const route of writeRoutes) {
        const json = isJsonRoute(route.url);
        const url = fillPath(route.url, real);
        const fields = fieldsOf(route.schema, 'body');
        const names = Object.keys(fields);
        const good = Object.fromEntries(names.map((n) => [n, plausible(fields[n], n, real)]));
        for (const who of whoFor(route.url)) {
          const csrf: Record<string, string> = json ? {} : { _csrf: who.client.csrf };
          const cases: Array<[string, { payload: string | Buffer; type: string }]> = [
            ['deep JSON arrays', { payload: deepArrays, type: 'application/json' }],
            ['deep JSON object in a field', { payload: `{"${names[0] ?? 'a'}":${deepObject}}`, type: 'application/json' }],
            [`a 1 MB JSON field`, { payload: JSON.stringify({ ...good, [names[0] ?? 'a']: 'x'.repeat(MB) }), type: 'application/json' }],
            ['a 1 MB urlencoded field', { payload: formBody({ ...csrf, ...good, [names.at(-1) ?? 'a']: 'x'.repeat(MB) }), type: 'application/x-www-form-urlencoded' }],
            ['a 1 MB multipart field', multipartBody({ ...csrf, ...good, [names.at(-1) ?? 'a']: 'x'.repeat(MB) })],
            ['a file where none is taken, named by path traversal', multipartBody({ ...csrf }, { field: 'zz_file', filename: '../../../../etc/passwd', data: Buffer.from('root:x:0:0') })],
          ];
          for (const name of who === whoFor(route.url)[0] ? names : []) {
            const others = Object.fromEntries(Object.entries(good).map(([n, v]) => [n, String(v)]));
            if (json) {
              cases.push(
                [
                  `${name}: invalid UTF-8 bytes in JSON`,
                  { payload: Buffer.concat([Buffer.from(`${JSON.stringify({ ...good, [name]: 'fu' }).slice(0, -1)},"${name}":"`), badBytes, Buffer.from('"}')]), type: 'application/json' },
                ],
                [`${name}: a null byte in JSON`, { payload: JSON.stringify({ ...good, [name]: 'fu\u0000zz' }), type: 'application/json' }],
                [`${name}: an array in JSON`, { payload: JSON.stringify({ ...good, [name]: [good[name], good[name]] }), type: 'application/json' }],
              );
              continue;
            }
            const rest = formBody({ ...csrf, ...Object.fromEntries(Object.entries(others).filter(([n]) => n !== name)) });
            cases.push(
              [`${name}: invalid UTF-8 bytes urlencoded`, { payload: Buffer.concat([Buffer.from(`${rest}&${encode(name)}=fu`), badBytes]), type: 'application/x-www-form-urlencoded' }],
              [`${name}: a null byte urlencoded`, { payload: formBody({ ...csrf, ...others, [name]: 'fu\u0000zz' }), type: 'application/x-www-form-urlencoded' }],
              [`${name}: repeated urlencoded`, { payload: formBody({ ...csrf, ...others, [name]: [others[name], others[name]] }), type: 'application/x-www-form-urlencoded' }],
              [`${name}: invalid UTF-8 bytes in multipart`, multipartBody({ ...csrf, ...others, [name]: Buffer.concat([Buffer.from('fu'), badBytes]) })],
              [`${name}: a null byte in multipart`, multipartBody({ ...csrf, ...others, [name]: 'fu\u0000zz' })],
            );
          }
          for (const [label, body] of cases) {
            const res = await send(who, route.method, url, body, json ? 'application/json' : 'text/html');
            const where = `${res.statusCode} ${route.method} ${route.url} as ${who.name}: ${label}`;
            if (!refused(res)) failures.push(`${where} (not refused) → ${res.body.slice(0, 160)}`);
            else if (res.statusCode !== 303) {
              const why = unnamed(res);
              if (why) failures.push(`${where}: ${why} → ${res.body.slice(0, 160)}`);
            }
          }
        }
      }
      // 1 MB in the query string and path of every route, read or write: refused, not searched for.
      for (const route of routes) {
        const who = whoFor(route.url)[0]!;
        const query = Object.keys(fieldsOf(route.schema, 'querystring'))[0] ?? 'q';
        for (const [label, url] of [
          ['a 1 MB query parameter', `${fillPath(route.url, real)}?${encode(query)}=${'x'.repeat(MB)}`],
          ['invalid UTF-8 in the query', `${fillPath(route.url, real)}?${encode(query)}=%FF%FE%C3%28`],
          ['a null byte in the query', `${fillPath(route.url, real)}?${encode(query)}=fu%00zz`],
          ...paramsOf(route.url).flatMap((p) => [
            [`params.${p}: invalid UTF-8`, fillPath(route.url, { ...real, [p]: '%FF%FE%C3%28' }, [p])],
            [`params.${p}: 1 MB`, fillPath(route.url, { ...real, [p]: 'x'.repeat(MB) })],
          ]),
        ] as const) {
          const res = await send(who, route.method, url, hasBody(route.method) && isJsonRoute(route.url) ? { payload: '{}', type: 'application/json' } : null, 'application/json');
          const where = `${res.statusCode} ${route.method} ${route.url} as ${who.name}: ${label}`;
          if (res.statusCode < 400 || res.statusCode >= 500) failures.push(`${where} (not refused) → ${res.body.slice(0, 160)}`);
          else {
            const why = unnamed(res);
            if (why) failures.push(`${where}: ${why} → ${res.body.slice(0, 160)}`);
          }
        }
      }
      const written = tablesWritten(before, await tableMarks(database.db), RECORDS_EVERY_REQUEST);
      if (written.length) failures.push(`refused requests wrote to ${written.join(', ')}`);
      const refusedCount = sent;

      // 2. Injections into every field, query parameter and path parameter: never a 5xx, never working.
      for (const route of routes) {
        const rand = seeded(hash(`inject ${route.method} ${route.url}`));
        const one = (values: readonly string[]) => values[Math.floor(rand() * values.length)]!;
        const json = isJsonRoute(route.url);
        const body = hasBody(route.method);
        const fields = fieldsOf(route.schema, body ? 'body' : 'querystring');
        const good = Object.fromEntries(Object.entries(fields).map(([n, s]) => [n, plausible(s, n, real)]));
        for (const who of whoFor(route.url)) {
          const csrf: Record<string, string> = json ? {} : { _csrf: who.client.csrf };
          const requests: Array<[string, string, { payload: string | Buffer; type: string } | null]> = [];
          const emptyBody = body ? (json ? { payload: '{}', type: 'application/json' } : { payload: formBody(csrf), type: 'application/x-www-form-urlencoded' }) : null;
          for (const p of paramsOf(route.url)) {
            for (const value of [...TRAVERSAL, one(HEADER), one(HTML), one(SQL)])
              requests.push([`params.${p}=${JSON.stringify(value)}`, fillPath(route.url, { ...real, [p]: value }, value.includes('%') ? [p] : []), emptyBody]);
          }
          const url = fillPath(route.url, real);
          for (const name of Object.keys(fields)) {
            for (const [kind, values] of Object.entries(injections)) {
              const value = one(values);
              const label = `${kind}: ${name}=${JSON.stringify(value)}`;
              const now = { ...good, [name]: value };
              if (!body) requests.push([label, `${url}?${formBody(now)}`, null]);
              else if (json) requests.push([label, url, { payload: JSON.stringify(now), type: 'application/json' }]);
              else if (kind === 'html' || kind === 'header') {
                requests.push([label, url, { payload: formBody({ ...csrf, ...now }), type: 'application/x-www-form-urlencoded' }]);
                requests.push([`${label} (multipart)`, url, multipartBody(Object.fromEntries(Object.entries({ ...csrf, ...now }).map(([k, v]) => [k, String(v)])))]);
              } else requests.push([label, url, { payload: formBody({ ...csrf, ...now }), type: 'application/x-www-form-urlencoded' }]);
            }
          }
          for (const [label, url, payload] of requests) {
            const res = await send(who, route.method, url, payload, json ? 'application/json' : 'text/html');
            const why = res.statusCode >= 500 ? 'a 5xx' : injected(res);
            if (why) failures.push(`${res.statusCode} ${route.method} ${route.url} as ${who.name}: ${label}: ${why} → ${res.body.slice(0, 160)}`);
          }
        }
      }
      // Whatever was stored is shown escaped on every page that shows it.
      for (const route of routes.filter((r) => r.method === 'GET')) {
        for (const who of whoFor(route.url)) {
          const res = await send(who, 'GET', fillPath(route.url, real), null, 'text/html');
          const why = res.statusCode >= 500 ? 'a 5xx' : injected(res);
          if (why) failures.push(`${res.statusCode} GET ${route.url} as ${who.name} after the injections: ${why} → ${res.body.slice(0, 160)}`);
        }
      }
      assert.ok((await tableMarks(database.db)).has('catalogue_products'), 'no table was dropped');

      // 3. Raw bytes over a socket: not UTF-8 in the path, the query and a body; traversal out of /static/.
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const port = Number(new URL(address).port);
      const raw = (head: Buffer, body: Buffer = Buffer.alloc(0)) =>
        new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          const chunks: Buffer[] = [];
          socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
          socket.on('data', (c) => chunks.push(c));
          socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
          socket.on('error', reject);
          socket.end(
            Buffer.concat([head, Buffer.from(`\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-length: ${body.length}\r\n${body.length ? 'content-type: application/json\r\n' : ''}\r\n`), body]),
          );
        });
      const rawCases: Array<[string, Buffer, Buffer?]> = [
        ['raw bytes in the path', Buffer.concat([Buffer.from(`GET /products/`), badBytes, Buffer.from(' HTTP/1.1')])],
        ['raw bytes in the query', Buffer.concat([Buffer.from('GET /search?q='), badBytes, Buffer.from(' HTTP/1.1')])],
        ['a raw null byte in the query', Buffer.from('GET /search?q=a\u0000b HTTP/1.1')],
        ['raw bytes in a JSON body', Buffer.from('POST /api/account/login HTTP/1.1'), Buffer.concat([Buffer.from('{"email":"'), badBytes, Buffer.from('@example.com","password":"x"}')])],
        ['a 1 MB query', Buffer.from(`GET /search?q=${'x'.repeat(MB)} HTTP/1.1`)],
        ...['/static/../../../../etc/passwd', '/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/static/..%2f..%2f..%2fetc%2fpasswd', '/static/%252e%252e/etc/passwd', '/static/....//....//etc/passwd'].map(
          (path) => [`traversal ${path}`, Buffer.from(`GET ${path} HTTP/1.1`)] as [string, Buffer],
        ),
      ];
      for (const [label, head, body] of rawCases) {
        const answer = await raw(head, body);
        sent++;
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
        if (status < 400 || status >= 500) failures.push(`${status} over a socket, ${label} → ${answer.slice(0, 200)}`);
        if (answer.includes('root:x:0:0')) failures.push(`${status} over a socket, ${label}: a system file served`);
      }

      assert.deepEqual(failures, [], `${failures.length} of ${sent} requests failed:\n${failures.slice(0, 60).join('\n')}`);
      assert.ok(refusedCount > 1000 && sent < 20_000, `a bounded walk: ${sent} requests, ${refusedCount} to be refused`);
      assert.deepEqual(errorLogs(shop.logs), [], 'no error logged (no stack trace for a 4xx)');
    } finally {
      await shop.app.close();
    }
  },
  { timeout: 600_000 },
);
