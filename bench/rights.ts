// Rights: a person's export and erasure with 1, 100 and 1,000 orders, vs plain SQL over the same rows.
//
// In one run, on one database (PGlite; with --database-url, then a scratch database on that
// PostgreSQL server), for each size, on fresh people (every person is measured once):
//   export        buildExport for the person, as the person (selfActor), in one transaction as the
//                 download does: every holder's export, the kernel's items decrypted, consents,
//                 disclosures, notices and the access log (each kernel read writes its audit
//                 entry). The JSON text of the download is timed apart.
//   erasure       the database part of a deletion: every holder's `erase` in one transaction, in
//                 holdersInErasureOrder (the kernel's crypto-shred last), which is the step of
//                 continueDeletion after the receipt (the request's own bookkeeping left out).
//                 Not measured: the processor's `forget` (network), the notices and the receipt
//                 mail (prepare), the wait for queued mail (busy). beginDeletion (suspend) runs
//                 first, untimed, as it does in a real deletion. The shred is also shown alone.
// Two baselines, on the same people, in the same run:
//   plain read    the rows the export reads, by plain SELECTs: orders, lines, history, payments,
//                 mail, account, saved lists, requests, the kernel's items (ciphertext, not
//                 decrypted), consents, disclosures, notices, audit entries. No decryption, no
//                 audit entry written, nothing mapped to records. Run before or after the export,
//                 alternately (the first reader warms the cache for the second).
//   plain change  the rows the erasure changes, by plain SQL: orders and payments unlinked, mail
//                 rows, saved lists and the account deleted, the key row deleted, the subject
//                 marked; in a transaction rolled back (no commit, no spool files, no keyring).
// A person is made as a shop holds one: signed up and confirmed through the accounts module (name,
// email, password hash and age through the kernel, a session), a saved basket, the sign-up mail
// sent; then N orders, each as a card purchase that was paid, prepared and shipped leaves it:
// the order's kernel items under `order:<id>` (name, email, phone, address; age; business phone;
// user.payment; the shipment), its 2 lines and 4 history rows, the payment, the checkout attempt,
// the disclosures to the payment processor and to the carrier, 3 status mails sent (outbox rows;
// with --spool their .eml files), and the audit entries all of that writes (writes, disclosures,
// and the reads of the mail sender). The kernel items, disclosures, orders and their first
// history row are made by the modules' own functions; the rest of each order by one SQL
// statement, and the mail sender's audit entries by the kernel's own appender. Before measuring,
// one person buys once through the real modules (cart, checkout, settlement, staff transitions,
// mail sent) and one gets 1 generated order: the run stops unless both hold the same rows (the
// shape check). Not made: the send jobs' rows and the idempotency records (no holder reads them).
// Before each timed call: a full garbage collection and a checkpoint (see `quiet`). The sizes run
// in rotated order in each round, after one unmeasured person (warm-up).
// Options: --runs R (people per size, default 3), --sizes 1,100,1000, --spool (mail written to
// .eml files, as without SMTP_URL; default: sent to an in-process SMTP server),
// --database-url postgres://… (PGlite first, then a scratch database on that server).
// Exit code 1 when a bound of the issue is missed: export under 1 s at 1,000 orders, export
// 1,000/100 at most 12x (linear, plus slack), erasure 1,000/1 below 3x (flat); the shred alone is
// held to the same 3x.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql, type RawBuilder } from 'kysely';
import { confirmSignUp, prepareSignUp, signUp } from '../src/accounts/index.ts';
import { createCategory, createProduct, createVendor } from '../src/commerce/catalogue/index.ts';
import { SavedLists, addToCart, createCart } from '../src/commerce/cart/index.ts';
import { CHECKOUT_ACTOR, personalItems, placeOrder, type CheckoutDeps, readCheckoutInput, checkoutSettings, realPorts } from '../src/commerce/checkout/index.ts';
import { createOrder, orderRef, ordersDeps, transitionOrder, type OrdersDeps, type PricedCart, actorRefOf, SHIPMENT_CATEGORY } from '../src/commerce/orders/index.ts';
import { testActor, appendAudit, type AuditEntry, subjectStatus } from '../src/privacy/testing.ts';
// The benchmark's stand-in for the staff member who ships (no person, no declared job).
const API_TOKEN_ACTOR = testActor('bench.shipping');
import { PROCESSOR_RECIPIENT, makePaymentsModule, PAYMENTS_ACTOR, type PaymentProcessor, processorSet } from '../src/commerce/payments/index.ts';
import { sealContext, sendQueuedMail, SEND_ACTOR, spoolDir } from '../src/comms/index.ts';
import { startSmtpSink, type SmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { modules, wiringOf } from '../src/modules.ts';
import { loadConfig, type Config } from '../src/platform/config.ts';
import { openDatabase, type DatabaseHandle, type Db } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createLogger, type Logger } from '../src/platform/logger.ts';
import { createScratchPostgres } from '../src/platform/testing/databases.ts';
import { selfActor, holdersOf, type NamedHolder, type PrivacyKernel } from '../src/privacy/index.ts';
import { beginDeletion, ERASE_ACTOR, buildExport, holderContext, holdersInErasureOrder, type RightsDeps } from '../src/rights/index.ts';
import { buildApp } from '../src/web/app.ts';
import type { FastifyInstance } from 'fastify';
import { median } from './support/stats.ts';
import { benchFlags } from './support/flags.ts';
import { kernelShapeOf, plainKernelErase, plainKernelRead } from '../src/privacy/bench-support.ts';

