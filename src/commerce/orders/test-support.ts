// Test helpers for the orders module: a priced cart as pricing would return it, a customer stored
// through the kernel with an order's shipping copy, and orders deps on a test kernel.
import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import { testActor } from '../../privacy/testing.ts';
import type { Actor, PrivacyKernel } from '../../privacy/index.ts';
import { orderRef, type OrdersDeps } from './deps.ts';
import { createOrder } from './orders.ts';
import type { Order } from './tables.ts';
import { transitionOrder } from './transitions.ts';
import type { PricedCart } from './priced.ts';

export const buyer = {
  name: 'Ottoline Fairweather',
  email: 'ottoline.fairweather@example.com',
  address: '17 Quillfeather Lane, Brackenridge BR4 7QT',
};

export function pricedCart(options: { physical?: boolean; currency?: string } = {}): PricedCart {
  const physical = options.physical ?? true;
  const lines = [
    {
      variantId: randomUUID(),
      productId: randomUUID(),
      vendorId: randomUUID(),
      sku: physical ? 'KB-01' : 'LIC-01',
      name: physical ? 'Mechanical keyboard' : 'Editor licence',
      kind: physical ? 'physical' : 'digital',
      quantity: 2,
      unitMinor: 4_950,
      totalMinor: 9_900,
    },
    { variantId: randomUUID(), productId: randomUUID(), vendorId: randomUUID(), sku: 'SUP-01', name: 'Support year', kind: 'service', quantity: 1, unitMinor: 1_000, totalMinor: 1_000 },
  ];
  const shippingMinor = physical ? 500 : 0;
  return { currency: options.currency ?? 'EUR', lines, subtotalMinor: 10_900, shippingMinor, taxMinor: 2_180, totalMinor: 10_900 + shippingMinor + 2_180, needsShipping: physical };
}

export function testDeps(kernel: PrivacyKernel, publicUrl = 'http://shop.test'): OrdersDeps {
  return { kernel, publicUrl, now: () => new Date(), listeners: {} };
}

/** A customer with name and email under `account`; `orderId` also gets the order's name and address copy. */
export async function testCustomer(kernel: PrivacyKernel, db: Db, orderId?: string, who = buyer): Promise<string> {
  const actor = testActor('test.checkout');
  const subject = await kernel.createSubject(db, { kind: 'customer', actor, purpose: 'account' });
  await kernel.write(db, { subject, actor, purpose: 'account', values: { 'user.name': who.name, 'user.contact.email': who.email } });
  if (orderId) await kernel.write(db, { subject, actor, purpose: 'fulfillment', ref: orderRef(orderId), values: { 'user.name': who.name, 'user.contact.address': who.address } });
  return subject;
}

/** A paid card order of `testCustomer` for shipping, made and moved to paid as the shop does. */
export async function paidTestOrder(deps: OrdersDeps, db: Db, actor: Actor): Promise<Order> {
  const id = randomUUID();
  const order = await createOrder(deps, db, {
    id,
    customerSubject: await testCustomer(deps.kernel, db, id),
    customerUserId: null,
    priced: pricedCart({ physical: true }),
    paymentMethod: 'card',
    fulfilment: 'ship',
    actor,
  });
  await transitionOrder(deps, db, { orderId: id, to: 'paid', actor });
  return order;
}
