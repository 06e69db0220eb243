// Personal data sent to the shop in bodies, query strings, paths, headers, malformed HTTP and
// error messages never reaches its log (captured at trace level, so Fastify's own lines count too).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import type { Module } from '../platform/module.ts';
import { buildTestApp, TEST_STAFF_TOKEN } from '../platform/testing/app.ts';
import { testEachDatabase, type TestDatabase } from '../platform/testing/databases.ts';
import { findPersonalData, personalData as p } from '../platform/testing/personal-data.ts';
import { modules, wiringOf } from '../modules.ts';
import { buildApp } from './app.ts';
import { STACKS_PER_ADDRESS_MINUTE } from './error-handler.ts';

const body = {
  email: p.email,
  name: p.name,
  phone: p.phone,
  street: p.street,
  password: p.password,
  card_number: p.card,
  iban: p.iban,
  account_number: p.bankAccount,
};
const query = new URLSearchParams(body).toString();
const headers = {
  'x-customer-email': p.email,
  'x-customer-name': p.name,
  'user-agent': `Mozilla/5.0 (${p.name}; ${p.phone})`,
  referer: `https://elsewhere.example/checkout?${query}`,
  cookie: `session=${p.password}; email=${encodeURIComponent(p.email)}`,
  'x-forwarded-for': '203.0.113.77',
  'x-request-id': p.email,
};

/** Sends bytes that are not valid HTTP and waits for the server to answer or hang up. */
async function sendMalformed(port: number, raw: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(raw));
    socket.on('data', () => {});
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

async function feedRealRoutes(app: FastifyInstance, staffHeaders: Record<string, string>): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const requests = [
    { method: 'GET', url: `/healthz?${query}`, headers },
    { method: 'GET', url: `/readyz?${query}`, headers: { ...headers, accept: 'text/html' } },
    { method: 'GET', url: `/${encodeURIComponent(p.email)}/${encodeURIComponent(p.street)}?${query}`, headers: { ...headers, accept: 'text/html' } },
    { method: 'GET', url: `/api/${encodeURIComponent(p.card)}?${query}`, headers },
    { method: 'GET', url: `/static/${encodeURIComponent(p.name)}.css`, headers },
    { method: 'POST', url: `/api/staff/vendors?${query}`, headers: { ...headers, ...json }, payload: body },
    { method: 'POST', url: '/api/staff/vendors', headers: { ...headers, ...staffHeaders, ...json }, payload: { slug: 'x', ...body } },
    { method: 'POST', url: '/api/staff/vendors', headers: { ...headers, ...staffHeaders, ...json }, payload: `{"name": "${p.name}", "email": ${p.email}` },
    { method: 'POST', url: '/api/staff/vendors', headers: { ...headers, ...staffHeaders, 'content-type': 'application/x-www-form-urlencoded' }, payload: query },
    { method: 'POST', url: '/api/staff/vendors', headers: { ...headers, ...staffHeaders, 'content-type': 'text/plain' }, payload: JSON.stringify(body) },
    { method: 'POST', url: '/api/staff/vendors', headers: { ...headers, authorization: `Bearer ${p.password}`, ...json }, payload: body },
    { method: 'PATCH', url: `/api/staff/vendors/${encodeURIComponent(p.email)}`, headers: { ...headers, ...staffHeaders, ...json }, payload: body },
    { method: 'GET', url: `/api/staff/vendors/${encodeURIComponent(p.name)}`, headers: { ...headers, ...staffHeaders } },
    { method: 'DELETE', url: `/healthz?${query}`, headers },
  ] as const;
  for (const request of requests) {
    const response = await app.inject(request);
    assert.ok(response.statusCode < 500, `${request.method} ${request.url.slice(0, 40)} answered ${response.statusCode}`);
    assert.deepEqual(findPersonalData(response.body), [], `response of ${request.method} ${request.url.slice(0, 40)}`);
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  await sendMalformed(port, `GET /?${query} HTTP/1.1\r\nHost: shop\r\nX-Email: ${p.email}\r\nbroken header line ${p.name}\r\n\r\n`);
  await sendMalformed(port, `POST /api/staff/vendors HTTP/1.1\r\nHost: shop\r\nContent-Length: nope-${p.card}\r\n\r\n${JSON.stringify(body)}`);
  const real = await fetch(`http://127.0.0.1:${port}/healthz?${query}`, { headers });
  assert.equal(real.status, 200);
}

testEachDatabase('personal data in requests to real routes never reaches the log', async (database) => {
  const { app, logs, staffHeaders } = await buildTestApp(database, { LOG_LEVEL: 'trace' });
  try {
    await feedRealRoutes(app, staffHeaders);
  } finally {
    await app.close();
  }
  const text = logs.map((l) => JSON.stringify(l)).join('\n');
  assert.deepEqual(findPersonalData(text), [], text);
  // The requests were logged, by route pattern only.
  const requestLines = logs.filter((l) => l.msg === 'request');
  assert.ok(requestLines.length >= 14, `${requestLines.length} request lines`);
  assert.ok(requestLines.some((l) => l.route === '/healthz' && l.status === 200));
});