// Before each timed call: a full garbage collection, so the garbage of one (the export makes
// megabytes) is not collected during the next; and a checkpoint, so none falls inside it (PGlite
// runs its checkpoint inline, in whichever commit crosses the WAL limit: 100-200 ms at random).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
async function quiet(db: Db): Promise<void> {
  collectGarbage();
  await sql`checkpoint`.execute(db);
}

const usage = 'Usage: npm run bench -- rights [--runs 3] [--sizes 1,100,1000] [--spool] [--database-url postgres://…]\n';
const PASSWORD = 'lantern-orchid-58-quarry';
/** Orders made per transaction while generating a person (setup, not measured). */
const BATCH = 50;
const BOUNDS = { exportMs: 1000, exportRatio: 12, eraseRatio: 3 };

/** The processor, in process: every session is paid at once (as in the checkout benchmark). */
function fakeProcessor(): PaymentProcessor {
  const sessions = new Map<string, { amountMinor: number; currency: string }>();
  return {
    id: 'sandbox',
    async start(r) {
      const processorRef = `pay_${randomUUID()}`;
      sessions.set(processorRef, { amountMinor: r.amountMinor, currency: r.currency });
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

/** Where the time of the measured call went: ms per holder (`holder:<module>`) and per kernel method (`kernel.<name>`). */
type Spent = Map<string, number>;

interface Shop {
  app: FastifyInstance;
  db: Db;
  config: Config;
  logger: Logger;
  kernel: PrivacyKernel;
  rights: RightsDeps;
  checkout: CheckoutDeps;
  orders: OrdersDeps;
  variants: string[];
  priced: PricedCart;
  hash: string;
  processorId: string;
  /** Mail goes to an SMTP server (null: spooled as .eml files under DATA_DIR/mail). */
  sink: SmtpSink | null;
  /** Filled while a measured call runs. */
  spent: Spent | null;
}

interface Person {
  subject: string;
  userId: string;
  name: string;
  email: string;
}

const add = (spent: Spent | null, key: string, ms: number) => spent?.set(key, (spent.get(key) ?? 0) + ms);

/** The holders, each export and erase timed into shop.spent (calls pass straight through). */
function timedHolders(shop: () => Shop, holders: readonly NamedHolder[]): NamedHolder[] {
  return holders.map((h) => {
    const timed = <A extends unknown[], R>(fn: ((...args: A) => Promise<R>) | undefined) =>
      fn &&
      (async (...args: A): Promise<R> => {
        const t0 = performance.now();
        try {
          return await fn.apply(h, args);
        } finally {
          add(shop().spent, `holder:${h.module}`, performance.now() - t0);
        }
      });
    return { ...h, export: timed(h.export), erase: timed(h.erase) };
  });
}

/** The kernel, each method call timed into shop.spent. */
function timedKernel(shop: () => Shop, kernel: PrivacyKernel): PrivacyKernel {
  return new Proxy(kernel, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return async (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          add(shop().spent, `kernel.${key}`, performance.now() - t0);
        }
      };
    },
  });
}

async function openShop(database: DatabaseHandle, spool: boolean): Promise<Shop> {
  await migrate(
    database.db,
    modules.flatMap((m) => m.migrations),
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-bench-rights-'));
  const sink = spool ? null : await startSmtpSink();
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    RUN_WORKER: 'false',
    DEMO_DATA: 'false',
    RATE_LIMIT_PER_MINUTE: '0',
    PUBLIC_URL: 'http://shop.bench',
    CHECKOUT_REQUIRE_PHONES: 'true',
    ...(sink ? { SMTP_URL: sink.url } : {}),
  });
  const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
  const processor = fakeProcessor();
  const benchModules = modules.map((m) => (m.name === 'payments' ? makePaymentsModule({ processors: () => processorSet(processor) }) : m));
  const app = await buildApp({ config, database, logger, modules: benchModules, wiring: wiringOf(benchModules), staffApiToken: 'bench-staff-token-0123456789abcdef0123456789' });
  await app.ready();
  const db = database.db;
  const vendor = await createVendor(db, { slug: 'bench', name: 'Bench Vendor' });
  const category = await createCategory(db, { slug: 'bench', name: 'Bench' });
  const base = { vendor_id: vendor.id, category_id: category.id };
  const router = await createProduct(
    db,
    { ...base, slug: 'bench-router', name: 'Bench Router', kind: 'physical', variants: [{ sku: 'B-RTR', price_minor: 12_900, stock: 10_000_000 }] },
    { currency: 'USD' },
  );
  const licence = await createProduct(db, { ...base, slug: 'bench-licence', name: 'Bench Licence', kind: 'digital', variants: [{ sku: 'B-LIC', price_minor: 4_999 }] }, { currency: 'USD' });
  const variants = [router.variants[0]!.id, licence.variants[0]!.id];
  const ports = realPorts(app);
  const priced = await ports.priceLines(
    db,
    variants.map((variantId) => ({ variantId, quantity: 1 })),
    { shipTo: true },
  );
  const { hash } = await prepareSignUp({ name: 'Bench Person', email: 'bench.person@example.test', password: PASSWORD, age: 'adult' });
  const holders = holdersOf(benchModules);
  let shop: Shop;
  const kernel = timedKernel(() => shop, app.privacy);
  const timed = timedHolders(() => shop, holders);
  shop = {
    app,
    db,
    config,
    logger,
    kernel: app.privacy,
    hash,
    variants,
    priced,
    processorId: processor.id,
    sink,
    spent: null,
    rights: { kernel, config, holders: () => timed, now: () => new Date(), log: logger, wiring: app.wiring },
    checkout: { ports, kernel: app.privacy, settings: checkoutSettings(config) },
    orders: ordersDeps(app),
  };
  return shop;
}

