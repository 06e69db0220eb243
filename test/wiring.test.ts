// The composition root collects what the shop's modules declare for one another (decision 0034):
// the listeners that move a paid order, refund a cancelled one and make the vendors' webhook events, and every module's mail templates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modules, wiringOf } from '../src/modules.ts';

test("the shop's wiring holds checkout's listeners and every module's mail templates", () => {
  const wiring = wiringOf(modules);
  assert.equal(wiring.listeners.paymentSettled?.length, 2, 'checkout moves the order of a settled payment; subscriptions start the plans of a paid order and resume one whose invoice was paid');
  assert.equal(
    wiring.listeners.orderTransition?.length,
    6,
    'checkout refunds a refunded or cancelled paid order; fraud holds a paid order its risk rules flagged; delivery hands out and revokes licence keys; vendors make their webhook events; subscriptions end with a cancelled or wholly refunded order; analytics counts a purchase',
  );
  assert.equal(wiring.listeners.orderPage?.length, 3, "fraud shows where an order's identity check stands; delivery shows the buyer's licence keys and downloads on the order's pages");
  assert.equal(wiring.listeners.orderPlaced?.length, 2, 'fraud judges a new order by the risk rules; analytics counts a checkout started');
  assert.equal(wiring.listeners.licenceKeysRanOut?.length, 1, "vendors mail the vendor's users when its product runs out of keys");
  const names = [...wiring.mailTemplates.keys()];
  for (const name of [
    'accounts.confirm-signup',
    'orders.status',
    'delivery.licence-keys',
    'delivery.downloads',
    'vendors.out-of-keys',
    'fraud.proof-request',
    'rights.deletion-receipt',
    'rights.complaint-reply',
    'subscriptions.paid',
    'subscriptions.failed',
    'subscriptions.suspended',
  ])
    assert.ok(names.includes(name), name);
  assert.ok(!names.some((n) => n.startsWith('test.')), 'no test template in the shop');
});

test('two wirings built from two module lists share nothing', () => {
  const extra = { name: 'test-listener', migrations: [], listeners: { orderTransition: [async () => {}] } };
  assert.equal(wiringOf([...modules, extra]).listeners.orderTransition?.length, 7);
  assert.equal(wiringOf(modules).listeners.orderTransition?.length, 6);
});
