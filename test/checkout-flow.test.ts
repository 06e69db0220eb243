// Checkout over HTTP on both databases: the declared fields, the whole command with its
// compensation, idempotency of a doubled POST, and what a failure leaves behind (nothing held).
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../src/platform/db/database.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase, type TestDatabase } from '../src/platform/testing/databases.ts';
import { tableMarks, tablesWritten } from '../src/platform/testing/table-writes.ts';
import { RECORDS_EVERY_REQUEST } from './fuzz-hostile-support.ts';
import { testActor } from '../src/privacy/testing.ts';
import { selfActor } from '../src/privacy/index.ts';
import { makeShop, newClient, type CartClient } from '../src/commerce/cart/testing.ts';
import { customer, signUpAndConfirm } from '../src/accounts/testing.ts';

const count = async (db: Db, table: string) => (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]!.n;
const stockOf = async (db: Db, sku: string) => (await sql<{ stock: number | null }>`select stock from catalogue_variants where sku = ${sku}`.execute(db)).rows[0]!.stock;
const keyOf = (body: string) => /name="idempotency_key" value="([^"]+)"/.exec(body)?.[1] ?? '';
const guest = { name: 'Ada Lovelace', email: 'ada@example.com', age: 'adult' };
const address = { ship_line1: '12 Analytical Row', ship_line2: '', ship_postal_code: 'N1 9GU', ship_city: 'London', ship_country: 'GB' };
const billing = { organization: 'Difference Engines Ltd', billing_line1: '1 Babbage Court', billing_line2: '', billing_postal_code: 'N1 1AA', billing_city: 'London', billing_country: 'GB' };

async function addToCart(buyer: CartClient, slug: string, variantId: string, quantity = '1') {
  await buyer.get(`/products/${slug}`);
  let res = await buyer.post('/cart/add', { variant_id: variantId, quantity });
  // A browser that has no cookie yet is asked to confirm the first add (the cart's cookie notice).
  if (res.statusCode !== 303 && /name="confirm"/.test(res.body)) res = await buyer.post('/cart/add', { variant_id: variantId, quantity, confirm: '1' });
  assert.equal(res.statusCode, 303, res.body);
}