/** Sends the person's queued mail with the real send job (to the SMTP server, or the spool). */
async function sendMail(shop: Shop, subject: string): Promise<void> {
  const { rows } = await sql<{ id: string }>`select id from comms_outbox where subject_id = ${subject}::uuid and status = 'queued' order by created_at, id`.execute(shop.db);
  for (const { id } of rows) {
    await sendQueuedMail({ messageId: id }, { db: shop.db, log: shop.logger, jobId: 0, attempt: 1, services: { config: shop.config, privacy: shop.kernel, wiring: shop.app.wiring } });
  }
}

/** Signs a person up and confirms the mailed link through the accounts module; a saved basket; the mail sent. */
async function newPerson(shop: Shop, tag: string): Promise<Person> {
  const name = `Bench Person ${tag}`;
  const email = `bench.${tag}.${randomUUID().slice(0, 8)}@example.test`;
  const deps = shop.app.accounts.deps;
  await shop.db.transaction().execute((trx) => signUp(deps, trx, { name, email, password: PASSWORD, age: 'adult' }, shop.hash));
  const { rows } = await sql<{ id: string; subject_id: string; sealed_params: Buffer }>`
    select id, subject_id, sealed_params from comms_outbox where template = 'accounts.confirm-signup' and status = 'queued' order by created_at desc limit 1`.execute(shop.db);
  const subject = rows[0]!.subject_id;
  // The link is sealed by the kernel in the outbox (decision 0025).
  const { link } = JSON.parse(await shop.kernel.openSecret(shop.db, { subject, context: sealContext(rows[0]!.id), sealed: Buffer.from(rows[0]!.sealed_params) })) as { link: string };
  const { user } = await confirmSignUp(deps, shop.db, new URL(link).searchParams.get('token')!);
  await new SavedLists(shop.kernel).create(shop.db, { subject, actor: selfActor(subject) }, 'basket', { name: `${name}'s wish list`, lines: [{ variantId: shop.variants[1]!, quantity: 1 }] });
  await sendMail(shop, subject);
  return { subject, userId: user.id, name, email };
}

const checkoutBody = (p: Person, i: number) => ({
  method: 'card',
  name: p.name,
  email: p.email,
  age: 'adult',
  phone_home: '+1 212 555 0147',
  phone_business: '+1 212 555 0148',
  ship_line1: `${i + 1} Bench Street`,
  ship_line2: '',
  ship_postal_code: '10001',
  ship_city: 'Benchville',
  ship_country: 'US',
});
const tracking = (i: number) => `1Z${String(i).padStart(6, '0')}999`;

/** One purchase through the modules, as the shop's routes and jobs make it: cart, checkout, settlement, prepared, shipped, mail sent. */
async function realOrder(shop: Shop, p: Person, i: number): Promise<void> {
  await shop.db.transaction().execute(async (trx) => {
    const cart = await createCart(trx, new Date());
    for (const v of shop.variants) await addToCart(trx, cart.cartId, { variant_id: v, quantity: '1' }, new Date());
    const placed = await placeOrder(shop.checkout, trx, {
      cart: { cartId: cart.cartId, lines: shop.variants.map((variantId) => ({ variantId, quantity: 1 })) },
      body: checkoutBody(p, i),
      customer: { subject: p.subject, userId: p.userId },
      ip: '127.0.0.1',
      idempotencyKey: randomUUID(),
    });
    const paymentId = new URL(new URL(placed.body.location).searchParams.get('return')!).pathname.split('/').pop()!;
    if ((await shop.app.payments.settlePayment(trx, paymentId)).status !== 'succeeded') throw new Error('not paid');
    await transitionOrder(shop.orders, trx, { orderId: placed.body.orderId, to: 'fulfilling', actor: API_TOKEN_ACTOR });
    await transitionOrder(shop.orders, trx, { orderId: placed.body.orderId, to: 'shipped', actor: API_TOKEN_ACTOR, carrier: 'UPS', tracking: tracking(i) });
  });
  await sendMail(shop, p.subject);
}

