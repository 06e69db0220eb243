// What the kill -9 tests do as the shop's buyers and staff, and what they check in its database: a
// plan to buy, a cart, a checkout, the half-written states a crash must never leave, the mail.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { ReceivedMail } from '../../src/comms/testing/smtp-sink.ts';
import { createProduct, createVendor } from '../../src/commerce/catalogue/index.ts';
import { type Db, openDatabase } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { pgliteTemplate } from '../../src/platform/testing/databases.ts';
import { allMigrations } from '../../src/modules.ts';
import type { ShopProcess } from './shop-process.ts';

/** A buyer: a cart (its cookie) and the idempotency key of its checkout. */
export interface Shopper {
  i: number;
  key: string;
  cookie: string;
}

/** Makes the PGlite database under `dir` from the migrated template, seeded by `seed` (e.g. makePlan); returns what it returns. */
export async function seedPGlite<T>(dir: string, seed: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase({ databaseUrl: null, pgliteDir: dir, pgliteRestore: await pgliteTemplate() });
  try {
    return await seed(database.db);
  } finally {
    await database.close();
  }
}

/** A monthly plan to buy (the staff JSON API makes no plans); returns its variant's id. */
export async function makePlan(db: Db): Promise<string> {
  await migrate(db, allMigrations);
  const vendor = await createVendor(db, { slug: 'crash-telecom', name: 'Crash Telecom' });
  const plan = await createProduct(
    db,
    { vendor_id: vendor.id, slug: 'crash-plan', name: 'Crash Plan', kind: 'service', variants: [{ sku: 'CRASH-5', name: '5 GB', price_minor: 1500, billing_period: 'month' }] },
    { currency: 'USD' },
  );
  return plan.variants[0]!.id;
}

/** A digital product whose stock is counted (after makePlan, which migrates); returns its variant's id. */
export async function makeStocked(db: Db, stock: number): Promise<string> {
  const vendor = await createVendor(db, { slug: 'crash-goods', name: 'Crash Goods' });
  const product = await createProduct(
    db,
    { vendor_id: vendor.id, slug: 'crash-sim', name: 'Crash SIM', kind: 'digital', variants: [{ sku: 'CRASH-SIM', name: 'eSIM', price_minor: 500, stock }] },
    { currency: 'USD' },
  );
  return product.variants[0]!.id;
}

/** A new cart holding one of the variant; returns its cookie. */
export async function cartWith(shop: ShopProcess, variantId: string): Promise<string> {
  const added = await fetch(`${shop.url}/api/cart/lines`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: shop.url },
    body: JSON.stringify({ variant_id: variantId, quantity: 1 }),
  });
  assert.equal(added.status, 200, await added.text());
  return added.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
}

