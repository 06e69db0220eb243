// The staff console that runs the shop, over HTTP with staff sessions: the dashboard's figures for a
// seeded set of orders, the orders list (search by number and by email through the kernel, filters,
// pages, buyer names only for roles granted them), staff names in an order's history and the
// customer page with their orders. One app; the data map is the shop's with support's grant of
// names taken away, so one role that works with orders may not read them.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { customer, FormClient, signUpAndConfirm, staffClient } from '../../accounts/testing.ts';
import { createProduct, createVendor } from '../catalogue/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { countAuditEntries, testActor } from '../../privacy/testing.ts';
import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import { ordersDeps, orderRef } from './deps.ts';
import { createOrder, getOrder } from './orders.ts';
import { ORDERS_PER_PAGE } from './staff-list.ts';
import { pricedCart } from './test-support.ts';
import { transitionOrder } from './transitions.ts';
import type { OrderStatus } from './states.ts';

const system = testActor('test.checkout');
const password = 'granite-heron-58-waits-patiently';

/** The shop's data map, except that support may not read names. */
function mapWithoutSupportNames(): string {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-map-'));
  cpSync(new URL('../../../datamap/', import.meta.url), dir, { recursive: true });
  const roles = join(dir, 'roles.yml');
  const text = readFileSync(roles, 'utf8');
  const support = text.indexOf('- id: support');
  const line = text.indexOf('categories: [user.name, ', support);
  writeFileSync(roles, text.slice(0, line) + text.slice(line).replace('categories: [user.name, ', 'categories: ['));
  return dir;
}

async function order(app: FastifyInstance, db: Db, subject: string, steps: OrderStatus[] = [], currency = 'EUR', name?: string) {
  const deps = ordersDeps(app);
  const made = await createOrder(deps, db, { customerSubject: subject, customerUserId: null, priced: pricedCart({ currency }), paymentMethod: 'card', fulfilment: 'ship', actor: system });
  if (name) await app.privacy.write(db, { subject, actor: system, purpose: 'fulfillment', ref: orderRef(made.id), values: { 'user.name': name, 'user.contact.address': '1 Test Row' } });
  for (const to of steps) await transitionOrder(deps, db, { orderId: made.id, to, actor: system, ...(to === 'cancelled' ? { reason: 'customer_request' } : {}) });
  return made;
}

