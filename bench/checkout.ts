// Checkout: complete checkouts/s (cart → paid order) under concurrency vs the same writes as plain SQL.
//
// One checkout is what a guest's purchase does, called as the routes call it, minus HTTP: a cart
// with two lines; then, in one transaction under an idempotency key, pricing, the pending account
// (kernel subject, encrypted name/email/age, set-password mail queued), the order's encrypted
// items under `order:<id>`, stock reserved, the order and its history row, the payment row, the
// disclosure to the processor (ledgered) and the processor session; then, in a second
// transaction, the settlement: the processor asked, token/last4 stored through the kernel, the
// order paid (status mail queued), the cart cleared. The processor is an in-process fake (no
// network), so what is measured is the store's own work: encryption, audit, ledger, outbox, jobs.
// The baseline writes the same rows (same counts, same three transactions) into ordinary tables,
// personal values in plain text, without checks, encryption or audit. Both run in the same
// process on the same database, in alternating rounds, each with C concurrent buyers.
// Options: --checkouts N (per variant, default 400), --concurrency C (default 8),
// --database-url postgres://… (a scratch database on that server; default: the embedded PGlite),
// --statements (first lists every statement of one checkout of each kind).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { createCategory, createProduct, createVendor } from '../src/commerce/catalogue/index.ts';
import { addToCartOfToken } from '../src/commerce/cart/index.ts';
import { placeOrder, type CheckoutDeps, checkoutSettings, realPorts } from '../src/commerce/checkout/index.ts';
import { makePaymentsModule, type PaymentProcessor, processorSet } from '../src/commerce/payments/index.ts';
import { modules, wiringOf } from '../src/modules.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase, type DatabaseHandle, type Db } from '../src/platform/db/database.ts';
import { migrate, runSql } from '../src/platform/db/migrate.ts';
import { fingerprint, withIdempotency } from '../src/platform/idempotency/index.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createScratchPostgres } from '../src/platform/testing/databases.ts';
import { buildApp } from '../src/web/app.ts';
import { cpuMeter } from './support/cpu.ts';
import { statementLog } from './support/statement-log.ts';
import { benchFlags } from './support/flags.ts';
import { median, percentile } from './support/stats.ts';

const usage = 'Usage: npm run bench -- checkout [--checkouts 400] [--concurrency 8] [--database-url postgres://…] [--statements]\n';
const ROUNDS = 4;

/** The processor, in process: every session is paid at once. */
export function fakeProcessor(): PaymentProcessor {
  const sessions = new Map<string, { amountMinor: number; currency: string }>();
  return {
    id: 'sandbox',
    async start(r) {
      const processorRef = `pay_${randomUUID()}`;
      sessions.set(processorRef, { amountMinor: r.amountMinor, currency: r.currency });
      // The real processor sends the buyer back to the return URL, which names the payment; so does this one.
      return { processorRef, redirectUrl: `https://processor.invalid/pay/${processorRef}?return=${encodeURIComponent(r.returnUrl)}` };
    },
    async retrieve(ref) {
      const s = sessions.get(ref)!;
      return { processorRef: ref, status: 'succeeded', amountMinor: s.amountMinor, currency: s.currency, token: `tok_${randomUUID()}`, last4: '4242', brand: 'visa' };
    },
    async cancel() {},
    async refund(ref, amountMinor) {
      return { processorRef: ref, status: 'refunded', amountMinor, currency: 'USD' };
    },
    async forget() {},
    async chargeSaved() {
      throw new Error('no off-session charges in this benchmark');
    },
    parseWebhook() {
      throw new Error('no webhooks in the benchmark');
    },
  };
}

