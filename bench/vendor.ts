// Vendor portal: the order list with 10,000 orders across 50 vendors (p50/p99), order views/s (each a disclosure), vs plain SQL.
//
// In one run, on one database (PGlite; with --database-url, a scratch database on that PostgreSQL
// server), the app built in process as `npm start` builds it:
//   seed          50 vendors with one product each; N orders (default 10,000), each paid, of one or
//                 two vendors' products (lines), each with its buyer as a kernel subject and the
//                 order's own copy of name, email, phone and address under `order:<id>` (written
//                 through the kernel, encrypted). The orders, lines and history rows are written by
//                 plain SQL in batches (the order module's own createOrder is one statement per
//                 order; the rows are the same). One vendor user per vendor, signed in over HTTP,
//                 the data-use terms accepted.
//   list          GET /vendor/orders?page=P as a random vendor's user, over app.inject (session,
//                 gate, count and page queries, the page rendered), P random within its pages,
//                 sometimes with a search by order number. Sequential: latency p50/p99.
//   list SQL      the same read by the orders module's `vendorOrders` alone, then by one plain SQL
//                 statement (count by window function, same joins, same page), in the same run.
//   views         GET /vendor/orders/:number, C at a time: each is a disclosure through the kernel
//                 (decrypting the buyer's four fields, an audit entry and a ledger row). Reported as
//                 disclosures written per second (counted in the ledger) and latency; the baseline
//                 is a plain SQL read of the same order's lines and the buyer's four encrypted rows.
// Options: --orders N (default 10000), --requests R (per measured read, default 400), --concurrency C
// (views, default 4), --database-url postgres://…, --statements (first lists every statement of one list
// page and one order view over HTTP, with its time).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { CREDENTIALS, EMAIL, hashPassword, insertUser, NAME } from '../src/accounts/index.ts';
import { FormClient } from '../src/accounts/testing.ts';
import { createProduct, createVendor } from '../src/commerce/catalogue/index.ts';
import { vendorOrders } from '../src/commerce/orders/index.ts';
import { modules, wiringOf } from '../src/modules.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase, type DatabaseHandle, type Db } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createScratchPostgres } from '../src/platform/testing/databases.ts';
import { disclosureCount, plainItemsRead } from '../src/privacy/bench-support.ts';
import { testActor } from '../src/privacy/testing.ts';
import { buildApp } from '../src/web/app.ts';
import { statementLog } from './support/statement-log.ts';
import { benchFlags } from './support/flags.ts';
import { percentile } from './support/stats.ts';

const usage = 'Usage: npm run bench -- vendor [--orders 10000] [--requests 400] [--concurrency 4] [--database-url postgres://…] [--statements]\n';
const VENDORS = 50;
const PER_PAGE = 25;
const PASSWORD = 'bench-vendor-58-signal-tide';
const SEED_ACTOR = testActor('bench.vendor-seed');

interface Seeded {
  vendors: { id: string; orders: string[] }[];
  clients: FormClient[];
}