/** The audit entries the mail sender's reads write for an order's three status mails (the last one also reads the shipment). */
const mailReads = (subject: string): AuditEntry[] => [
  ...[0, 1, 2].map(() => ({ actor: SEND_ACTOR, action: 'data.read' as const, outcome: 'ok' as const, subjectId: subject, purpose: 'order-status', categories: ['user.contact.email'], detail: {} })),
  { actor: SEND_ACTOR, action: 'data.read', outcome: 'ok', subjectId: subject, purpose: 'order-status', categories: [SHIPMENT_CATEGORY], detail: {} },
];

/** A stand-in for a spooled status mail (the real one is about this size). */
const EML = `From: shop@localhost\r\nSubject: Order status\r\n\r\n${'x'.repeat(1200)}\r\n`;

/**
 * N orders of one person, each holding what realOrder leaves (the shape check compares them):
 * kernel items, the order, its disclosures through the modules' functions; history, payment,
 * checkout attempt and sent mail rows by one statement; the mail sender's audit entries.
 */
async function generatedOrders(shop: Shop, p: Person, n: number): Promise<void> {
  const { kernel, db } = shop;
  const spool = shop.sink ? null : spoolDir(shop.config);
  if (spool) mkdirSync(spool, { recursive: true, mode: 0o700 });
  for (let from = 0; from < n; from += BATCH) {
    const mails: string[] = [];
    await db.transaction().execute(async (trx) => {
      for (let i = from; i < Math.min(n, from + BATCH); i++) {
        const orderId = randomUUID();
        const ref = orderRef(orderId);
        const input = readCheckoutInput(checkoutBody(p, i), shop.priced, shop.checkout.settings);
        for (const w of personalItems(orderId, input.fields, input.values)) {
          await kernel.write(trx, { subject: p.subject, actor: CHECKOUT_ACTOR, purpose: w.purpose, ref: w.ref, values: w.values });
        }
        const order = await createOrder(shop.orders, trx, {
          id: orderId,
          customerSubject: p.subject,
          customerUserId: p.userId,
          priced: shop.priced,
          paymentMethod: 'card',
          fulfilment: 'ship',
          actor: CHECKOUT_ACTOR,
        });
        await kernel.disclose(trx, {
          subject: p.subject,
          recipient: PROCESSOR_RECIPIENT,
          recipientRef: shop.processorId,
          categories: ['user.name', 'user.contact.email'],
          purpose: 'fulfillment',
          basis: 'fulfillment',
          order: orderId,
          ref,
          actor: CHECKOUT_ACTOR,
        });
        await kernel.write(trx, {
          subject: p.subject,
          actor: PAYMENTS_ACTOR,
          purpose: 'fulfillment',
          ref,
          values: { 'user.payment': { processor: shop.processorId, token: `tok_${randomUUID()}`, brand: 'visa', last4: '4242' } },
        });
        await kernel.write(trx, { subject: p.subject, actor: API_TOKEN_ACTOR, purpose: 'fulfillment', ref, values: { [SHIPMENT_CATEGORY]: { carrier: 'UPS', tracking: tracking(i) } } });
        await kernel.disclose(trx, {
          subject: p.subject,
          recipient: 'carriers',
          recipientRef: 'UPS',
          categories: ['user.name', 'user.contact.address'],
          purpose: 'fulfillment',
          basis: 'fulfillment',
          order: orderId,
          ref,
          actor: API_TOKEN_ACTOR,
        });
        const [paid, fulfilling, shipped] = [randomUUID(), randomUUID(), randomUUID()];
        const payment = randomUUID();
        const processorRef = `pay_${randomUUID()}`;
        const payUrl = `https://processor.invalid/pay/${processorRef}?return=${encodeURIComponent(`${shop.config.publicUrl}/checkout/return/${payment}`)}`;
        const mail = [randomUUID(), randomUUID(), randomUUID()] as const;
        mails.push(...mail);
        const outbox = (id: string, transition: string, personal: string[]) =>
          sql`(${id}::uuid, 'transactional', 'orders.status', ${p.subject}::uuid, 'order-status', '', ${personal}::text[], ${ref}, '{}'::jsonb, ${`orders.status:${transition}`},
            'sent', 1, ${`<${id}@localhost>`}, now(), now())`;
        await sql`
          with u as (update orders set status = 'shipped', updated_at = now() where id = ${orderId}::uuid),
          t as (insert into orders_transitions (id, order_id, from_status, to_status, actor_ref, reason) values
            (${paid}::uuid, ${orderId}::uuid, 'pending_payment', 'paid', ${actorRefOf(CHECKOUT_ACTOR)}, 'payment_received'),
            (${fulfilling}::uuid, ${orderId}::uuid, 'paid', 'fulfilling', ${actorRefOf(API_TOKEN_ACTOR)}, null),
            (${shipped}::uuid, ${orderId}::uuid, 'fulfilling', 'shipped', ${actorRefOf(API_TOKEN_ACTOR)}, null)),
          p as (insert into payments_attempts (id, order_id, subject_id, processor, processor_ref, instrument, amount_minor, currency, status, redirect_url, idempotency_key, settled_at)
            values (${payment}::uuid, ${orderId}::uuid, ${p.subject}::uuid, ${shop.processorId}, ${processorRef}, 'card', ${order.total_minor}, ${order.currency}, 'succeeded', ${payUrl}, ${`checkout:${randomUUID()}`}, now())),
          c as (insert into checkout_attempts (order_id, cart_id, payment_id, payment_url, state, finished_at) values (${orderId}::uuid, ${randomUUID()}::uuid, ${payment}::uuid, ${payUrl}, 'paid', now())),
          m as (insert into comms_outbox (id, kind, template, subject_id, purpose, address_ref, personal, personal_ref, params, idempotency_key, status, attempts, transport_message_id, sent_at, finished_at)
            values ${outbox(mail[0], paid, [])}, ${outbox(mail[1], fulfilling, [])}, ${outbox(mail[2], shipped, [SHIPMENT_CATEGORY])})
          select 1`.execute(trx);
        await appendAudit(trx, mailReads(p.subject), new Date());
      }
    });
    if (spool) for (const id of mails) writeFileSync(join(spool, `${id}.eml`), EML, { mode: 0o600 });
  }
}

