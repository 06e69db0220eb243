// Shared steps of the vendor portal tests: a shop of two vendors, a real purchase by card on the
// sandbox processor's page, a vendor user made by the owner, the disclosures to vendors of an order.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { TestContext } from 'node:test';
import { FormClient, queuedMail, staffClient } from '../src/accounts/testing.ts';
import { newClient } from '../src/commerce/cart/testing.ts';
import { createProduct, createVendor } from '../src/commerce/catalogue/index.ts';
import { type PaymentsTestBed, paymentsTestBed } from '../src/commerce/payments/testing.ts';
import type { DatabaseHandle, Db } from '../src/platform/db/database.ts';
import { testActor } from '../src/privacy/testing.ts';
import { submitPayForm, TEST_CARD } from '../src/sandbox-processor/testing.ts';
import { addToCart, address, keyOf } from './checkout-support.ts';

export const PASSWORD = 'copper-window-81-patient';
export const VENDOR_FIELDS = ['user.name', 'user.contact.address', 'user.contact.phone_number', 'user.contact.email'];

export async function shop(db: Db) {
  const corvid = await createVendor(db, { slug: 'corvid', name: 'Corvid Systems' });
  const lantern = await createVendor(db, { slug: 'lanternfish', name: 'Lanternfish Security' });
  const usd = { currency: 'USD' };
  const router = await createProduct(db, { vendor_id: corvid.id, slug: 'router', name: 'Corvid Router', kind: 'physical', variants: [{ sku: 'CRV-RTR', price_minor: 12_900, stock: 5 }] }, usd);
  const shield = await createProduct(
    db,
    { vendor_id: lantern.id, slug: 'shield', name: 'Lanternfish Shield Box', kind: 'physical', variants: [{ sku: 'LNT-SHD', price_minor: 4_900, stock: 5 }] },
    usd,
  );
  return { corvid, lantern, router: router.variants[0]!.id, shield: shield.variants[0]!.id };
}

/** The app with the sandbox processor (checkout asks for phones) and the two vendors' shop; closed after the test. */
export async function vendorShop(database: DatabaseHandle, t: TestContext, env: Record<string, string> = {}) {
  const bed = await paymentsTestBed(database, { CHECKOUT_REQUIRE_PHONES: 'true', ...env });
  t.after(() => bed.close());
  return { bed, db: database.db, s: await shop(database.db) };
}

/** A staff owner, signed in with the second factor set up. */
export function ownerOf(bed: PaymentsTestBed): Promise<FormClient> {
  return staffClient(bed.app, bed.app.db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password: 'amber-lighthouse-27-quietly-sings' });
}

export interface Buyer {
  name: string;
  email: string;
  phone: string;
}

/** A guest buys `items` by card on the processor's page (unless `pay` is false) and comes back to the shop; returns the order. */
export async function buy(bed: PaymentsTestBed, db: Db, who: Buyer, items: readonly [slug: string, variant: string][], pay = true): Promise<{ id: string; number: string; subject: string }> {
  const buyer = newClient(bed.app);
  for (const [slug, variant] of items) await addToCart(buyer, slug, variant);
  const form = await buyer.get('/checkout');
  const started = await buyer.post('/checkout', {
    idempotency_key: keyOf(form.body),
    method: 'card',
    name: who.name,
    email: who.email,
    age: 'adult',
    ...address,
    phone_home: who.phone,
    phone_business: '+1 212 555 0199',
  });
  assert.equal(started.statusCode, 303, started.body.slice(0, 2000));
  const payUrl = started.headers.location as string;
  const {
    rows: [row],
  } = await sql<{ id: string; number: string; customer_subject: string; payment_id: string }>`
    select o.id, o.number, o.customer_subject, p.id as payment_id from orders o join payments_attempts p on p.order_id = o.id order by o.created_at desc limit 1`.execute(db);
  if (pay) {
    assert.equal((await submitPayForm(payUrl, TEST_CARD)).status, 303);
    assert.equal((await buyer.get(`/checkout/return/${row!.payment_id}`)).statusCode, 303);
  }
  return { id: row!.id, number: row!.number, subject: row!.customer_subject };
}

/** The owner adds a vendor user over the staff API; they set their password from the mailed link and end signed in. */
export async function vendorUser(bed: PaymentsTestBed, owner: FormClient, vendor: { id: string; name: string }, email: string): Promise<FormClient> {
  const res = await owner.json('POST', '/api/staff/vendor-users', { name: `User of ${vendor.name}`, email, vendor_id: vendor.id });
  assert.equal(res.statusCode, 201, res.body);
  const link = new URL((await queuedMail(bed.app.db, 'accounts.vendor-invitation', bed.app.privacy)).at(-1)!.params.link!);
  const client = new FormClient(bed.app);
  const form = await client.get(link.pathname + link.search);
  const token = /name="token" value="([^"]+)"/.exec(form.body)![1]!;
  assert.equal((await client.post('/vendor/password/set', { token, new_password: PASSWORD })).statusCode, 303);
  return client;
}

/** What the disclosure ledger holds for this order's buyer, sent to vendors. */
export async function vendorDisclosures(bed: PaymentsTestBed, order: { id: string; subject: string }) {
  const all = await bed.app.privacy.disclosuresOf(bed.app.db, { subject: order.subject, order: order.id, actor: testActor('test'), purpose: 'fulfillment' });
  return all.filter((d) => d.recipient === 'vendors');
}

export async function accept(client: FormClient): Promise<void> {
  const page = await client.get('/vendor/terms');
  const version = /name="version" value="(\d+)"/.exec(page.body)?.[1];
  assert.ok(version, 'the terms page offers the version in force to accept');
  const res = await client.post('/vendor/terms', { version, agree: 'yes' });
  assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
}

export const grace: Buyer = { name: 'Grace Hopper', email: 'grace@example.com', phone: '+1 212 555 0142' };
export const ada: Buyer = { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0018' };
export const alan: Buyer = { name: 'Alan Turing', email: 'alan@example.com', phone: '+44 20 7946 0999' };