testEachDatabase('personal data in requests refused by the rate limit never reaches the log', async (database) => {
  const { app, logs } = await buildTestApp(database, { LOG_LEVEL: 'trace', RATE_LIMIT_PER_MINUTE: '1' });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.inject({ url: `/healthz?${query}`, headers })).statusCode);
    assert.deepEqual(statuses, [200, 429, 429]);
  } finally {
    await app.close();
  }
  const text = logs.map((l) => JSON.stringify(l)).join('\n');
  assert.deepEqual(findPersonalData(text), [], text);
  assert.ok(logs.some((l) => l.msg === 'rate limit exceeded'));
});

// Handlers with the bugs that put personal data into error messages: a value the database quotes
// back, a message built from the input, a whole request logged carelessly.
const careless: Module = {
  name: 'careless-handlers',
  migrations: [],
  routes: async (app) => {
    app.post<{ Body: Record<string, string> }>('/careless/db-cast', async (request) => {
      await sql`select ${request.body.name}::uuid, ${request.body.password}::int`.execute(app.db);
      return {};
    });
    app.post<{ Body: Record<string, string> }>('/careless/throw', async (request) => {
      const b = request.body;
      throw new Error(`charge ${b.card_number} for ${b.email} (${b.phone}) to ${b.iban}/${b.account_number} failed: ${JSON.stringify(b)}`);
    });
    app.post('/careless/log', async (request) => {
      request.log.info({ body: request.body, query: request.query, headers: request.headers }, `received ${request.url}`);
      request.log.error(new Error(`could not mail ${(request.body as Record<string, string>).email}`));
      return {};
    });
  },
};

async function buildCarelessApp(database: TestDatabase) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ LOG_LEVEL: 'trace', RATE_LIMIT_PER_MINUTE: '0', RUN_WORKER: 'false', DEMO_DATA: 'false' });
  const logger = createLogger(config.logLevel, sink);
  const app = await buildApp({ config, database, logger, modules: [...modules, careless], wiring: wiringOf([...modules, careless]), staffApiToken: TEST_STAFF_TOKEN });
  return { app, log: () => lines.join('') };
}

testEachDatabase('personal data in error messages of failing handlers never reaches the log or the response', async (database) => {
  const { app, log } = await buildCarelessApp(database);
  const incidents: string[] = [];
  try {
    for (const url of ['/careless/db-cast', '/careless/throw']) {
      for (const accept of ['application/json', 'text/html']) {
        const response = await app.inject({ method: 'POST', url: `${url}?${query}`, headers: { ...headers, accept }, payload: body });
        assert.equal(response.statusCode, 500, url);
        const incident = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(response.body)?.[0];
        assert.ok(incident, 'the answer names an incident');
        incidents.push(incident);
        assert.deepEqual(findPersonalData(response.body), [], `response of ${url}`);
      }
    }
    const logged = await app.inject({ method: 'POST', url: `/careless/log?${query}`, headers, payload: body });
    assert.equal(logged.statusCode, 200);
  } finally {
    await app.close();
  }
  assert.deepEqual(findPersonalData(log()), [], log());
  assert.doesNotMatch(log(), /203\.0\.113\.77/, 'client address');
  // The failures were logged, with enough left to debug them.
  assert.equal(log().match(/"msg":"unexpected error"/g)?.length, 4);
  assert.match(log(), /invalid input syntax for type uuid/);
  assert.match(log(), /"msg":"could not mail \[redacted\]"/);
  for (const incident of incidents) assert.ok(log().includes(`"incident":"${incident}"`), `incident ${incident} is findable in the log`);
});

testEachDatabase('an address that keeps causing 500s gets its stack traces logged a few times a minute, then one short line each', async (database) => {
  const { app, log } = await buildCarelessApp(database);
  try {
    for (let i = 0; i < STACKS_PER_ADDRESS_MINUTE + 3; i++) {
      assert.equal((await app.inject({ method: 'POST', url: '/careless/throw', remoteAddress: '198.51.100.20', payload: body })).statusCode, 500);
    }
    assert.equal((await app.inject({ method: 'POST', url: '/careless/throw', remoteAddress: '198.51.100.21', payload: body })).statusCode, 500);
  } finally {
    await app.close();
  }
  const lines = log()
    .split('\n')
    .filter((l) => l.includes('unexpected error'));
  assert.equal(lines.filter((l) => l.includes('"stack"')).length, STACKS_PER_ADDRESS_MINUTE + 1, 'full for the first few, and for another address');
  assert.equal(lines.filter((l) => l.includes('no stack logged')).length, 3);
  assert.ok(lines.filter((l) => l.includes('no stack logged')).every((l) => !l.includes('"stack"') && /"incident":"[0-9a-f-]{36}"/.test(l)));
});