export async function checkout(shop: ShopProcess, b: Shopper): Promise<{ status: number; body: { number: string; next: string }; replayed: boolean }> {
  const res = await fetch(`${shop.url}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: shop.url, cookie: b.cookie, 'idempotency-key': b.key },
    body: JSON.stringify({ method: 'card', name: `Buyer Number${b.i}`, email: `crash-buyer${b.i}@example.com`, age: 'adult' }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const body = res.status === 201 ? (JSON.parse(text) as { order_number: string; next_url: string }) : null;
  return {
    status: res.status,
    body: body ? { number: body.order_number, next: body.next_url } : ({ error: text } as never),
    replayed: res.headers.get('idempotent-replayed') === 'true',
  };
}

/**
 * What a crash must never leave: orders without lines or (waiting for payment) without a payment,
 * a payment settled or expired without its order (or the other way round), an order and its
 * checkout that disagree, payments of nothing.
 */
export async function halfWritten(db: Db): Promise<string[]> {
  const { rows } = await sql<{ problem: string }>`
    select 'order ' || o.number || ' has no line' as problem from orders o where not exists (select 1 from orders_lines l where l.order_id = o.id)
    union all
    select 'order ' || o.number || ' waits for a payment that does not exist' from orders o
      where o.status = 'pending_payment' and not exists (select 1 from payments_attempts p where p.order_id = o.id)
    union all
    select 'order ' || o.number || ' is paid but none of its payments succeeded' from orders o
      where o.status = 'paid' and exists (select 1 from payments_attempts p where p.order_id = o.id)
        and not exists (select 1 from payments_attempts p where p.order_id = o.id and p.status = 'succeeded')
    union all
    select 'payment ' || p.id || ' succeeded but its order waits' from payments_attempts p join orders o on o.id = p.order_id
      where p.status = 'succeeded' and o.status = 'pending_payment'
    union all
    select 'order ' || o.number || ' waits for a payment that expired' from orders o
      where o.status = 'pending_payment' and exists (select 1 from payments_attempts p where p.order_id = o.id and p.status = 'expired')
        and not exists (select 1 from payments_attempts p where p.order_id = o.id and p.status = 'open')
    union all
    select 'order ' || o.number || ' is ' || o.status || ' but its checkout is ' || a.state from orders o join checkout_attempts a on a.order_id = o.id
      where (a.state = 'awaiting_payment') <> (o.status = 'pending_payment') or (a.state = 'cancelled' and o.status <> 'cancelled')
    union all
    select 'payment ' || p.id || ' belongs to no order or invoice' from payments_attempts p
      where not exists (select 1 from orders o where o.id = p.order_id) and not exists (select 1 from subscriptions_invoices i where i.id = p.order_id)
    union all
    select 'paid invoice ' || i.id || ' has no succeeded payment' from subscriptions_invoices i
      where i.status = 'paid' and not exists (select 1 from payments_attempts p where p.id = i.payment_id and p.status = 'succeeded')
    union all
    select 'subscription ' || s.id || ' has a period without an invoice' from subscriptions_subscriptions s
      where not exists (select 1 from subscriptions_invoices i where i.subscription_id = s.id and i.period_start = s.current_period_start)`.execute(db);
  return rows.map((r) => r.problem);
}

/** Mail not yet finished and jobs not yet done that are due. */
export async function pending(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select (select count(*)::int from comms_outbox where status in ('queued', 'sending'))
         + (select count(*)::int from jobs where state = 'running' or (state = 'queued' and run_at <= now())) as n`.execute(db);
  return rows[0]!.n;
}

export const outboxIdOf = (mail: ReceivedMail) => /<([0-9a-f-]{36})@/.exec(mail.header('message-id') ?? '')?.[1] ?? null;

/** The messages received, by outbox id. */
export function distinctIds(received: readonly ReceivedMail[]): Map<string, ReceivedMail[]> {
  const byId = new Map<string, ReceivedMail[]>();
  for (const mail of received) {
    const id = outboxIdOf(mail) ?? '?';
    byId.set(id, [...(byId.get(id) ?? []), mail]);
  }
  return byId;
}

/**
 * Every outbox row sent, every sent message received and nothing else; a message received more than
 * once only if it was in flight at a kill, at most once more per kill that caught it (at least
 * once, decision 0054), and then the same message each time.
 */
export async function assertMailDelivered(db: Db, received: readonly ReceivedMail[], inFlight: ReadonlyMap<string, number>): Promise<Map<string, ReceivedMail[]>> {
  const { rows: outbox } = await sql<{ id: string; status: string }>`select id::text as id, status from comms_outbox`.execute(db);
  assert.deepEqual(
    outbox.filter((m) => m.status !== 'sent'),
    [],
    'every mail sent',
  );
  const byId = distinctIds(received);
  assert.deepEqual([...byId.keys()].sort(), outbox.map((m) => m.id).sort(), 'every sent message reached the server; nothing else did');
  for (const [id, copies] of byId) {
    if (copies.length === 1) continue;
    const kills = inFlight.get(id) ?? 0;
    assert.ok(kills > 0, `message ${id} arrived ${copies.length} times but was not in flight at a kill`);
    assert.ok(copies.length <= 1 + kills, `message ${id} arrived ${copies.length} times, in flight at ${kills} kill(s)`);
    assert.deepEqual(
      copies.map((m) => [m.header('message-id'), m.subject, m.text]),
      copies.map(() => [copies[0]!.header('message-id'), copies[0]!.subject, copies[0]!.text]),
    );
  }
  return byId;
}