/** What a person's rows look like, ids and times left out: the shape check compares two people with one order each. */
async function shapeOf(shop: Shop, subject: string): Promise<Record<string, unknown>> {
  const q = async <T>(query: RawBuilder<T>) => (await query.execute(shop.db)).rows;
  const orders = sql`(select id from orders where customer_subject = ${subject}::uuid)`;
  const mailIds = (await q(sql<{ id: string }>`select id from comms_outbox where subject_id = ${subject}::uuid`)).map((r) => r.id);
  const spooled = new Set(existsSync(spoolDir(shop.config)) ? readdirSync(spoolDir(shop.config)) : []);
  return {
    ...(await kernelShapeOf(shop.db, subject)),
    mail: await q(sql`select template, purpose, address_ref, personal, regexp_replace(personal_ref, '[0-9a-f-]{36}', '<id>') as personal_ref, params, status, attempts, count(*)::int as n
      from comms_outbox where subject_id = ${subject}::uuid group by 1, 2, 3, 4, 5, 6, 7, 8 order by 1, 4::text`),
    spooled: mailIds.filter((id) => spooled.has(`${id}.eml`)).length,
    orders: await q(
      sql`select status, payment_method, fulfilment, currency, subtotal_minor, shipping_minor, tax_minor, total_minor, refunded_minor, customer_user_id is not null as user, count(*)::int as n from orders where customer_subject = ${subject}::uuid group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`,
    ),
    lines: await q(sql`select sku, name, kind, quantity, unit_minor, total_minor, count(*)::int as n from orders_lines where order_id in ${orders} group by 1, 2, 3, 4, 5, 6 order by 1`),
    history: await q(sql`select from_status, to_status, actor_ref, reason, amount_minor, count(*)::int as n from orders_transitions where order_id in ${orders} group by 1, 2, 3, 4, 5 order by 2`),
    payments: await q(
      sql`select processor, instrument, amount_minor, currency, status, refunded_minor, failure_code, settled_at is not null as settled, count(*)::int as n from payments_attempts where subject_id = ${subject}::uuid group by 1, 2, 3, 4, 5, 6, 7, 8`,
    ),
    attempts: await q(
      sql`select state, payment_id is not null as payment, payment_url is not null as url, finished_at is not null as finished, count(*)::int as n from checkout_attempts where order_id in ${orders} group by 1, 2, 3, 4`,
    ),
    account:
      await q(sql`select u.kind, u.status, u.origin, (select count(*)::int from accounts_sessions s where s.user_id = u.id) as sessions, (select count(*)::int from accounts_tokens t where t.user_id = u.id) as tokens
      from accounts_users u where u.subject_id = ${subject}::uuid`),
    lists: await q(sql`select kind, count(*)::int as n from cart_saved_lists where subject_id = ${subject}::uuid group by 1`),
  };
}

