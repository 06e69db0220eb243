// Injections into every route in the route table (the OpenAPI routes and the HTML forms, the
// forms as urlencoded and multipart): SQL, HTML and script, CR/LF header injection and path
// traversal, in body fields, query parameters and path parameters. Whatever the answer, never a
// 5xx, never an injected header (a redirect's Location, a cookie, Content-Disposition), never the
// script echoed unescaped — also on every page read afterwards, where stored values show — and no
// table dropped. Each kind goes once per route into a field the seeded generator picks, and once
// into every field together; refusals are fuzz-refusals.test.ts.
import assert from 'node:assert/strict';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { tableMarks } from '../src/platform/testing/table-writes.ts';
import { type Body, HEADER, HTML, hostileSender, injected, injections, pick, SQL, TRAVERSAL, TRAVERSAL_ENCODED } from './fuzz-hostile-support.ts';
import { errorLogs, fieldsOf, fillPath, formBody, hasBody, hash, isJsonRoute, multipartBody, openFuzzShop, paramsOf, plausible, seeded } from './fuzz-support.ts';

testEachDatabase(
  'fuzz: SQL, HTML, header injection and path traversal in every field, query and path parameter never get a 5xx and never work',
  async (database) => {
    const shop = await openFuzzShop(database);
    try {
      const { app, real, routes, whoFor } = shop;
      const sender = hostileSender(app);
      const failures: string[] = [];
      for (const route of routes) {
        const rand = seeded(hash(`inject ${route.method} ${route.url}`));
        const isJson = isJsonRoute(route.url);
        const body = hasBody(route.method);
        const fields = fieldsOf(route.schema, body ? 'body' : 'querystring');
        const names = Object.keys(fields);
        const good = Object.fromEntries(names.map((n) => [n, String(plausible(fields[n], n, real))]));
        const [first, ...others] = whoFor(route.url);
        const csrfOf = (who: typeof first) => (isJson ? {} : { _csrf: who!.client.csrf });
        const url = fillPath(route.url, real);
        // The fields as this route takes them: a query, a JSON body, a urlencoded form (and multipart).
        const requests = (who: typeof first, label: string, now: Record<string, string>, multipart: boolean): Array<[string, string, Body | null]> => {
          if (!body) return [[label, `${url}?${formBody(now)}`, null]];
          if (isJson) return [[label, url, { payload: JSON.stringify(now), type: 'application/json' }]];
          const all = { ...csrfOf(who), ...now };
          const form: Array<[string, string, Body | null]> = [[label, url, { payload: formBody(all), type: 'application/x-www-form-urlencoded' }]];
          return multipart ? [...form, [`${label} (multipart)`, url, multipartBody(all)]] : form;
        };
        const empty: Body | null = body ? (isJson ? { payload: '{}', type: 'application/json' } : { payload: formBody(csrfOf(first)), type: 'application/x-www-form-urlencoded' }) : null;

        const mine: Array<[string, string, Body | null]> = [];
        for (const p of paramsOf(route.url)) {
          for (const value of [pick(rand, TRAVERSAL), pick(rand, HEADER), pick(rand, HTML), pick(rand, SQL)])
            mine.push([`params.${p}=${JSON.stringify(value)}`, fillPath(route.url, { ...real, [p]: value }), empty]);
          const encoded = pick(rand, TRAVERSAL_ENCODED);
          mine.push([`params.${p}=${encoded} (as it is)`, fillPath(route.url, { ...real, [p]: encoded }, [p]), empty]);
        }
        for (const [kind, values] of Object.entries(injections)) {
          const multipart = kind === 'html' || kind === 'header';
          if (names.length) {
            const name = pick(rand, names);
            const value = pick(rand, values);
            mine.push(...requests(first, `${kind}: ${name}=${JSON.stringify(value)}`, { ...good, [name]: value }, multipart));
          }
          if (names.length > 1) {
            const value = pick(rand, values);
            mine.push(...requests(first, `${kind}: every field ${JSON.stringify(value)}`, Object.fromEntries(names.map((n) => [n, value])), multipart));
          }
        }
        const sends: Array<[typeof first, string, string, Body | null]> = mine.map(([label, u, b]) => [first, label, u, b]);
        // Everyone else the route is for: the script in every field.
        for (const who of others) {
          const value = pick(rand, HTML);
          for (const [label, u, b] of requests(who, `html: every field ${JSON.stringify(value)}`, Object.fromEntries(names.map((n) => [n, value])), false)) sends.push([who, label, u, b]);
        }
        for (const [who, label, u, payload] of sends) {
          const res = await sender.send(who!, route.method, u, payload, isJson ? 'application/json' : 'text/html');
          const why = res.statusCode >= 500 ? 'a 5xx' : injected(res);
          if (why) failures.push(`${res.statusCode} ${route.method} ${route.url} as ${who!.name}: ${label}: ${why} → ${res.body.slice(0, 160)}`);
        }
      }
      const injectedCount = sender.sent;
      // Whatever was stored is shown escaped on every page that shows it.
      for (const route of routes.filter((r) => r.method === 'GET')) {
        for (const who of whoFor(route.url)) {
          const res = await sender.send(who, 'GET', fillPath(route.url, real), null, 'text/html');
          const why = res.statusCode >= 500 ? 'a 5xx' : injected(res);
          if (why) failures.push(`${res.statusCode} GET ${route.url} as ${who.name} after the injections: ${why} → ${res.body.slice(0, 160)}`);
        }
      }
      assert.ok((await tableMarks(database.db)).has('catalogue_products'), 'no table was dropped');

      assert.deepEqual(failures, [], `${failures.length} of ${sender.sent} requests failed:\n${failures.slice(0, 60).join('\n')}`);
      assert.ok(injectedCount > 1000 && injectedCount < 8000, `a bounded walk: ${injectedCount} requests`);
      assert.deepEqual(errorLogs(shop.logs), [], 'no error logged (no stack trace for a 4xx)');
    } finally {
      await shop.app.close();
    }
  },
  { timeout: 300_000 },
);