const PLAIN_SCHEMA = `
create table bench_carts (id uuid primary key, token_hash bytea not null, expires_at timestamptz not null);
create table bench_cart_lines (cart_id uuid not null references bench_carts (id) on delete cascade, variant_id uuid not null, quantity int not null, primary key (cart_id, variant_id));
create table bench_keys (scope text not null, key_digest bytea not null, request_hash bytea not null, status int not null, body jsonb not null, expires_at timestamptz not null, primary key (scope, key_digest));
create table bench_people (id uuid primary key, kind text not null, created_at timestamptz not null default now());
create table bench_values (person_id uuid not null references bench_people (id), category text not null, ref text not null, value text not null, primary key (person_id, category, ref));
create table bench_users (id uuid primary key, person_id uuid not null references bench_people (id), status text not null, email text not null unique);
create table bench_stock (variant_id uuid primary key, stock int);
create table bench_orders (id uuid primary key, person_id uuid not null, status text not null, total_minor int not null, currency text not null, created_at timestamptz not null default now());
create table bench_order_lines (order_id uuid not null references bench_orders (id), position int not null, variant_id uuid not null, quantity int not null, unit_minor int not null, primary key (order_id, position));
create table bench_history (id bigserial primary key, order_id uuid not null references bench_orders (id), status text not null, at timestamptz not null default now());
create table bench_payments (id uuid primary key, order_id uuid not null, status text not null, processor_ref text, amount_minor int not null);
create table bench_outbox (id uuid primary key, person_id uuid not null, template text not null, params jsonb not null);
create table bench_jobs (id bigserial primary key, name text not null, payload jsonb not null);
create table bench_tokens (token_hash bytea primary key, user_id uuid not null references bench_users (id), expires_at timestamptz not null);
create table bench_networks (user_id uuid not null references bench_users (id), network bytea not null, primary key (user_id, network));
create table bench_attempts (order_id uuid primary key references bench_orders (id), cart_id uuid not null, payment_id uuid not null, state text not null)`;

export interface Shop {
  variants: string[];
}

export async function makeShop(db: Db): Promise<Shop> {
  const vendor = await createVendor(db, { slug: 'bench', name: 'Bench Vendor' });
  const category = await createCategory(db, { slug: 'bench', name: 'Bench' });
  const base = { vendor_id: vendor.id, category_id: category.id };
  const router = await createProduct(
    db,
    { ...base, slug: 'bench-router', name: 'Bench Router', kind: 'physical', variants: [{ sku: 'B-RTR', price_minor: 12_900, stock: 1_000_000 }] },
    { currency: 'USD' },
  );
  const licence = await createProduct(db, { ...base, slug: 'bench-licence', name: 'Bench Licence', kind: 'digital', variants: [{ sku: 'B-LIC', price_minor: 4_999 }] }, { currency: 'USD' });
  return { variants: [router.variants[0]!.id, licence.variants[0]!.id] };
}

/**
 * Each buyer from their own network, as a shop's buyers are: from one address, every checkout past
 * the 20th in a quarter hour would have its set-password mail refused by the mail throttle (one
 * refusal event instead of the mail), a path a real shop rarely takes.
 */
const buyerAddress = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

const body = (i: number) => ({
  method: 'card',
  name: `Bench Buyer ${i}`,
  email: `bench.buyer.${i}.${randomUUID().slice(0, 8)}@example.test`,
  age: 'adult',
  ship_line1: `${i} Bench Street`,
  ship_line2: '',
  ship_postal_code: '10001',
  ship_city: 'Benchville',
  ship_country: 'US',
});

/** One checkout through the real modules. */
export async function realCheckout(app: FastifyInstance, deps: CheckoutDeps, shop: Shop, i: number): Promise<void> {
  const db = app.db;
  // The adds as the cart's routes make them: the first makes the cart, the next finds it by its cookie token.
  const cart = await db.transaction().execute(async (trx) => {
    let token: string | undefined;
    let cartId = '';
    for (const v of shop.variants) {
      const added = await addToCartOfToken(trx, token, { variant_id: v, quantity: '1' }, new Date());
      token ??= added.newToken;
      cartId = added.cartId;
    }
    return { cartId };
  });
  const key = randomUUID();
  const b = body(i);
  const lines = shop.variants.map((variantId) => ({ variantId, quantity: 1 }));
  const { result } = await withIdempotency(db, { scope: 'checkout', key, owner: `cart:${cart.cartId}`, requestHash: fingerprint(key, { body: b, customer: null }) }, (trx) =>
    placeOrder(deps, trx, { cart: { cartId: cart.cartId, lines }, body: b, customer: null, ip: buyerAddress(i), idempotencyKey: key }),
  );
  if (result.status !== 303) throw new Error(`checkout answered ${result.status}`);
  const paymentId = new URL(new URL((result.body as { location: string }).location).searchParams.get('return')!).pathname.split('/').pop()!;
  const settled = await db.transaction().execute((trx) => app.payments.settlePayment(trx, paymentId));
  if (settled.status !== 'succeeded') throw new Error('not paid');
}