/** Every order-level difference between a real purchase and a generated one (none: the shapes match). */
async function shapeCheck(shop: Shop): Promise<string> {
  const real = await newPerson(shop, 'real');
  await realOrder(shop, real, 0);
  const generated = await newPerson(shop, 'generated');
  await generatedOrders(shop, generated, 1);
  const [a, b] = [await shapeOf(shop, real.subject), await shapeOf(shop, generated.subject)];
  const differ = Object.keys(a).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  if (differ.length) {
    throw new Error(
      `the generated order does not hold what a real purchase holds: ${differ.map((k) => `\n  ${k}\n    real:      ${JSON.stringify(a[k])}\n    generated: ${JSON.stringify(b[k])}`).join('')}`,
    );
  }
  const sum = (rows: unknown) => (rows as { n: number }[]).reduce((s, r) => s + r.n, 0);
  const person = await shapeOf(shop, (await newPerson(shop, 'empty')).subject);
  const perOrder = (k: string) => sum(a[k]) - sum(person[k]);
  return `${perOrder('items')} kernel items, ${perOrder('disclosures')} disclosures, ${perOrder('audit')} audit entries, ${perOrder('mail')} mails sent (outbox rows${shop.sink ? '' : ' and spool files'}), ${sum(a.lines)} lines, ${sum(a.history)} history rows, 1 payment, 1 checkout attempt`;
}

/** The rows the export reads, by plain SELECTs (see the file comment). */
async function plainRead(db: Db, subject: string): Promise<number> {
  let rows = 0;
  const run = async (query: RawBuilder<{ id?: string }>) => {
    const r = (await query.execute(db)).rows;
    rows += r.length;
    return r;
  };
  const ids = (
    await run(sql`select id, number, status, payment_method, fulfilment, currency, subtotal_minor, shipping_minor, tax_minor, total_minor, refunded_minor, created_at
    from orders where customer_subject = ${subject}::uuid order by created_at, number`)
  ).map((o) => o.id!);
  await run(sql`select order_id, sku, name, kind, quantity, unit_minor, total_minor from orders_lines where order_id = any(${ids}::uuid[]) order by order_id, position`);
  await run(sql`select order_id, from_status, to_status, at, reason, amount_minor from orders_transitions where order_id = any(${ids}::uuid[]) order by order_id, seq`);
  await run(
    sql`select order_id, processor, instrument, amount_minor, currency, status, refunded_minor, created_at, settled_at from payments_attempts where subject_id = ${subject}::uuid order by created_at, id`,
  );
  await run(sql`select template, purpose, status, created_at, sent_at from comms_outbox where subject_id = ${subject}::uuid order by created_at, id`);
  const users = (await run(sql`select id, kind, status, origin, created_at, activated_at, password_changed_at from accounts_users where subject_id = ${subject}::uuid order by created_at`)).map(
    (u) => u.id!,
  );
  await run(sql`select created_at, last_seen_at, expires_at from accounts_sessions where user_id = any(${users}::uuid[]) order by created_at`);
  await run(sql`select id, kind, created_at, updated_at from cart_saved_lists where subject_id = ${subject}::uuid order by created_at, id`);
  await run(sql`select id, number, kind, status, received_at from rights_requests where subject_id = ${subject}::uuid order by received_at`);
  rows += await plainKernelRead(db, subject);
  return rows;
}

const ROLLBACK = new Error('rolled back');

/** The rows the erasure step changes, by plain SQL, in a transaction rolled back (see the file comment). */
async function plainChange(db: Db, subject: string): Promise<void> {
  await db
    .transaction()
    .execute(async (trx) => {
      await sql`delete from cart_saved_lists where subject_id = ${subject}::uuid`.execute(trx);
      await sql`delete from accounts_users where subject_id = ${subject}::uuid and kind = 'customer'`.execute(trx);
      await sql`delete from comms_outbox where subject_id = ${subject}::uuid`.execute(trx);
      await plainKernelErase(trx, subject);
      throw ROLLBACK;
    })
    .catch((err: unknown) => {
      if (err !== ROLLBACK) throw err;
    });
}

interface Measured {
  exportMs: number;
  plainReadMs: number;
  plainRows: number;
  eraseMs: number;
  plainChangeMs: number;
  /** The step after the erasure: kept records unlinked (grows with the orders, by design). */
  unlinkMs: number;
  exportBytes: number;
  /** JSON.stringify of the document, as the download sends it (not part of exportMs). */
  jsonMs: number;
  exportSpent: Spent;
  eraseSpent: Spent;
}

/** Runs `work` in one transaction, timed with what went where; BEGIN, COMMIT and waiting for the connection as `begin+commit`. */
async function timedTransaction<T>(shop: Shop, work: (trx: Db) => Promise<T>): Promise<{ ms: number; result: T; spent: Spent }> {
  let insideMs = 0;
  const t = await timed(shop, () =>
    shop.db.transaction().execute(async (trx) => {
      const t0 = performance.now();
      try {
        return await work(trx);
      } finally {
        insideMs = performance.now() - t0;
      }
    }),
  );
  t.spent.set('begin+commit', t.ms - insideMs);
  return t;
}

async function timed<T>(shop: Shop, run: () => Promise<T>): Promise<{ ms: number; result: T; spent: Spent }> {
  const spent: Spent = new Map();
  await quiet(shop.db);
  shop.spent = spent;
  const t0 = performance.now();
  try {
    const result = await run();
    return { ms: performance.now() - t0, result, spent };
  } finally {
    shop.spent = null;
  }
}

