// Shared steps of the checkout tests that start from a placed or paid order.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { makeShop, newClient, type CartClient } from '../src/commerce/cart/testing.ts';
import type { PaymentsTestBed } from '../src/commerce/payments/testing.ts';
import type { Db } from '../src/platform/db/database.ts';
import { submitPayForm, TEST_CARD, TEST_SANDBOX_SECRET } from '../src/sandbox-processor/testing.ts';

export const keyOf = (body: string) => /name="idempotency_key" value="([^"]+)"/.exec(body)?.[1] ?? '';
export const guest = { name: 'Grace Hopper', email: 'grace@example.com', age: 'adult' };
export const address = { ship_line1: '1 Compiler Way', ship_line2: '', ship_postal_code: '10001', ship_city: 'New York', ship_country: 'US' };
export const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

export async function addToCart(buyer: CartClient, slug: string, variantId: string, quantity = '1') {
  await buyer.get(`/products/${slug}`);
  let res = await buyer.post('/cart/add', { variant_id: variantId, quantity });
  if (res.statusCode !== 303 && /name="confirm"/.test(res.body)) res = await buyer.post('/cart/add', { variant_id: variantId, quantity, confirm: '1' });
  assert.equal(res.statusCode, 303, res.body);
}

export interface PlacedCardOrder {
  buyer: CartClient;
  orderId: string;
  number: string;
  paymentId: string;
  processorRef: string;
  totalMinor: number;
  payUrl: string;
}

/** A guest places a card order for one router and (unless `pay` is false) pays it on the sandbox's page; the store has not been told yet. */
export async function placeCardOrder(bed: PaymentsTestBed, db: Db, options: { pay?: boolean } = {}): Promise<PlacedCardOrder> {
  const shop = await makeShop(db);
  const buyer = newClient(bed.app);
  await addToCart(buyer, 'router', shop.rtr1);
  const form = await buyer.get('/checkout');
  const started = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'card', ...guest, ...address });
  assert.equal(started.statusCode, 303, started.body);
  const payUrl = started.headers.location as string;
  if (options.pay !== false) assert.equal((await submitPayForm(payUrl, TEST_CARD)).status, 303);
  const {
    rows: [row],
  } = await sql<{ id: string; number: string; total_minor: number; payment_id: string; processor_ref: string }>`
    select o.id, o.number, o.total_minor, p.id as payment_id, p.processor_ref
    from orders o join payments_attempts p on p.order_id = o.id`.execute(db);
  return { buyer, orderId: row!.id, number: row!.number, paymentId: row!.payment_id, processorRef: row!.processor_ref, totalMinor: row!.total_minor, payUrl };
}

/** A card order paid and settled through the buyer's return to the store. */
export async function paidCardOrder(bed: PaymentsTestBed, db: Db): Promise<PlacedCardOrder> {
  const order = await placeCardOrder(bed, db);
  const back = await order.buyer.get(`/checkout/return/${order.paymentId}`);
  assert.equal(back.statusCode, 303, back.body);
  return order;
}

/** What the sandbox itself says of a session (the processor's view, not the store's). */
export async function sandboxSession(bed: PaymentsTestBed, processorRef: string): Promise<{ status: string; refunded_minor: number; amount_minor: number }> {
  const res = await fetch(`${bed.sandbox.url}/v1/checkout-sessions/${processorRef}`, { headers: { authorization: `Bearer ${TEST_SANDBOX_SECRET}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as { status: string; refunded_minor: number; amount_minor: number };
}