/**
 * The same rows as plain SQL: the same three transactions (cart, checkout, settlement), the same
 * business rows (account, its token and network, order, lines, history, payment, attempt, outbox,
 * job, idempotency record), the personal values as plain rows; no checks, crypto, audit or ledger.
 */
async function plainCheckout(db: Db, shop: Shop, i: number): Promise<void> {
  const cartId = randomUUID();
  await db.transaction().execute(async (trx) => {
    await sql`insert into bench_carts values (${cartId}, ${Buffer.alloc(32, 1)}, now() + interval '30 days')`.execute(trx);
    for (const v of shop.variants) await sql`insert into bench_cart_lines values (${cartId}, ${v}, 1)`.execute(trx);
  });
  const b = body(i);
  const [person, order, payment] = [randomUUID(), randomUUID(), randomUUID()];
  await db.transaction().execute(async (trx) => {
    const keyDigest = Buffer.from(randomUUID());
    await sql`insert into bench_keys values ('checkout', ${keyDigest}, ${Buffer.alloc(32, 2)}, 102, '{}', now() + interval '1 day')`.execute(trx);
    await sql`insert into bench_people (id, kind) values (${person}, 'customer')`.execute(trx);
    await sql`insert into bench_values values (${person}, 'user.name', '', ${b.name}), (${person}, 'user.contact.email', '', ${b.email}), (${person}, 'user.demographic.age_range', '', ${b.age})`.execute(
      trx,
    );
    const user = randomUUID();
    await sql`insert into bench_users values (${user}, ${person}, 'pending', ${b.email})`.execute(trx);
    await sql`insert into bench_networks values (${user}, ${Buffer.alloc(32, 3)})`.execute(trx);
    await sql`insert into bench_tokens values (${Buffer.from(randomUUID())}, ${user}, now() + interval '7 days')`.execute(trx);
    await sql`insert into bench_outbox values (${randomUUID()}, ${person}, 'accounts.checkout-account', '{}')`.execute(trx);
    await sql`insert into bench_jobs (name, payload) values ('comms.send', '{}')`.execute(trx);
    await sql`insert into bench_values values (${person}, 'user.name', ${`order:${order}`}, ${b.name}), (${person}, 'user.contact.email', ${`order:${order}`}, ${b.email}), (${person}, 'user.contact.address', ${`order:${order}`}, ${b.ship_line1})`.execute(
      trx,
    );
    await sql`insert into bench_values values (${person}, 'user.demographic.age_range', ${`order:${order}:age`}, ${b.age})`.execute(trx);
    // Locked in id order, as the real reservation does (any other order deadlocks under concurrency), checked and taken in one statement.
    await sql`with locked as (select variant_id, stock from bench_stock where variant_id = any(${shop.variants}::uuid[]) order by variant_id for update)
      update bench_stock s set stock = s.stock - 1 from locked l where s.variant_id = l.variant_id and l.stock is not null and l.stock >= 1 returning s.variant_id`.execute(trx);
    await sql`insert into bench_orders (id, person_id, status, total_minor, currency) values (${order}, ${person}, 'pending_payment', 18399, 'USD')`.execute(trx);
    await sql`insert into bench_order_lines values (${order}, 0, ${shop.variants[0]!}, 1, 12900), (${order}, 1, ${shop.variants[1]!}, 1, 4999)`.execute(trx);
    await sql`insert into bench_history (order_id, status) values (${order}, 'pending_payment')`.execute(trx);
    await sql`insert into bench_payments values (${payment}, ${order}, 'open', ${`pay_${payment}`}, 18399)`.execute(trx);
    await sql`insert into bench_attempts values (${order}, ${cartId}, ${payment}, 'awaiting_payment')`.execute(trx);
    await sql`update bench_keys set status = 303 where scope = 'checkout' and key_digest = ${keyDigest}`.execute(trx);
  });
  await db.transaction().execute(async (trx) => {
    await sql`select * from bench_payments where id = ${payment} for update`.execute(trx);
    await sql`update bench_payments set status = 'succeeded' where id = ${payment}`.execute(trx);
    await sql`insert into bench_values values (${person}, 'user.payment', ${`order:${order}`}, 'tok_x 4242')`.execute(trx);
    await sql`update bench_orders set status = 'paid' where id = ${order}`.execute(trx);
    await sql`insert into bench_history (order_id, status) values (${order}, 'paid')`.execute(trx);
    await sql`insert into bench_outbox values (${randomUUID()}, ${person}, 'orders.status', '{}')`.execute(trx);
    await sql`insert into bench_jobs (name, payload) values ('comms.send', '{}')`.execute(trx);
    await sql`update bench_attempts set state = 'paid' where order_id = ${order}`.execute(trx);
    await sql`delete from bench_cart_lines where cart_id = ${cartId}`.execute(trx);
  });
}