/** Makes one person with n orders and measures them (run: which of export and plain read goes first). */
async function measurePerson(shop: Shop, n: number, tag: string, run: number): Promise<Measured> {
  const p = await newPerson(shop, tag);
  await generatedOrders(shop, p, n);
  const { rights, db } = shop;
  // As the download does: the export in one transaction (its audit entries commit once).
  const exportOnce = () => timedTransaction(shop, (trx) => buildExport(rights, trx, p.subject, selfActor(p.subject)));
  const plainOnce = () => timed(shop, () => plainRead(db, p.subject));
  let ex: Awaited<ReturnType<typeof exportOnce>>;
  let plain: Awaited<ReturnType<typeof plainOnce>>;
  if (run % 2 === 0) {
    ex = await exportOnce();
    plain = await plainOnce();
  } else {
    plain = await plainOnce();
    ex = await exportOnce();
  }
  const orders = ex.result.sections.find((s) => s.id === 'orders')?.records.length;
  if (orders !== n) throw new Error(`the export holds ${orders} orders, not ${n}`);
  const t0 = performance.now();
  const json = JSON.stringify(ex.result, null, 1);
  const jsonMs = performance.now() - t0;

  await db.transaction().execute((trx) => beginDeletion(rights, trx, { subject: p.subject, actor: selfActor(p.subject), source: 'self', channel: 'web' }));
  const change = await timed(shop, () => plainChange(db, p.subject));
  // The erase step of continueDeletion: every holder, the kernel's shred last, in one transaction.
  const erase = await timedTransaction(shop, async (trx) => {
    const ctx = holderContext(rights, trx, ERASE_ACTOR);
    for (const holder of holdersInErasureOrder(rights)) await holder.erase?.(ctx, p.subject);
  });
  // Then the unlink step: orders, payments and requests stop pointing at the erased person.
  const unlink = await timed(shop, async () => {
    const ctx = holderContext(rights, db, ERASE_ACTOR);
    for (const holder of rights.holders()) await holder.unlink?.(ctx, p.subject);
  });
  const left = await sql<{ n: number }>`select count(*)::int as n from orders where customer_subject = ${p.subject}::uuid`.execute(db);
  if (Number(left.rows[0]!.n) !== 0 || (await subjectStatus(db, p.subject)) !== 'erased') throw new Error('the erasure left the person linked');
  return {
    exportMs: ex.ms,
    plainReadMs: plain.ms,
    plainRows: plain.result,
    eraseMs: erase.ms,
    plainChangeMs: change.ms,
    unlinkMs: unlink.ms,
    exportBytes: Buffer.byteLength(json),
    jsonMs,
    exportSpent: ex.spent,
    eraseSpent: erase.spent,
  };
}