/** The data fields a form asks (the optional, unticked consent boxes are not data asked: test/consent-collection.test.ts). */
const inputNames = (body: string) =>
  [...new Set([...body.matchAll(/<(?:input|select)[^>]* name="([^"]+)"/g)].map((m) => m[1]!))].filter((n) => !['_csrf', 'idempotency_key', 'method', 'q'].includes(n) && !n.startsWith('consent_'));

testEachDatabase('[P000-01][P001-02] the checkout page asks exactly the declared fields: card + digital no address, physical adds it, invoice its own', async (database) => {
  const { app } = await buildTestApp(database, { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency', CHECKOUT_COUNTRIES: 'US,GB,NL,DE' });
  try {
    const shop = await makeShop(database.db);
    const buyer = newClient(app);
    await addToCart(buyer, 'vpn-licence', shop.vpn);
    const digital = await buyer.get('/checkout');
    assert.equal(digital.statusCode, 200, digital.body);
    assert.deepEqual(inputNames(digital.body), ['name', 'email', 'age']);
    assert.ok(keyOf(digital.body).length >= 16, 'the form carries an idempotency key');
    assert.match(digital.body, /never sees the card number/);

    const invoice = await buyer.get('/checkout?method=invoice');
    assert.deepEqual(inputNames(invoice.body), ['name', 'email', 'age', 'organization', 'billing_line1', 'billing_line2', 'billing_postal_code', 'billing_city', 'billing_country']);

    await addToCart(buyer, 'router', shop.rtr1);
    const physical = await buyer.get('/checkout');
    assert.deepEqual(inputNames(physical.body), ['name', 'email', 'age', 'ship_line1', 'ship_line2', 'ship_postal_code', 'ship_city', 'ship_country']);

    // The API lists the same fields per method, and refuses one the method does not declare.
    const api = await buyer.call('GET', '/api/checkout');
    assert.equal(api.statusCode, 200);
    const offered = (api.json() as { methods: { method: string; fields: { name: string; purpose: string }[] }[] }).methods;
    const card = offered.find((m) => m.method === 'card')!;
    assert.deepEqual(
      card.fields.map((f) => f.name),
      ['name', 'email', 'age', ...Object.keys(address)],
    );
    // Each field says why it is asked: a purpose of the data map, which may hold what the field collects.
    assert.deepEqual(
      card.fields.map((f) => `${f.name}:${f.purpose}`),
      ['name:fulfillment', 'email:fulfillment', 'age:account', ...Object.keys(address).map((n) => `${n}:fulfillment`)],
    );
    assert.deepEqual(
      offered.map((m) => m.method),
      ['card', 'bank-account', 'invoice'],
    );
    for (const m of offered) for (const f of m.fields) assert.ok(app.privacy.map.purposes.has(f.purpose), `${m.method} ${f.name}: "${f.purpose}" is a purpose of the data map`);
    const extra = await app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: { cookie: buyer.cookieHeaderValue(), 'content-type': 'application/json', 'idempotency-key': 'key-extra-0001' },
      payload: JSON.stringify({ method: 'card', ...guest, ...address, organization: 'ACME' }),
    });
    assert.equal(extra.statusCode, 400, extra.body);
    assert.deepEqual(
      extra.json().error.fields.map((f: { field: string }) => f.field),
      ['body.organization'],
    );
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: { cookie: buyer.cookieHeaderValue(), 'content-type': 'application/json', 'idempotency-key': 'key-extra-0002' },
      payload: JSON.stringify({ method: 'card', ...guest, ...address, shoe_size: '9' }),
    });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /shoe_size/);

    // The country is one of a list; the postal code fits the country; every wrong field is named at once.
    assert.match(physical.body, /<select id="f-ship_country" name="ship_country"[^>]*>[\s\S]*<option value="DE">Germany<\/option>/);
    const api400 = async (key: string, body: Record<string, string>) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/checkout',
        headers: { cookie: buyer.cookieHeaderValue(), 'content-type': 'application/json', 'idempotency-key': key },
        payload: JSON.stringify({ method: 'card', ...guest, ...address, ...body }),
      });
      assert.equal(res.statusCode, 400, res.body);
      return (res.json().error.fields as { field: string; message: string }[]).map((f) => f.field);
    };
    assert.deepEqual(await api400('key-narnia-0001', { ship_country: 'Narnia' }), ['body.ship_country']);
    // The shop delivers only to the countries it names (CHECKOUT_COUNTRIES).
    assert.doesNotMatch(physical.body, /<option value="FR">/);
    assert.deepEqual(await api400('key-france-0001', { ship_country: 'FR', ship_postal_code: '75001' }), ['body.ship_country']);
    assert.deepEqual(await api400('key-postal-0001', { ship_country: 'US', ship_postal_code: 'N1 9GU' }), ['body.ship_postal_code']);
    assert.deepEqual(await api400('key-postal-0002', { ship_country: 'NL', ship_postal_code: '12345' }), ['body.ship_postal_code']);
    assert.deepEqual(await api400('key-several-0001', { name: '', email: 'not-an-address', ship_city: '', ship_country: 'Narnia' }), [
      'body.name',
      'body.email',
      'body.ship_city',
      'body.ship_country',
    ]);
    const form = await buyer.post('/checkout', { idempotency_key: keyOf(physical.body), method: 'card', ...guest, ...address, email: 'nope', ship_postal_code: '1', ship_country: 'DE' });
    assert.equal(form.statusCode, 400);
    const listed = [...form.body.matchAll(/<li><a href="#f-([a-z_]+)">/g)].map((m) => m[1]);
    assert.deepEqual(listed, ['email', 'ship_postal_code'], 'the form lists every wrong field at once');
    assert.match(form.body, /is not a postal code of Germany/);
    assert.equal(await count(database.db, 'orders'), 0);
  } finally {
    await app.close();
  }
});

testEachDatabase('[P003-21] without a cart cookie checkout explains that cookies are needed', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const page = await app.inject({ method: 'GET', url: '/checkout' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Checkout needs a cookie/);
    const post = await app.inject({ method: 'POST', url: '/checkout', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'method=card&name=Ada' });
    assert.equal(post.statusCode, 400);
    assert.match(post.body, /Checkout needs a cookie/);
    const api = await app.inject({
      method: 'POST',
      url: '/api/checkout',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-no-cookies-1' },
      payload: JSON.stringify({ method: 'card' }),
    });
    assert.equal(api.json().error.code, 'COOKIES_REQUIRED');
  } finally {
    await app.close();
  }
});

