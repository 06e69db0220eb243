// A local stand-in for api.stripe.com that plays recorded request/response fixtures
// (fixtures/stripe/*.json) in order, and checks that each request the adapter sends is the one
// recorded: method, path, query, form fields, Idempotency-Key, key and API version.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { isDeepStrictEqual } from 'node:util';

export interface Fixture {
  request?: { method: string; path: string; query?: Record<string, string[]>; form?: Record<string, string>; idempotencyKey?: string };
  response: { status: number; body: unknown };
}

export function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`./fixtures/stripe/${name}.json`, import.meta.url), 'utf8')) as Fixture;
}

export async function fakeStripe(secretKey: string, apiVersion: string) {
  const queue: Fixture[] = [];
  const problems: string[] = [];
  let served = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const next = queue.shift();
      served++;
      const url = new URL(req.url ?? '/', 'http://fake');
      const where = `request ${served} (${req.method} ${url.pathname})`;
      if (!next) {
        problems.push(`${where}: no fixture left`);
        res.statusCode = 500;
        return res.end('{}');
      }
      if (req.headers.authorization !== `Bearer ${secretKey}`) problems.push(`${where}: wrong or missing secret key`);
      if (req.headers['stripe-version'] !== apiVersion) problems.push(`${where}: Stripe-Version ${String(req.headers['stripe-version'])}`);
      const expected = next.request;
      if (expected) {
        if (req.method !== expected.method || url.pathname !== expected.path) problems.push(`${where}: expected ${expected.method} ${expected.path}`);
        if (expected.query) {
          const query: Record<string, string[]> = {};
          for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key);
          if (!isDeepStrictEqual(query, expected.query)) problems.push(`${where}: query ${JSON.stringify(query)} is not ${JSON.stringify(expected.query)}`);
        }
        if (expected.form) {
          if (req.method === 'POST' && req.headers['content-type'] !== 'application/x-www-form-urlencoded') problems.push(`${where}: not form-encoded`);
          const form = Object.fromEntries(new URLSearchParams(body));
          if (!isDeepStrictEqual(form, expected.form)) problems.push(`${where}: form ${JSON.stringify(form)} is not ${JSON.stringify(expected.form)}`);
        }
        const key = req.headers['idempotency-key'];
        if (expected.idempotencyKey !== undefined ? key !== expected.idempotencyKey : key !== undefined) problems.push(`${where}: Idempotency-Key ${String(key)}`);
      }
      res.statusCode = next.response.status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(next.response.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    /** Queues fixtures to answer the next requests, in order. */
    play(...fixtures: Fixture[]) {
      queue.push(...fixtures);
    },
    /** Every mismatch so far, and fixtures left unplayed. */
    problems: () => [...problems, ...queue.map((f) => `fixture not requested: ${f.request?.method} ${f.request?.path}`)],
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