async function seed(app: FastifyInstance, db: Db, orders: number): Promise<Seeded> {
  const vendors: { id: string; variant: string; product: string; orders: string[] }[] = [];
  for (let v = 0; v < VENDORS; v++) {
    const vendor = await createVendor(db, { slug: `bench-vendor-${v}`, name: `Bench Vendor ${v}` });
    const product = await createProduct(
      db,
      { vendor_id: vendor.id, slug: `bench-product-${v}`, name: `Bench Product ${v}`, kind: 'physical', variants: [{ sku: `BV-${v}`, price_minor: 1_000 + v, stock: 1_000_000 }] },
      { currency: 'USD' },
    );
    vendors.push({ id: vendor.id, variant: product.variants[0]!.id, product: product.id, orders: [] });
  }
  const kernel = app.privacy;
  const started = performance.now();
  const BATCH = 200;
  for (let from = 0; from < orders; from += BATCH) {
    const rows: { id: string; subject: string; first: number; second: number | null; at: Date }[] = [];
    await db.transaction().execute(async (trx) => {
      for (let i = from; i < Math.min(orders, from + BATCH); i++) {
        const id = randomUUID();
        const subject = await kernel.createSubject(trx, { kind: 'customer', actor: SEED_ACTOR, purpose: 'fulfillment' });
        await kernel.write(trx, {
          subject,
          actor: SEED_ACTOR,
          purpose: 'fulfillment',
          ref: `order:${id}`,
          values: {
            'user.name': `Bench Buyer ${i}`,
            'user.contact.email': `bench.buyer.${i}@example.test`,
            'user.contact.phone_number': `+1 212 555 ${String(i % 10_000).padStart(4, '0')}`,
            'user.contact.address': { line1: `${i} Bench Street`, line2: '', postal_code: '10001', city: 'Benchville', country: 'US' },
          },
        });
        const first = i % VENDORS;
        const second = i % 3 === 0 ? (first + 7) % VENDORS : null;
        rows.push({ id, subject, first, second, at: new Date(Date.UTC(2026, 0, 1) + i * 60_000) });
      }
      const values = (f: (r: (typeof rows)[number]) => ReturnType<typeof sql>) => sql.join(rows.map(f));
      await sql`insert into orders (id, number, customer_subject, customer_user_id, status, held_from, payment_method, fulfilment, currency, subtotal_minor, shipping_minor, tax_minor, total_minor, created_at, updated_at)
        values ${values((r) => {
          const total = 1_000 + r.first + (r.second === null ? 0 : 1_000 + r.second);
          return sql`(${r.id}, 'C-' || nextval('orders_number_seq')::text, ${r.subject}, null, 'paid', null, 'card', 'ship', 'USD', ${total}, 0, 0, ${total}, ${r.at}, ${r.at})`;
        })}`.execute(trx);
      const lines = rows.flatMap((r) => [{ order: r.id, position: 0, v: vendors[r.first]! }, ...(r.second === null ? [] : [{ order: r.id, position: 1, v: vendors[r.second]! }])]);
      await sql`insert into orders_lines (order_id, position, variant_id, product_id, vendor_id, sku, name, kind, quantity, unit_minor, total_minor)
        values ${sql.join(lines.map((l) => sql`(${l.order}, ${l.position}, ${l.v.variant}, ${l.v.product}, ${l.v.id}, 'BV', 'Bench Product', 'physical', 1, 1000, 1000)`))}`.execute(trx);
      await sql`insert into orders_transitions (id, order_id, from_status, to_status, at, actor_ref, reason, amount_minor)
        values ${values((r) => sql`(${randomUUID()}, ${r.id}, null, 'pending_payment', ${r.at}, 'system:bench', null, null), (${randomUUID()}, ${r.id}, 'pending_payment', 'paid', ${r.at}, 'system:bench', 'payment_received', null)`)}`.execute(
        trx,
      );
    });
    for (const r of rows) {
      vendors[r.first]!.orders.push(r.id);
      if (r.second !== null) vendors[r.second]!.orders.push(r.id);
    }
    if ((from / BATCH) % 10 === 0) process.stdout.write(`  seeded ${Math.min(orders, from + BATCH)} orders (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  await sql`analyze`.execute(db);
  const hash = await hashPassword(PASSWORD, app.accounts.deps.passwordCosts);
  const clients: FormClient[] = [];
  for (const [n, v] of vendors.entries()) {
    const email = `bench.vendor.${n}@example.test`;
    await db.transaction().execute(async (trx) => {
      const subject = await kernel.createSubject(trx, { kind: 'vendor-contact', actor: SEED_ACTOR, purpose: 'account' });
      await kernel.write(trx, { subject, actor: SEED_ACTOR, purpose: 'account', values: { [NAME]: `Bench Vendor User ${n}`, [EMAIL]: email, [CREDENTIALS]: hash } });
      await insertUser(trx, { kind: 'vendor', subjectId: subject, status: 'active', vendorId: v.id, now: new Date() });
    });
    const client = new FormClient(app, `10.0.${Math.floor(n / 200)}.${(n % 200) + 1}`);
    await client.get('/vendor/login');
    const signedIn = await client.post('/vendor/login', { email, password: PASSWORD });
    if (signedIn.statusCode !== 303) throw new Error(`vendor sign-in answered ${signedIn.statusCode}`);
    const terms = await client.get('/vendor/terms');
    const version = /name="version" value="(\d+)"/.exec(terms.body)?.[1] ?? '';
    if ((await client.post('/vendor/terms', { version, agree: 'yes' })).statusCode !== 303) throw new Error('accepting the terms failed');
    clients.push(client);
  }
  return { vendors: vendors.map((v) => ({ id: v.id, orders: v.orders })), clients };
}

/** A deterministic pseudo-random sequence, so runs read the same pages. */
function randoms(seedValue: number): () => number {
  let s = seedValue >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

async function timed(n: number, concurrency: number, run: (i: number) => Promise<void>): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await run(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - start };
}

async function benchOn(database: DatabaseHandle, orders: number, requests: number, concurrency: number, statements: boolean): Promise<number> {
  await migrate(
    database.db,
    modules.flatMap((m) => m.migrations),
  );
  const log = statementLog(database.db);
  if (statements) database = { ...database, db: log.db };
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-bench-vendor-'));
  const config = {
    ...loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', RUN_WORKER: 'false', DEMO_DATA: 'false', RATE_LIMIT_PER_MINUTE: '0', PUBLIC_URL: 'http://shop.bench' }),
    testPasswordCosts: { memory: 64, passes: 1, parallelism: 1 },
  };
  const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
  const app = await buildApp({ config, database, logger, modules, wiring: wiringOf(modules), staffApiToken: 'bench-staff-token-0123456789abcdef0123456789' });
  await app.ready();
  const { db } = database;
  try {
    process.stdout.write(`Seeding ${orders} orders across ${VENDORS} vendors on ${database.engine} …\n`);
    const { vendors, clients } = await seed(app, db, orders);
    const numbers = new Map((await sql<{ id: string; number: string }>`select id, number from orders`.execute(db)).rows.map((r) => [r.id, r.number]));
    const pick = randoms(42);
    const listRead = () => {
      const v = Math.floor(pick() * VENDORS);
      const pages = Math.max(1, Math.ceil(vendors[v]!.orders.length / PER_PAGE));
      const page = 1 + Math.floor(pick() * pages);
      const search = pick() < 0.1 ? numbers.get(vendors[v]!.orders[Math.floor(pick() * vendors[v]!.orders.length)]!)! : '';
      return { v, page, search };
    };
    const plainList = async (vendorId: string, page: number, search: string) =>
      sql`select o.id, o.number, o.status, o.created_at, o.currency, sum(l.quantity) as units, sum(l.total_minor) as vendor_minor, count(*) over () as total
          from orders o join orders_lines l on l.order_id = o.id
          where l.vendor_id = ${vendorId} and exists (select 1 from orders_transitions t where t.order_id = o.id and t.to_status = 'paid')
            ${search ? sql`and o.number like ${`${search}%`}` : sql``}
          group by o.id order by o.created_at desc, o.id desc limit ${PER_PAGE} offset ${(page - 1) * PER_PAGE}`.execute(db);

    // Warm up every path.
    for (let i = 0; i < 30; i++) {
      const r = listRead();
      await clients[r.v]!.get(`/vendor/orders?page=${r.page}`);
      await vendorOrders(db, vendors[r.v]!.id, { limit: PER_PAGE, offset: (r.page - 1) * PER_PAGE });
      await plainList(vendors[r.v]!.id, r.page, '');
    }
    if (statements) {
      const v = 0;
      const number = numbers.get(vendors[v]!.orders[0]!)!;
      for (const [label, path] of [
        ['GET /vendor/orders?page=2', '/vendor/orders?page=2'],
        [`GET /vendor/orders/${number}`, `/vendor/orders/${number}`],
      ] as const) {
        const t0 = performance.now();
        const texts = await log.record(async () => {
          await clients[v]!.get(path);
        });
        process.stdout.write(
          `\n${label}: ${texts.length} statements, ${(performance.now() - t0).toFixed(1)} ms\n${texts.map((t, n) => `  ${String(n + 1).padStart(3)}. ${t.ms.toFixed(2).padStart(6)} ms  ${t.text}`).join('\n')}\n`,
        );
      }
    }
    const reads = Array.from({ length: requests }, listRead);
    let failed = 0;
    const page = await timed(requests, 1, async (i) => {
      const r = reads[i]!;
      const res = await clients[r.v]!.get(`/vendor/orders?page=${r.page}${r.search ? `&number=${encodeURIComponent(r.search)}` : ''}`);
      if (res.statusCode !== 200) failed++;
    });
    const module = await timed(requests, 1, async (i) => {
      const r = reads[i]!;
      await vendorOrders(db, vendors[r.v]!.id, { number: r.search, limit: PER_PAGE, offset: (r.page - 1) * PER_PAGE });
    });
    const plain = await timed(requests, 1, async (i) => {
      const r = reads[i]!;
      await plainList(vendors[r.v]!.id, r.page, r.search);
    });

    // Order views: each a disclosure. Different orders each time, of the viewing vendor.
    const views = Array.from({ length: requests }, () => {
      const v = Math.floor(pick() * VENDORS);
      const id = vendors[v]!.orders[Math.floor(pick() * vendors[v]!.orders.length)]!;
      return { v, id, number: numbers.get(id)! };
    });
    const ledgerCount = () => disclosureCount(db, 'vendors');
    const before = await ledgerCount();
    const viewed = await timed(requests, concurrency, async (i) => {
      const r = views[i]!;
      const res = await clients[r.v]!.get(`/vendor/orders/${r.number}`);
      if (res.statusCode !== 200) failed++;
    });
    const disclosed = (await ledgerCount()) - before;
    const plainViews = await timed(requests, concurrency, async (i) => {
      const r = views[i]!;
      const { rows } = await sql<{
        customer_subject: string;
      }>`select o.*, l.* from orders o join orders_lines l on l.order_id = o.id where o.number = ${r.number} and l.vendor_id = ${vendors[r.v]!.id}`.execute(db);
      await plainItemsRead(db, rows[0]!.customer_subject, `order:${r.id}`);
    });

    const line = (label: string, x: { latencies: number[]; wallMs: number }) =>
      `  ${label.padEnd(52)} ${((x.latencies.length / x.wallMs) * 1000).toFixed(1).padStart(8)}/s   p50 ${percentile(x.latencies, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(x.latencies, 99).toFixed(2).padStart(7)} ms`;
    const sizes = vendors.map((v) => v.orders.length);
    process.stdout.write(
      `\nVendor portal benchmark on ${database.engine} (${availableParallelism()} CPUs, Node ${process.versions.node}); ${orders} orders, ${VENDORS} vendors (${Math.min(...sizes)}–${Math.max(...sizes)} orders each), ${requests} reads each\n`,
    );
    process.stdout.write('Order list, one at a time (a random vendor, a random page of 25, 1 in 10 searched by number):\n');
    process.stdout.write(`${line('GET /vendor/orders (HTTP in process, gate, render)', page)}\n`);
    process.stdout.write(`${line("orders module's vendorOrders (page, window count)", module)}\n`);
    process.stdout.write(`${line('plain SQL (one statement, window count)', plain)}\n`);
    process.stdout.write(`Order views, ${concurrency} at a time (each a disclosure of name, address, phone, email):\n`);
    process.stdout.write(`${line('GET /vendor/orders/:number (kernel disclose, ledger)', viewed)}\n`);
    process.stdout.write(`${line('plain SQL (order, lines, encrypted items read)', plainViews)}\n`);
    process.stdout.write(`  disclosures written: ${disclosed} in ${(viewed.wallMs / 1000).toFixed(1)} s = ${((disclosed / viewed.wallMs) * 1000).toFixed(1)}/s\n`);
    if (failed > 0 || disclosed !== requests) {
      process.stderr.write(`\n${failed} requests did not answer 200, ${disclosed} of ${requests} views were ledgered.\n`);
      return 1;
    }
    return 0;
  } finally {
    await app.close();
  }
}

export async function main(args: string[]): Promise<number> {
  const flags = benchFlags(
    args,
    {
      orders: { type: 'string' },
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      statements: { type: 'boolean' },
    },
    usage,
  );
  if (typeof flags === 'number') return flags;
  const orders = Number(flags.orders ?? 10_000);
  const requests = Number(flags.requests ?? 400);
  const concurrency = Number(flags.concurrency ?? 4);
  if (![orders, requests, concurrency].every((n) => Number.isInteger(n) && n >= 1) || orders < VENDORS || concurrency > 64) {
    process.stderr.write(`--orders at least ${VENDORS}, --requests at least 1, --concurrency 1 to 64\n${usage}`);
    return 2;
  }
  const url = flags['database-url'];
  if (url) {
    process.env.DATABASE_URL = url;
    const scratch = await createScratchPostgres();
    const database = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: Math.max(2, concurrency + 2) });
    try {
      return await benchOn(database, orders, requests, concurrency, flags.statements === true);
    } finally {
      await database.close();
      await scratch.drop();
    }
  }
  const database = await openDatabase({ databaseUrl: null, pgliteDir: null });
  try {
    return await benchOn(database, orders, requests, concurrency, flags.statements === true);
  } finally {
    await database.close();
  }
}