testEachDatabase('[P002-03][P000-10][P003-22] invoice on account: guest checkout makes the account, keeps the order’s data in the kernel, holds the order for credit approval', async (database) => {
  const { app } = await buildTestApp(database, { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency', CHECKOUT_REQUIRE_PHONES: 'true' });
  try {
    const shop = await makeShop(database.db);
    const buyer = newClient(app);
    await addToCart(buyer, 'router', shop.rtr1, '2');
    const form = await buyer.get('/checkout?method=invoice');
    assert.deepEqual(inputNames(form.body).slice(3, 5), ['phone_home', 'phone_business']);
    const res = await buyer.post('/checkout', {
      idempotency_key: keyOf(form.body),
      method: 'invoice',
      ...guest,
      phone_home: '+44 20 7946 0001',
      phone_business: '+44 20 7946 0002',
      ...address,
      ...billing,
    });
    assert.equal(res.statusCode, 303, res.body);
    const done = await buyer.get(res.headers.location as string);
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /C-\d+/);
    assert.match(done.body, /credit approval/);

    const {
      rows: [order],
    } = await sql<{ id: string; status: string; customer_subject: string; customer_user_id: string }>`select id, status, customer_subject, customer_user_id from orders`.execute(database.db);
    assert.equal(order!.status, 'on_hold');
    assert.ok(order!.customer_user_id, 'the guest got an account');
    assert.equal(await count(database.db, 'checkout_credit_approvals'), 1);
    assert.equal(await stockOf(database.db, 'RTR-1'), 3);
    assert.equal((await buyer.get('/cart')).body.includes('Nighthawk Router'), false, 'the cart is empty');

    const actor = testActor('test');
    const main = await app.privacy.read(database.db, {
      subject: order!.customer_subject,
      actor,
      purpose: 'fulfillment',
      ref: `order:${order!.id}`,
      categories: ['user.name', 'user.contact.email', 'user.contact.address', 'user.contact.phone_number'],
    });
    assert.equal(main.values['user.name'], 'Ada Lovelace');
    assert.equal((main.values['user.contact.address'] as Record<string, string>).city, 'London');
    assert.equal(main.values['user.contact.phone_number'], '+44 20 7946 0001');
    const bill = await app.privacy.read(database.db, {
      subject: order!.customer_subject,
      actor,
      purpose: 'fulfillment',
      ref: `order:${order!.id}:billing`,
      categories: ['user.contact.organization', 'user.contact.address'],
    });
    assert.equal(bill.values['user.contact.organization'], 'Difference Engines Ltd');
    const age = await app.privacy.read(database.db, { subject: order!.customer_subject, actor, purpose: 'account', ref: `order:${order!.id}`, categories: ['user.demographic.age_range'] });
    assert.equal((age.values['user.demographic.age_range'] as Record<string, string>).statement, 'adult');
    // Business rows hold no personal data.
    const { rows } = await sql`select * from checkout_attempts`.execute(database.db);
    assert.ok(!JSON.stringify(rows).includes('Ada') && !JSON.stringify(rows).includes('London'));
  } finally {
    await app.close();
  }
});

/** Posts the checkout form without `missing` and returns the fields the page lists as wrong; shows nothing was written (no order, account, attempt or kernel row). */
async function refusedWithout(database: TestDatabase, env: Record<string, string>, method: string, body: Record<string, string>, missing: readonly string[]) {
  const { app } = await buildTestApp(database, env);
  try {
    const shop = await makeShop(database.db);
    const buyer = newClient(app);
    await addToCart(buyer, 'router', shop.rtr1);
    const form = await buyer.get(`/checkout?method=${method}`);
    const before = await tableMarks(database.db);
    const sent = Object.fromEntries(Object.entries(body).filter(([name]) => !missing.includes(name)));
    const res = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method, ...sent });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(await count(database.db, 'orders'), 0);
    assert.deepEqual(tablesWritten(before, await tableMarks(database.db), RECORDS_EVERY_REQUEST), [], 'a refused checkout writes nothing');
    return { listed: [...res.body.matchAll(/<li><a href="#f-([a-z_]+)">/g)].map((m) => m[1]), body: res.body };
  } finally {
    await app.close();
  }
}

