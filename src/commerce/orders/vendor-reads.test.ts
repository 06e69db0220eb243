import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { testActor, testKernel } from '../../privacy/testing.ts';
import { createOrder } from './orders.ts';
import { pricedCart, testCustomer, testDeps } from './test-support.ts';
import { transitionOrder } from './transitions.ts';
import { orderNumberSearch, vendorOrder, vendorOrders, vendorOrdersWithLines, vendorSales } from './vendor-reads.ts';

const actor = testActor('checkout');

testEachDatabase("vendor reads: a vendor's paid orders only, newest first, paginated and searched in SQL, with only its lines; sales from paid orders not refunded", async ({ db }) => {
  const { kernel } = await testKernel(db);
  // A clock a second apart per call, so "newest first" has no ties.
  let tick = 0;
  const deps = { ...testDeps(kernel), now: () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000) };
  const subject = await testCustomer(kernel, db);
  const vendor = randomUUID();
  const other = randomUUID();
  const product = randomUUID();
  const made: { id: string; number: string }[] = [];
  // 30 orders of `vendor` (every third also of `other`); 27 paid, 3 left unpaid; one paid then refunded.
  for (let i = 0; i < 30; i++) {
    const priced = pricedCart();
    priced.lines[0] = { ...priced.lines[0]!, vendorId: vendor, productId: product };
    if (i % 3 === 0) priced.lines[1] = { ...priced.lines[1]!, vendorId: other };
    const order = await createOrder(deps, db, { customerSubject: subject, customerUserId: null, priced, paymentMethod: 'card', fulfilment: 'ship', actor });
    if (i < 27) await transitionOrder(deps, db, { orderId: order.id, to: 'paid', actor });
    made.push({ id: order.id, number: order.number });
  }
  await transitionOrder(deps, db, { orderId: made[0]!.id, to: 'refunded', actor });
  const paid = made.slice(0, 27).reverse();

  const first = await vendorOrders(db, vendor, { limit: 25, offset: 0 });
  assert.equal(first.total, 27, 'unpaid orders are not counted');
  assert.deepEqual(
    first.rows.map((r) => r.number),
    paid.slice(0, 25).map((o) => o.number),
    'newest first',
  );
  assert.equal(first.rows[0]!.units, 2, "only the vendor's own line: 2 keyboards");
  assert.equal(first.rows[0]!.vendorMinor, 9_900);
  const second = await vendorOrders(db, vendor, { limit: 25, offset: 25 });
  assert.deepEqual(
    second.rows.map((r) => r.number),
    paid.slice(25).map((o) => o.number),
  );
  assert.equal(second.total, 27);
  assert.deepEqual(await vendorOrders(db, vendor, { limit: 25, offset: 50 }), { rows: [], total: 27 }, 'past the end: no rows, still the count');
  assert.equal((await vendorOrders(db, other, { limit: 25, offset: 0 })).total, 9);

  const one = made[5]!;
  assert.deepEqual(
    (await vendorOrders(db, vendor, { number: one.number.toLowerCase(), limit: 25, offset: 0 })).rows.map((r) => r.number),
    [one.number],
  );
  assert.deepEqual(await vendorOrders(db, vendor, { number: made[28]!.number, limit: 25, offset: 0 }), { rows: [], total: 0 }, 'an unpaid order is not found');
  assert.equal(orderNumberSearch("C-1' or 1=1"), null, 'a search that is no order number matches nothing');
  assert.deepEqual(await vendorOrders(db, vendor, { number: '%', limit: 25, offset: 0 }), { rows: [], total: 0 });

  const found = await vendorOrder(db, other, made[3]!.number);
  assert.deepEqual(
    found?.lines.map((l) => l.vendor_id),
    [other],
    "another vendor's page holds only its own line",
  );
  assert.equal(await vendorOrder(db, other, made[4]!.number), null, 'an order without its products is none of its business');
  assert.equal(await vendorOrder(db, vendor, made[29]!.number), null, 'nor an unpaid order');
  const exported = await vendorOrdersWithLines(db, other, { limit: 5 });
  assert.equal(exported.length, 5);
  assert.ok(exported.every((e) => e.lines.length === 1 && e.lines[0]!.vendor_id === other));

  const sales = await vendorSales(db, vendor);
  assert.deepEqual(sales, [{ productId: product, name: 'Mechanical keyboard', currency: 'EUR', orders: 26, units: 52, revenueMinor: 26 * 9_900 }], 'paid orders, the refunded one left out');
});

testEachDatabase('vendor reads: an order held at payment for an identity check shows to its vendor only once it is released; one rejected never shows', async ({ db }) => {
  const { kernel } = await testKernel(db);
  const deps = testDeps(kernel);
  const subject = await testCustomer(kernel, db);
  const vendor = randomUUID();
  const place = async () => {
    const priced = pricedCart();
    priced.lines[0] = { ...priced.lines[0]!, vendorId: vendor };
    const order = await createOrder(deps, db, { customerSubject: subject, customerUserId: null, priced, paymentMethod: 'card', fulfilment: 'ship', actor });
    await transitionOrder(deps, db, { orderId: order.id, to: 'paid', actor });
    await transitionOrder(deps, db, { orderId: order.id, to: 'on_hold', reason: 'awaiting_proof_of_identity', actor: testActor('fraud') });
    return order;
  };
  const released = await place();
  const rejected = await place();
  assert.equal((await vendorOrders(db, vendor, { limit: 25, offset: 0 })).total, 0, 'held: not shown');
  assert.equal(await vendorOrder(db, vendor, released.number), null);
  await transitionOrder(deps, db, { orderId: released.id, to: 'paid', actor });
  await transitionOrder(deps, db, { orderId: rejected.id, to: 'cancelled', reason: 'identity_not_confirmed', actor });
  assert.deepEqual(
    (await vendorOrders(db, vendor, { limit: 25, offset: 0 })).rows.map((r) => r.number),
    [released.number],
  );
  assert.ok(await vendorOrder(db, vendor, released.number));
  assert.equal(await vendorOrder(db, vendor, rejected.number), null);
  assert.equal((await vendorSales(db, vendor)).length, 1);
});
