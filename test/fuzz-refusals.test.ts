// Hostile input that must be refused, to every route in the route table (the OpenAPI routes and
// the HTML forms): deep JSON, 1 MB strings, invalid UTF-8 as raw bytes, null bytes, wrong types
// and a file where none is taken, as JSON, urlencoded and multipart bodies, in the query and in
// path parameters. Every answer is a 4xx that names the problem (the JSON error's code and field,
// or the page's error), no table is written, and nothing is logged as an error. Last, raw bytes a
// test client cannot put in a URL go over a socket to the listening shop.
// Each class goes once per route into a field the seeded generator picks (the checks are the
// same for every field: body-encoding.ts, text-check.ts, the schemas); a combined request gives
// every field a wrong type at once. Injections are fuzz-injections.test.ts.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { tableMarks, tablesWritten } from '../src/platform/testing/table-writes.ts';
import { type Answer, type Body, badBytes, deepArrays, deepObject, hostileSender, MB, pick, RECORDS_EVERY_REQUEST, refused, unnamed } from './fuzz-hostile-support.ts';
import { encode, errorLogs, fieldsOf, fillPath, formBody, hasBody, hash, isJsonRoute, multipartBody, openFuzzShop, paramsOf, plausible, seeded } from './fuzz-support.ts';

const DEPTH_LABEL = 'JSON nested 10,000 deep:';
const json = (value: unknown): Body => ({ payload: typeof value === 'string' ? value : JSON.stringify(value), type: 'application/json' });
const urlencoded = (payload: string | Buffer): Body => ({ payload, type: 'application/x-www-form-urlencoded' });