interface Options {
  runs: number;
  sizes: number[];
  /** Mail spooled as .eml files (no SMTP_URL) instead of sent by SMTP. */
  spool: boolean;
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const kb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} kB`);

/** The medians of each key over the runs, biggest first, as `name ms`. */
function breakdown(spents: Spent[]): string {
  const keys = [...new Set(spents.flatMap((s) => [...s.keys()]))];
  return keys
    .map((k) => ({ k, ms: median(spents.map((s) => s.get(k) ?? 0)) }))
    .sort((a, b) => b.ms - a.ms)
    .filter((x) => x.ms >= 0.05)
    .map((x) => `${x.k.replace(/^holder:/, '')} ${fmt(x.ms)}`)
    .join(', ');
}

async function benchOn(database: DatabaseHandle, options: Options): Promise<string[]> {
  const shop = await openShop(database, options.spool);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    out(
      `\nRights benchmark on ${database.engine} (${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(1)}, Node ${process.versions.node}); ${options.runs} ${options.runs === 1 ? 'person' : 'people'} per size, medians; mail ${options.spool ? 'spooled to .eml files (no SMTP_URL)' : 'sent by SMTP (no spool files)'}`,
    );
    const shape = await shapeCheck(shop);
    out(`shape check: a generated order holds what a real purchase holds: ${shape}`);
    // Warm-up (statement plans, JIT, key cache): one person, not measured.
    await measurePerson(shop, Math.min(20, Math.max(...options.sizes)), 'warm', 0);

    const results = new Map<number, Measured[]>(options.sizes.map((n) => [n, []]));
    let made = 0;
    let makingMs = 0;
    for (let run = 0; run < options.runs; run++) {
      // Rotate the sizes, so none always runs first on a fresher database.
      for (let k = 0; k < options.sizes.length; k++) {
        const n = options.sizes[(run + k) % options.sizes.length]!;
        const t0 = performance.now();
        results.get(n)!.push(await measurePerson(shop, n, `${n}-${run}`, run));
        makingMs += performance.now() - t0;
        made += n;
      }
    }
    const med = (n: number, f: (m: Measured) => number) => median(results.get(n)!.map(f));
    const shred = (m: Measured) => m.eraseSpent.get('kernel.erase') ?? 0;
    out('  orders   export ms   plain read ms (rows)   erase ms   of which shred   plain change ms   then unlink ms   export size (JSON ms)');
    for (const n of options.sizes) {
      out(
        `  ${String(n).padStart(6)}   ${fmt(med(n, (m) => m.exportMs)).padStart(9)}   ${fmt(med(n, (m) => m.plainReadMs)).padStart(13)} ${`(${med(n, (m) => m.plainRows)})`.padEnd(8)}` +
          `   ${fmt(med(n, (m) => m.eraseMs)).padStart(8)}   ${fmt(med(n, shred)).padStart(14)}   ${fmt(med(n, (m) => m.plainChangeMs)).padStart(15)}   ${fmt(med(n, (m) => m.unlinkMs)).padStart(14)}` +
          `   ${kb(med(n, (m) => m.exportBytes)).padStart(11)} (${fmt(med(n, (m) => m.jsonMs))})`,
      );
    }
    const biggest = Math.max(...options.sizes);
    out(`  where the time goes at ${biggest} orders (ms, medians; holder names are modules, kernel.* the kernel calls inside them):`);
    out(`    export: ${breakdown(results.get(biggest)!.map((m) => m.exportSpent))}`);
    out(`    erase:  ${breakdown(results.get(biggest)!.map((m) => m.eraseSpent))}`);
    out(`  (${made} orders generated and measured in ${(makingMs / 1000).toFixed(0)} s; load average now ${loadavg()[0]!.toFixed(1)})`);

    const verdicts: string[] = [];
    const check = (ok: boolean, text: string) => {
      out(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
      if (!ok) verdicts.push(`${database.engine}: ${text}`);
    };
    const has = (n: number) => results.has(n);
    if (has(1000)) {
      const ms = med(1000, (m) => m.exportMs);
      check(ms < BOUNDS.exportMs, `export at 1,000 orders ${fmt(ms)} ms (under ${BOUNDS.exportMs} ms)`);
    }
    if (has(1000) && has(100)) {
      const ratio = med(1000, (m) => m.exportMs) / med(100, (m) => m.exportMs);
      check(ratio <= BOUNDS.exportRatio, `export 1,000 / 100 orders ${ratio.toFixed(1)}x (linear is 10x; at most ${BOUNDS.exportRatio}x)`);
    }
    if (has(1000) && has(1)) {
      const [one, big] = [med(1, (m) => m.eraseMs), med(1000, (m) => m.eraseMs)];
      check(big / one < BOUNDS.eraseRatio, `erasure 1,000 / 1 order ${(big / one).toFixed(1)}x (flat: below ${BOUNDS.eraseRatio}x); ${Math.round(((big - one) / 999) * 1000)} µs more per order`);
      const ratio = med(1000, shred) / med(1, shred);
      check(ratio < BOUNDS.eraseRatio, `the kernel's shred within it, 1,000 / 1 order ${ratio.toFixed(1)}x (flat: below ${BOUNDS.eraseRatio}x)`);
      const [u1, u1000] = [med(1, (m) => m.unlinkMs), med(1000, (m) => m.unlinkMs)];
      out(
        `  info  the unlink step after it (orders, payments, requests): ${fmt(u1000)} ms at 1,000 orders, ${Math.round(((u1000 - u1) / 999) * 1000)} µs per order; the person is already erased by then`,
      );
    }
    return verdicts;
  } finally {
    await shop.app.close();
    await shop.sink?.stop();
    rmSync(shop.config.dataDir, { recursive: true, force: true });
  }
}

export async function main(args: string[]): Promise<number> {
  const flags = benchFlags(args, { runs: { type: 'string' }, sizes: { type: 'string' }, spool: { type: 'boolean' } }, usage);
  if (typeof flags === 'number') return flags;
  const runs = Number(flags.runs ?? 3);
  const sizes = (flags.sizes ?? '1,100,1000').split(',').map(Number);
  if (!Number.isInteger(runs) || runs < 1 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000)) {
    process.stderr.write(`--runs must be a whole number above 0; --sizes whole numbers from 1 to 100000, comma-separated\n${usage}`);
    return 2;
  }
  const options: Options = { runs, sizes: [...new Set(sizes)].sort((a, b) => a - b), spool: flags.spool === true };
  const failed: string[] = [];
  const pglite = await openDatabase({ databaseUrl: null, pgliteDir: null });
  try {
    failed.push(...(await benchOn(pglite, options)));
  } finally {
    await pglite.close();
  }
  const base = flags['database-url'];
  if (base) {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = base;
    const scratch = await createScratchPostgres();
    process.env.DATABASE_URL = previous;
    const postgres = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: 2 });
    try {
      failed.push(...(await benchOn(postgres, options)));
    } finally {
      await postgres.close();
      await scratch.drop();
    }
  }
  if (failed.length) process.stdout.write(`\nMissed the issue's bounds:\n${failed.map((f) => `  ${f}`).join('\n')}\n`);
  return failed.length ? 1 : 0;
}