/** Runs `n` checkouts with `c` at a time; returns each one's latency (ms) and the wall time. */
async function load(n: number, c: number, one: (i: number) => Promise<void>, offset: number): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await one(offset + i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - start };
}

async function benchOn(database: DatabaseHandle, checkouts: number, concurrency: number, statements: boolean): Promise<void> {
  await migrate(
    database.db,
    modules.flatMap((m) => m.migrations),
  );
  const log = statementLog(database.db);
  if (statements) database = { ...database, db: log.db };
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-bench-checkout-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', RUN_WORKER: 'false', DEMO_DATA: 'false', RATE_LIMIT_PER_MINUTE: '0', PUBLIC_URL: 'http://shop.bench' });
  const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
  const processor = fakeProcessor();
  const benchModules = modules.map((m) => (m.name === 'payments' ? makePaymentsModule({ processors: () => processorSet(processor) }) : m));
  const app = await buildApp({ config, database, logger, modules: benchModules, wiring: wiringOf(benchModules), staffApiToken: 'bench-staff-token-0123456789abcdef0123456789' });
  await app.ready();
  try {
    const deps: CheckoutDeps = { ports: realPorts(app), kernel: app.privacy, settings: checkoutSettings(config) };
    const shop = await makeShop(database.db);
    await runSql(database.db, PLAIN_SCHEMA);
    // As in the shop: the router's stock is tracked, the licence's is not (null).
    for (const [n, v] of shop.variants.entries()) await sql`insert into bench_stock values (${v}, ${n === 0 ? 1_000_000 : null})`.execute(database.db);

    // Warm up both paths (plans, prepared statements, key cache) on checkouts that are not measured.
    await load(20, concurrency, (i) => realCheckout(app, deps, shop, i), 1_000_000);
    await load(20, concurrency, (i) => plainCheckout(database.db, shop, i), 1_000_000);
    if (statements) {
      // Checkouts of each kind, one at a time, every statement listed with its median time over 7 runs (BEGIN/COMMIT not included).
      for (const [label, run] of [
        ['checkout', (n: number) => realCheckout(app, deps, shop, 2_000_000 + n)],
        ['plain SQL', (n: number) => plainCheckout(database.db, shop, 2_000_000 + n)],
      ] as const) {
        const runs: { total: number; texts: { text: string; ms: number }[] }[] = [];
        for (let n = 0; n < 7; n++) {
          const t0 = performance.now();
          const texts = await log.record(() => run(n));
          runs.push({ total: performance.now() - t0, texts });
        }
        const texts = runs[0]!.texts.map((t, i) => ({ text: t.text, ms: median(runs.map((r) => r.texts[i]?.ms ?? 0)) }));
        const inStatements = median(runs.map((r) => r.texts.reduce((sum, t) => sum + t.ms, 0)));
        process.stdout.write(
          `\n${label}: ${texts.length} statements (+ BEGIN/COMMIT of each transaction); median ${median(runs.map((r) => r.total)).toFixed(1)} ms, of which ${inStatements.toFixed(1)} ms waiting for statements\n${texts.map((t, n) => `  ${String(n + 1).padStart(3)}. ${t.ms.toFixed(2).padStart(6)} ms  ${t.text}`).join('\n')}\n`,
        );
      }
    }
    const per = Math.ceil(checkouts / ROUNDS);
    const real = { latencies: [] as number[], wallMs: 0, selfMs: 0, postgresMs: 0 as number | null };
    const plain = { latencies: [] as number[], wallMs: 0, selfMs: 0, postgresMs: 0 as number | null };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['real', 'plain'] as const) : (['plain', 'real'] as const);
      for (const which of order) {
        const spent = cpuMeter();
        const r =
          which === 'real' ? await load(per, concurrency, (i) => realCheckout(app, deps, shop, i), round * per) : await load(per, concurrency, (i) => plainCheckout(database.db, shop, i), round * per);
        const cpu = spent();
        const into = which === 'real' ? real : plain;
        into.latencies.push(...r.latencies);
        into.wallMs += r.wallMs;
        into.selfMs += cpu.selfMs;
        into.postgresMs = into.postgresMs === null || cpu.postgresMs === null ? null : into.postgresMs + cpu.postgresMs;
      }
    }
    const rate = (x: typeof real) => (x.latencies.length / x.wallMs) * 1000;
    const line = (label: string, x: typeof real) =>
      `  ${label.padEnd(44)} ${rate(x).toFixed(1).padStart(8)}/s   p50 ${percentile(x.latencies, 50).toFixed(1).padStart(7)} ms   p99 ${percentile(x.latencies, 99).toFixed(1).padStart(7)} ms`;
    process.stdout.write(
      `\nCheckout benchmark on ${database.engine} (${availableParallelism()} CPUs, Node ${process.versions.node}); ${real.latencies.length} checkouts per variant, ${concurrency} at a time, ${ROUNDS} alternating rounds\n`,
    );
    process.stdout.write(`${line('plain SQL (same rows, same 3 transactions)', plain)}\n`);
    process.stdout.write(`${line('checkout (kernel, audit, ledger, outbox)', real)}\n`);
    process.stdout.write(`  checkout / plain: ${Math.round((rate(real) / rate(plain)) * 100)}%   (aim: at least 50%)\n`);
    // Where a checkout's time goes: this process (the shop's code; PGlite too when embedded) and the local PostgreSQL's processes.
    const perCheckout = (x: typeof real) =>
      `this process ${(x.selfMs / x.latencies.length).toFixed(2)} ms${x.postgresMs === null ? '' : `, PostgreSQL ${(x.postgresMs / x.latencies.length).toFixed(2)} ms`}`;
    process.stdout.write(`  CPU per checkout: plain ${perCheckout(plain)}; checkout ${perCheckout(real)}\n`);
  } finally {
    await app.close();
  }
}

export async function main(args: string[]): Promise<number> {
  const flags = benchFlags(args, { statements: { type: 'boolean' }, checkouts: { type: 'string' }, concurrency: { type: 'string' } }, usage);
  if (typeof flags === 'number') return flags;
  const checkouts = Number(flags.checkouts ?? 400);
  const concurrency = Number(flags.concurrency ?? 8);
  if (!Number.isInteger(checkouts) || checkouts < ROUNDS || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    process.stderr.write(`--checkouts must be a whole number of at least ${ROUNDS}; --concurrency 1 to 256\n${usage}`);
    return 2;
  }
  const url = flags['database-url'];
  if (url) {
    process.env.DATABASE_URL = url;
    const scratch = await createScratchPostgres();
    const database = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: Math.max(2, concurrency + 2) });
    try {
      await benchOn(database, checkouts, concurrency, flags.statements === true);
    } finally {
      await database.close();
      await scratch.drop();
    }
  } else {
    const database = await openDatabase({ databaseUrl: null, pgliteDir: null });
    try {
      await benchOn(database, checkouts, concurrency, flags.statements === true);
    } finally {
      await database.close();
    }
  }
  return 0;
}