testEachDatabase('[P002-03] a shop that requires phones refuses a checkout without the home and business phone: 400 naming both, no order', async (database) => {
  const env = { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency', CHECKOUT_REQUIRE_PHONES: 'true' };
  const full = { ...guest, phone_home: '+44 20 7946 0001', phone_business: '+44 20 7946 0002', ...address };
  const { listed, body } = await refusedWithout(database, env, 'card', full, ['phone_home', 'phone_business']);
  assert.deepEqual(listed, ['phone_home', 'phone_business']);
  assert.match(body, /Home phone/);
  assert.match(body, /Business phone/);
});

testEachDatabase('[P003-22] checkout refuses an order without the statement of age: 400 naming the field, no order', async (database) => {
  const { listed } = await refusedWithout(database, {}, 'card', { ...guest, ...address }, ['age']);
  assert.deepEqual(listed, ['age']);
});

testEachDatabase('[P000-01] a zero total is paid at once, without any payment field', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const shop = await makeShop(database.db);
    await sql`update catalogue_variants set price_minor = 0 where id = ${shop.vpn}`.execute(database.db);
    const buyer = newClient(app);
    await addToCart(buyer, 'vpn-licence', shop.vpn);
    const form = await buyer.get('/checkout');
    assert.deepEqual(inputNames(form.body), ['name', 'email', 'age']);
    assert.match(form.body, /Nothing to pay/);
    const res = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'free', ...guest });
    assert.equal(res.statusCode, 303, res.body);
    const { rows } = await sql<{ status: string }>`select status from orders`.execute(database.db);
    assert.deepEqual(
      rows.map((r) => r.status),
      ['paid'],
    );
  } finally {
    await app.close();
  }
});