testEachDatabase('the staff console runs the shop: dashboard figures, orders searched, filtered and paged, buyer names by grant, staff names in histories, the customer page', async (database) => {
  // Every statement the app sends while `counting` (a Kysely plugin on the app's handle).
  const statements: string[] = [];
  let counting = false;
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      if (counting) statements.push(args.node.kind);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const { app } = await buildTestApp({ ...database, db: database.db.withPlugin(counter) }, { DATAMAP_DIR: mapWithoutSupportNames() });
  const measured = async <T>(run: () => Promise<T>) => {
    statements.length = 0;
    counting = true;
    try {
      return { result: await run(), all: statements.length };
    } finally {
      counting = false;
    }
  };
  try {
    const { db } = database;
    // The scene: a signed-up buyer with two orders (their name on each), 24 orders awaiting payment
    // from someone else, one cancelled, one paid in USD; one variant with 3 left.
    await signUpAndConfirm(new FormClient(app), db);
    const [buyer] = await app.privacy.findSubjects(db, { category: 'user.contact.email', value: customer.email, actor: system, purpose: 'account' });
    const other = await app.privacy.createSubject(db, { kind: 'customer', actor: system, purpose: 'account' });
    const paid = await order(app, db, buyer!, ['paid'], 'EUR', customer.name);
    const packing = await order(app, db, buyer!, ['paid', 'fulfilling'], 'EUR', customer.name);
    for (let i = 0; i < 24; i++) await order(app, db, other);
    await order(app, db, other, ['cancelled']);
    await order(app, db, other, ['paid'], 'USD');
    const vendor = await createVendor(db, { slug: 'acme', name: 'Acme' });
    await createProduct(
      db,
      {
        slug: 'lamp',
        name: 'Desk lamp',
        vendor_id: vendor.id,
        kind: 'physical',
        variants: [
          { sku: 'LAMP-3', price_minor: 100, stock: 3 },
          { sku: 'LAMP-50', price_minor: 100, stock: 50 },
        ],
      },
      { currency: 'EUR' },
    );

    const owner = await staffClient(app, db, { name: 'Cordelia Ravensworth', email: 'cordelia@shop.example', role: 'owner', password });
    const packer = await staffClient(app, db, { name: 'Leopold Hawthorne', email: 'leopold@shop.example', role: 'fulfilment', password });
    const support = await staffClient(app, db, { name: 'Araminta Coldwell', email: 'araminta@shop.example', role: 'support', password });
    const marketer = await staffClient(app, db, { name: 'Ignatius Pemberton', email: 'ignatius@shop.example', role: 'marketing', password });
    const accountant = await staffClient(app, db, { name: 'Abel Ledger', email: 'abel@shop.example', role: 'accountant', password });

    // Dashboard: 27 EUR orders today, revenue of the two paid ones (2 × €135.80); waiting counts.
    const dash = (await owner.get('/staff')).body;
    assert.match(dash, /<td data-label="Orders" class="num">27<\/td><td data-label="Revenue" class="num"><span class="price">€271\.60<\/span>/);
    assert.match(dash, /<td data-label="Orders" class="num">1<\/td><td data-label="Revenue" class="num"><span class="price">\$135\.80<\/span>/);
    const waiting = (body: string, status: string) => new RegExp(`data-status="${status}">([0-9]+)<`).exec(body)?.[1];
    assert.deepEqual(
      ['pending_payment', 'paid', 'fulfilling', 'shipped', 'on_hold'].map((s) => waiting(dash, s)),
      ['24', '2', '1', '0', '0'],
    );
    assert.match(dash, /LAMP-3<\/th><td data-label="Product"><a href="\/staff\/catalogue\/products\/[0-9a-f-]+">Desk lamp<\/a>/);
    assert.doesNotMatch(dash, /LAMP-50/);
    const packerDash = (await packer.get('/staff')).body;
    assert.equal(waiting(packerDash, 'paid'), '2', 'fulfilment sees the orders waiting');
    assert.doesNotMatch(packerDash, /Revenue|€271\.60/, 'but no revenue: its role has no billing purpose');
    const accountantDash = (await accountant.get('/staff')).body;
    assert.match(accountantDash, /€271\.60/, 'the accountant (granted billing) sees the revenue');
    assert.doesNotMatch(accountantDash, /data-status=|Low stock/, 'but not the order queues it cannot open, nor stock');
    const marketingDash = (await marketer.get('/staff')).body;
    assert.doesNotMatch(marketingDash, /data-status=|Low stock/, 'marketing sees neither orders nor stock');

    // The list pages 25 at a time; the owner sees buyers' names, read for the whole page at once:
    // a page of 25 orders takes no more statements than a page of 3, and each order's read is audited.
    const readsBefore = await countAuditEntries(db, { action: 'data.read', actorKind: 'staff', purpose: 'fulfillment' });
    const { result: first, all: firstStatements } = await measured(() => owner.get('/staff/orders'));
    await app.privacy.flush();
    assert.equal(await countAuditEntries(db, { action: 'data.read', actorKind: 'staff', purpose: 'fulfillment' }), readsBefore + ORDERS_PER_PAGE, 'one audited read per order shown');
    const { all: lastStatements } = await measured(() => owner.get('/staff/orders?page=2'));
    assert.equal(firstStatements, lastStatements, `a page of 25 orders takes as many statements as a page of 3 (${firstStatements} and ${lastStatements})`);
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /28 orders, page 1 of 2/);
    assert.equal(first.body.match(/href="\/staff\/orders\/C-/g)?.length, ORDERS_PER_PAGE);
    assert.match(first.body, /<a rel="next" href="\/staff\/orders\?page=2">/);
    const second = await owner.get('/staff/orders?page=2');
    assert.equal(second.body.match(/href="\/staff\/orders\/C-/g)?.length, 3);
    assert.ok(second.body.includes(customer.name), 'the two oldest are the buyer’s, named');
    assert.match((await owner.get('/staff/orders?page=9')).body, /28 orders, page 2 of 2/, 'a page past the end shows the last');

    // Search by number, by email (through the kernel, audited as a lookup), and filters.
    const byNumber = await owner.get(`/staff/orders?q=${packing.number}`);
    assert.match(byNumber.body, /1 order\./);
    assert.ok(byNumber.body.includes(`href="/staff/orders/${packing.number}"`));
    const lookups = await countAuditEntries(db, { action: 'data.lookup', actorKind: 'staff', purpose: 'fulfillment' });
    const byEmail = await owner.get(`/staff/orders?q=${encodeURIComponent(customer.email)}`);
    assert.match(byEmail.body, /2 orders\./);
    assert.ok(byEmail.body.includes(paid.number) && byEmail.body.includes(packing.number));
    await app.privacy.flush();
    assert.equal(await countAuditEntries(db, { action: 'data.lookup', actorKind: 'staff', purpose: 'fulfillment' }), lookups + 1, 'the email lookup is in the audit log');
    assert.match((await owner.get('/staff/orders?q=nobody%40example.com')).body, /0 orders\./);
    assert.match((await owner.get('/staff/orders?status=paid&payment=card')).body, /2 orders\./);
    const today = new Date().toISOString().slice(0, 10);
    assert.match((await owner.get(`/staff/orders?from=${today}&to=${today}&status=cancelled`)).body, /1 order\./);
    assert.match((await owner.get('/staff/orders?from=2000-01-01&to=2000-12-31')).body, /0 orders\./);
    const bad = await owner.get('/staff/orders?q=lamp');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Search: must be an order number/);
    assert.equal((await owner.get('/staff/orders?from=2026-02-30')).statusCode, 400, 'an impossible date is named');
    const lost = await owner.get('/staff/orders?status=lost');
    assert.equal(lost.statusCode, 400);
    assert.match(lost.body, /status/);

    // Support works with orders but may not read names here: no Buyer column, no name.
    const supportList = await support.get(`/staff/orders?q=${encodeURIComponent(customer.email)}`);
    assert.equal(supportList.statusCode, 200);
    assert.match(supportList.body, /2 orders\./);
    assert.doesNotMatch(supportList.body, /data-label="Buyer"/);
    assert.ok(!supportList.body.includes(customer.name));
    assert.match((await packer.get('/staff/orders?status=fulfilling')).body, new RegExp(`data-label="Buyer">${customer.name}<`));

    // A step taken in the console shows who took it by name in the history.
    await packer.get(`/staff/orders/${paid.number}`);
    assert.equal((await packer.post(`/staff/orders/${paid.number}/transition`, { to: 'fulfilling' })).statusCode, 303);
    const history = (await owner.get(`/staff/orders/${paid.number}`)).body;
    assert.match(history, /<td data-label="By">Leopold Hawthorne<\/td>/);
    assert.match(history, /<td data-label="By">the shop \(test\.checkout\)<\/td>/);
    assert.doesNotMatch(history, /staff:[0-9a-f]{8}/);

    // The lookup leads to the customer's page with their orders; marketing may not open it.
    await support.get('/staff/customers');
    const found = await support.post('/staff/customers', { email: customer.email, purpose: 'support' });
    const link = /href="(\/staff\/customers\/[0-9a-f-]+\?purpose=support)"/.exec(found.body)?.[1];
    assert.ok(link, 'the result links to the customer’s page');
    const reads = await countAuditEntries(db, { action: 'data.read', actorKind: 'staff', purpose: 'support' });
    const page = await support.get(link);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(customer.email));
    assert.ok(page.body.includes(`href="/staff/orders/${paid.number}"`) && page.body.includes(`href="/staff/orders/${packing.number}"`));
    assert.equal(page.body.match(/href="\/staff\/orders\/C-/g)?.length, 2);
    await app.privacy.flush();
    assert.equal(await countAuditEntries(db, { action: 'data.read', actorKind: 'staff', purpose: 'support' }), reads + 1, 'the page’s read is audited');
    assert.equal((await marketer.get(link.replace('support', 'newsletters'))).statusCode, 403);

    // Cancelling an unpaid order asks too (it is final), saying nothing is refunded; only the confirmed post cancels.
    const unpaid = await order(app, db, other);
    await owner.get(`/staff/orders/${unpaid.number}`);
    const asked = await owner.post(`/staff/orders/${unpaid.number}/transition`, { to: 'cancelled', reason: 'customer_request' });
    assert.equal(asked.statusCode, 200);
    assert.ok(asked.body.includes(`Cancel order ${unpaid.number}?`));
    assert.match(asked.body, /nothing was paid, so nothing is refunded/);
    assert.equal((await getOrder(db, unpaid.id))?.status, 'pending_payment');
    const cancelled = await owner.post(`/staff/orders/${unpaid.number}/transition`, { to: 'cancelled', reason: 'customer_request', amount: '0.00', confirm: '1' });
    assert.equal(cancelled.statusCode, 303, cancelled.body);
    assert.equal((await getOrder(db, unpaid.id))?.status, 'cancelled');
  } finally {
    await app.close();
  }
});