testEachDatabase(
  'fuzz: deep JSON, 1 MB strings, invalid UTF-8, null bytes and wrong types to every route and form are refused with a 4xx naming the problem and write nothing',
  async (database) => {
    const shop = await openFuzzShop(database);
    try {
      const { app, real, routes, whoFor } = shop;
      const sender = hostileSender(app);
      const failures: string[] = [];
      const judge = (res: Answer, where: string) => {
        const at = `${res.statusCode} ${where}`;
        if (!refused(res)) failures.push(`${at} (not refused) → ${res.body.slice(0, 160)}`);
        else if (res.statusCode !== 303) {
          const why = unnamed(res);
          if (why) failures.push(`${at}: ${why} → ${res.body.slice(0, 160)}`);
        }
      };
      const before = await tableMarks(database.db);

      // Bodies, to every route that takes one (the signed webhook is fuzz.test.ts's).
      for (const route of routes.filter((r) => hasBody(r.method) && !r.url.startsWith('/payments/webhook'))) {
        const rand = seeded(hash(`refuse ${route.method} ${route.url}`));
        const isJson = isJsonRoute(route.url);
        const accept = isJson ? 'application/json' : 'text/html';
        const url = fillPath(route.url, real);
        const fields = fieldsOf(route.schema, 'body');
        const names = Object.keys(fields);
        const field = () => (names.length ? pick(rand, names) : 'zz');
        const good = Object.fromEntries(names.map((n) => [n, plausible(fields[n], n, real)]));
        const text = Object.fromEntries(Object.entries(good).map(([n, v]) => [n, String(v)]));
        const [first, ...others] = whoFor(route.url);
        // Everyone else the route is for: deep JSON, refused before it is looked at.
        for (const who of others) judge(await sender.send(who, route.method, url, json(deepArrays), accept), `${route.method} ${route.url} as ${who.name}: deep JSON arrays`);

        const csrf: Record<string, string> = isJson ? {} : { _csrf: first!.client.csrf };
        const cases: Array<[string, Body]> = [
          [`${DEPTH_LABEL} arrays`, json(deepArrays)],
          [`${DEPTH_LABEL} object in a field`, json(`{"${field()}":${deepObject}}`)],
        ];
        const big = [field(), field(), field()] as const;
        cases.push(
          [`body.${big[0]}: 1 MB in JSON`, json({ ...good, [big[0]]: 'x'.repeat(MB) })],
          [`body.${big[1]}: 1 MB urlencoded`, urlencoded(formBody({ ...csrf, ...text, [big[1]]: 'x'.repeat(MB) }))],
          [`body.${big[2]}: 1 MB in multipart`, multipartBody({ ...csrf, ...text, [big[2]]: 'x'.repeat(MB) })],
          ['a file where none is taken, named by path traversal', multipartBody({ ...csrf }, { field: 'zz_file', filename: '../../../../etc/passwd', data: Buffer.from('root:x:0:0') })],
        );
        const without = (name: string) => Object.fromEntries(Object.entries(text).filter(([n]) => n !== name));
        if (isJson) {
          const [a, b, c] = [field(), field(), field()];
          const rest = JSON.stringify(without(a)).slice(1, -1);
          cases.push(
            [`body.${a}: invalid UTF-8 bytes in JSON`, { payload: Buffer.concat([Buffer.from(`{${rest}${rest ? ',' : ''}"${a}":"fu`), badBytes, Buffer.from('"}')]), type: 'application/json' }],
            [`body.${b}: a null byte in JSON`, json({ ...good, [b]: 'fu\u0000zz' })],
            [`body.${c}: an array in JSON`, json({ ...good, [c]: [good[c] ?? 'x', good[c] ?? 'x'] })],
          );
          if (names.length > 1) cases.push(['every field an object', json(Object.fromEntries(names.map((n) => [n, { a: good[n] }])))]);
        } else {
          const [a, b, c, d, e] = [field(), field(), field(), field(), field()];
          cases.push(
            [`body.${a}: invalid UTF-8 bytes urlencoded`, urlencoded(Buffer.concat([Buffer.from(`${formBody({ ...csrf, ...without(a) })}&${encode(a)}=fu`), badBytes]))],
            [`body.${b}: a null byte urlencoded`, urlencoded(formBody({ ...csrf, ...text, [b]: 'fu\u0000zz' }))],
            [`body.${c}: repeated urlencoded`, urlencoded(formBody({ ...csrf, ...text, [c]: [text[c] ?? 'x', text[c] ?? 'x'] }))],
            [`body.${d}: invalid UTF-8 bytes in multipart`, multipartBody({ ...csrf, ...text, [d]: Buffer.concat([Buffer.from('fu'), badBytes]) })],
            [`body.${e}: a null byte in multipart`, multipartBody({ ...csrf, ...text, [e]: 'fu\u0000zz' })],
          );
          if (names.length > 1) cases.push(['every field repeated', urlencoded(formBody({ ...csrf, ...Object.fromEntries(names.map((n) => [n, [text[n], text[n]]])) }))]);
        }
        for (const [label, body] of cases) judge(await sender.send(first!, route.method, url, body, accept), `${route.method} ${route.url} as ${first!.name}: ${label}`);
      }

      // The query string and path of every route, read or write: refused, not searched for. A
      // write route gets one of the query cases (its body had the rest).
      for (const route of routes) {
        const rand = seeded(hash(`address ${route.method} ${route.url}`));
        const who = whoFor(route.url)[0]!;
        const write = hasBody(route.method);
        const query = `${fillPath(route.url, real)}?${encode(Object.keys(fieldsOf(route.schema, 'querystring'))[0] ?? 'q')}=`;
        const queries: Array<[string, string]> = [
          ['a 1 MB query parameter', `${query}${'x'.repeat(MB)}`],
          ['invalid UTF-8 in the query', `${query}%FF%FE%C3%28`],
          ['a null byte in the query', `${query}fu%00zz`],
        ];
        const cases = [
          ...(write ? [pick(rand, queries)] : queries),
          ...paramsOf(route.url).flatMap(
            (p): Array<[string, string]> => [
              [`params.${p}: invalid UTF-8`, fillPath(route.url, { ...real, [p]: '%FF%FE%C3%28' }, [p])],
              [`params.${p}: 1 MB`, fillPath(route.url, { ...real, [p]: 'x'.repeat(MB) })],
            ],
          ),
        ];
        for (const [label, url] of cases) {
          const res = await sender.send(who, route.method, url, write && isJsonRoute(route.url) ? json('{}') : null, 'application/json');
          if (res.statusCode === 303) failures.push(`303 ${route.method} ${route.url} as ${who.name}: ${label} (not refused)`);
          else judge(res, `${route.method} ${route.url} as ${who.name}: ${label}`);
        }
      }
      const refusedCount = sender.sent;
      const written = tablesWritten(before, await tableMarks(database.db), RECORDS_EVERY_REQUEST);
      if (written.length) failures.push(`refused requests wrote to ${written.join(', ')}`);

      // Raw bytes over a socket: not UTF-8 in the path, the query and a body; traversal out of /static/.
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const port = Number(new URL(address).port);
      // The request is written, not ended: a client that half-closes its socket may get no answer.
      const raw = (head: Buffer, body: Buffer = Buffer.alloc(0)) =>
        new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          const chunks: Buffer[] = [];
          socket.setTimeout(20_000, () => socket.destroy(new Error('no answer within 20 s')));
          socket.on('data', (c) => chunks.push(c));
          socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
          socket.on('error', reject);
          const type = body.length ? 'content-type: application/json\r\n' : '';
          socket.write(Buffer.concat([head, Buffer.from(` HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-length: ${body.length}\r\n${type}\r\n`), body]));
        });
      const traversals = [
        '/static/../../../../etc/passwd',
        '/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
        '/static/..%2f..%2f..%2fetc%2fpasswd',
        '/static/%252e%252e/etc/passwd',
        '/static/....//....//etc/passwd',
        '/static/..%5c..%5c..%5cetc%5cpasswd',
        '/media/..%2f..%2f..%2fetc%2fpasswd',
      ];
      const rawCases: Array<[string, Buffer, Buffer?]> = [
        ['raw bytes in the path', Buffer.concat([Buffer.from('GET /products/'), badBytes])],
        ['raw bytes in the query', Buffer.concat([Buffer.from('GET /search?q='), badBytes])],
        ['a raw null byte in the query', Buffer.from('GET /search?q=a\u0000b')],
        ['raw bytes in a JSON body', Buffer.from('POST /api/account/login'), Buffer.concat([Buffer.from('{"email":"'), badBytes, Buffer.from('@example.com","password":"x"}')])],
        ...traversals.map((path): [string, Buffer] => [`traversal ${path}`, Buffer.from(`GET ${path}`)]),
      ];
      for (const [label, head, body] of rawCases) {
        const answer = await raw(head, body);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
        if (status < 400 || status >= 500) failures.push(`${status} over a socket, ${label} → ${answer.slice(0, 200)}`);
        if (answer.includes('root:x:0:0')) failures.push(`${status} over a socket, ${label}: a system file served`);
      }
      // What Node's own parser refuses before any route still gets the shop's JSON error, naming the part.
      const parserRefusals: Array<[string, Buffer, number, string, string | null]> = [
        ['a 1 MB request line', Buffer.from(`GET /search?q=${'x'.repeat(MB)}`), 414, 'URL_TOO_LONG', 'url'],
        ['a 64 KB header', Buffer.from(`GET / HTTP/1.1\r\nx-big: ${'x'.repeat(64 * 1024)}\r\nx-end:`), 431, 'HEADERS_TOO_LARGE', 'headers'],
        ['bytes that are not HTTP', Buffer.from('\u0001\u0002 nonsense'), 400, 'MALFORMED_REQUEST', null],
      ];
      for (const [label, head, status, code, field] of parserRefusals) {
        const answer = await raw(head);
        const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
        const error = (JSON.parse(body) as { error: { code: string; fields: { field: string }[] } }).error;
        assert.deepEqual([Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]), error.code, error.fields[0]?.field ?? null], [status, code, field], `${label} → ${answer.slice(0, 300)}`);
      }

      assert.deepEqual(failures, [], `${failures.length} of ${refusedCount + rawCases.length} requests failed:\n${failures.slice(0, 60).join('\n')}`);
      assert.ok(refusedCount > 1000 && refusedCount < 8000, `a bounded walk: ${refusedCount} requests`);
      assert.deepEqual(errorLogs(shop.logs), [], 'no error logged (no stack trace for a 4xx)');
    } finally {
      await shop.app.close();
    }
  },
  { timeout: 300_000 },
);