testEachDatabase('checkout idempotency: a doubled POST with one key makes one order, and both get the same answer', async (database) => {
  const { app } = await buildTestApp(database, { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency' });
  try {
    const shop = await makeShop(database.db);
    const buyer = newClient(app);
    await addToCart(buyer, 'router', shop.rtr1);
    const form = await buyer.get('/checkout?method=invoice');
    const post = { idempotency_key: keyOf(form.body), method: 'invoice', ...guest, ...address, ...billing };
    const [a, b] = await Promise.all([buyer.post('/checkout', post), buyer.post('/checkout', post)]);
    assert.equal(a.statusCode, 303, a.body);
    assert.equal(b.statusCode, 303, b.body);
    assert.equal(a.headers.location, b.headers.location);
    assert.equal(await count(database.db, 'orders'), 1);
    assert.equal(await stockOf(database.db, 'RTR-1'), 4);
    // A later repeat too; the same key with another body is refused.
    assert.equal((await buyer.post('/checkout', post)).headers.location, a.headers.location);
    const reused = await buyer.post('/checkout', { ...post, name: 'Someone Else' });
    assert.equal(reused.statusCode, 422);
    assert.equal(await count(database.db, 'orders'), 1);
  } finally {
    await app.close();
  }
});

testEachDatabase('checkout: processor down → 503, the order cancelled with its reason, stock back, and a retry runs', async (database) => {
  const { app } = await buildTestApp(database, { SANDBOX_PROCESSOR_URL: 'http://127.0.0.1:9' });
  try {
    const shop = await makeShop(database.db);
    const buyer = newClient(app);
    await addToCart(buyer, 'router', shop.rtr1);
    const form = await buyer.get('/checkout');
    const post = { idempotency_key: keyOf(form.body), method: 'card', ...guest, ...address };
    const res = await buyer.post('/checkout', post);
    assert.equal(res.statusCode, 503, res.body);
    assert.match(res.body, /nothing was charged/i);
    assert.equal(await stockOf(database.db, 'RTR-1'), 5);
    const { rows } = await sql<{ status: string }>`select status from orders`.execute(database.db);
    assert.deepEqual(
      rows.map((r) => r.status),
      ['cancelled'],
    );
    const { rows: reasons } = await sql<{ reason: string | null }>`select reason from orders_transitions where reason is not null`.execute(database.db);
    assert.ok(
      reasons.some((r) => r.reason === 'payment_not_started'),
      JSON.stringify(reasons),
    );
    assert.equal(await count(database.db, 'idempotency_keys'), 0);
    // The same key runs again (and fails again the same way): no pending order is ever left.
    assert.equal((await buyer.post('/checkout', post)).statusCode, 503);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from orders where status = 'pending_payment'`.execute(database.db)).rows[0]!.n, 0);
  } finally {
    await app.close();
  }
});

testEachDatabase('checkout: stock gone between cart and checkout → 409 naming the SKU, nothing written', async (database) => {
  const { app } = await buildTestApp(database, { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency' });
  try {
    const shop = await makeShop(database.db);
    const buyer = newClient(app);
    await addToCart(buyer, 'router', shop.rtr1, '2');
    const form = await buyer.get('/checkout?method=invoice');
    await sql`update catalogue_variants set stock = 1 where sku = 'RTR-1'`.execute(database.db);
    const before = { users: await count(database.db, 'accounts_users'), outbox: await count(database.db, 'comms_outbox') };
    const res = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'invoice', ...guest, ...address, ...billing });
    assert.equal(res.statusCode, 409, res.body);
    assert.match(res.body, /RTR-1/);
    assert.equal(await count(database.db, 'orders'), 0);
    assert.equal(await count(database.db, 'accounts_users'), before.users, 'no account made');
    assert.equal(await count(database.db, 'comms_outbox'), before.outbox, 'no mail queued');
    assert.equal(await count(database.db, 'idempotency_keys'), 0);
    assert.equal(await stockOf(database.db, 'RTR-1'), 1);
  } finally {
    await app.close();
  }
});

testEachDatabase('checkout API: POST /api/checkout with an Idempotency-Key answers 201 with where to go next; a repeat replays it, marked', async (database) => {
  const { app } = await buildTestApp(database, { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency' });
  try {
    const shop = await makeShop(database.db);
    const buyer = newClient(app);
    await addToCart(buyer, 'vpn-licence', shop.vpn);
    const send = (key: string | null) =>
      app.inject({
        method: 'POST',
        url: '/api/checkout',
        headers: { cookie: buyer.cookieHeaderValue(), 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
        payload: JSON.stringify({ method: 'invoice', ...guest, ...billing }),
      });
    const missing = await send(null);
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /idempotency-key/);
    const first = await send('api-key-000000001');
    assert.equal(first.statusCode, 201, first.body);
    const answer = first.json() as { order_id: string; order_number: string; status: string; next_url: string };
    assert.equal(answer.status, 'on_hold');
    assert.match(answer.order_number, /^C-\d+$/);
    assert.equal(answer.next_url, `/checkout/done/${answer.order_id}`);
    const repeat = await send('api-key-000000001');
    assert.equal(repeat.statusCode, 201);
    assert.deepEqual(repeat.json(), answer);
    assert.equal(repeat.headers['idempotent-replayed'], 'true');
    assert.equal(await count(database.db, 'orders'), 1);
    // The published schema lists the checkout fields.
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, { post?: { requestBody?: unknown } }> };
    assert.match(JSON.stringify(spec.paths['/api/checkout']?.post?.requestBody), /ship_postal_code/);
  } finally {
    await app.close();
  }
});

testEachDatabase(
  '[P000-10] a signed-in customer checks out as themself: the form starts with their name, email and last addresses; the order is theirs, no other account is made',
  async (database) => {
    const { app } = await buildTestApp(database, { CHECKOUT_INVOICE_RECIPIENT: 'credit-agency' });
    try {
      const shop = await makeShop(database.db);
      const buyer = newClient(app);
      await signUpAndConfirm(buyer, database.db);
      const users = await count(database.db, 'accounts_users');
      await addToCart(buyer, 'vpn-licence', shop.vpn);
      const form = await buyer.get('/checkout?method=invoice');
      assert.match(form.body, new RegExp(`id="f-name"[^>]* value="${customer.name}"`), 'the saved name is filled in');
      assert.match(form.body, new RegExp(`id="f-email"[^>]* value="${customer.email}"`), 'the saved email is filled in');
      // The buyer may give the order another name or email; the order still belongs to the signed-in account.
      const res = await buyer.post('/checkout', { idempotency_key: keyOf(form.body), method: 'invoice', name: 'Philippa Q.', email: 'orders@quarrington.example', age: 'adult', ...billing });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(await count(database.db, 'accounts_users'), users, 'no account made');
      const {
        rows: [order],
      } = await sql<{ number: string; customer_user_id: string }>`select number, customer_user_id from orders`.execute(database.db);
      const {
        rows: [user],
      } = await sql<{ id: string }>`select id from accounts_users where kind = 'customer'`.execute(database.db);
      assert.equal(order!.customer_user_id, user!.id);
      assert.match((await buyer.get(res.headers.location as string)).body, /your orders/);
      assert.match((await buyer.get('/account/orders')).body, new RegExp(order!.number));
      // The next checkout starts from the invoice address of that order, read through the kernel as the customer.
      await addToCart(buyer, 'vpn-licence', shop.vpn);
      const again = (await buyer.get('/checkout?method=invoice')).body;
      assert.match(again, /id="f-billing_line1"[^>]* value="1 Babbage Court"/);
      assert.match(again, /<option value="GB" selected>United Kingdom<\/option>/);
      await app.privacy.flush();
      const subject = (await sql<{ subject_id: string }>`select subject_id from accounts_users where id = ${user!.id}`.execute(database.db)).rows[0]!.subject_id;
      const log = await app.privacy.accessLog(database.db, { subject, actor: selfActor(subject) });
      assert.ok(
        log.some((e) => e.by === 'self' && e.purpose === 'fulfillment' && e.categories.includes('user.contact.address')),
        'the prefill’s read of the address is in the customer’s access log',
      );
    } finally {
      await app.close();
    }
  },
);
