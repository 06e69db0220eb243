import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { signUpAndConfirm, staffClient } from '../../accounts/testing.ts';
import { selfActor } from '../../privacy/index.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { SAVED_LIST_CATEGORY, SAVED_LIST_PURPOSE, savedListRef } from './saved.ts';
import { makeShop, newClient } from './testing.ts';

const alice = { name: 'Alice Wrenfield', email: 'alice.wrenfield@example.com', password: 'plum-kettle-harbour-42' };
const bob = { name: 'Bob Tarrant', email: 'bob.tarrant@example.com', password: 'cedar-lamp-orbit-17' };

testEachDatabase(
  '[P002-07] saved baskets and gift lists: the owner saves, views, restores and deletes them; nobody else sees them',
  async (database) => {
    const { app, logs } = await buildTestApp(database);
    try {
      const { db } = database;
      const shop = await makeShop(db);
      const signedOut = newClient(app);
      const out = await signedOut.get('/account/baskets');
      assert.equal(out.statusCode, 303);
      assert.equal(out.headers.location, '/account/login');

      const a = newClient(app);
      await signUpAndConfirm(a, db, alice);
      assert.match((await a.get('/account')).body, /href="\/account\/baskets"/, 'the account page links them');
      assert.match((await a.get('/account/baskets')).body, /Your cart is empty/);
      await a.get('/account/lists');
      assert.equal((await a.post('/cart/add', { variant_id: shop.rtr1, quantity: '2' })).statusCode, 303);
      assert.equal((await a.post('/cart/add', { variant_id: shop.vpn, quantity: '1' })).statusCode, 303);

      // Save the cart as a named basket.
      assert.match((await a.get('/account/baskets')).body, /Save your cart \(2 items\) as/);
      const noName = await a.post('/account/baskets', { name: '  ' });
      assert.equal(noName.statusCode, 400);
      assert.match(noName.body, /name: is required/);
      const saved = await a.post('/account/baskets', { name: 'Office kit' });
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
      const index = await a.get('/account/baskets');
      assert.match(index.body, /Office kit/);
      const basketId = /href="\/account\/baskets\/([0-9a-f-]{36})"/.exec(index.body)![1]!;
      const basket = await a.get(`/account/baskets/${basketId}`);
      assert.equal(basket.statusCode, 200);
      assert.match(basket.body, /RTR-1/);
      assert.match(basket.body, /VPN-1Y/);

      // Empty the cart, then put the basket back into it.
      await a.post('/cart/remove', { variant_id: shop.rtr1 });
      await a.post('/cart/remove', { variant_id: shop.vpn });
      const restored = await a.post(`/account/baskets/${basketId}/to-cart`, {});
      assert.equal(restored.statusCode, 303);
      assert.equal(restored.headers.location, '/cart?added=2&skipped=0');
      const cart = (await a.call('GET', '/api/cart')).json() as { lines: { sku: string; quantity: number }[] };
      assert.deepEqual(
        cart.lines.map((l) => [l.sku, l.quantity]),
        [
          ['RTR-1', 2],
          ['VPN-1Y', 1],
        ],
      );

      // A gift list with items added by SKU.
      await a.get('/account/lists');
      const created = await a.post('/account/lists', { name: 'Birthday wishes' });
      assert.equal(created.statusCode, 303);
      const listPath = created.headers.location as string;
      assert.match(listPath, /^\/account\/lists\/[0-9a-f-]{36}$/);
      const listId = listPath.split('/').at(-1)!;
      await a.get(listPath);
      assert.equal((await a.post(`${listPath}/items`, { sku: 'VPN-1Y', quantity: '3' })).statusCode, 303);
      const unknownSku = await a.post(`${listPath}/items`, { sku: 'NOPE-1', quantity: '1' });
      assert.equal(unknownSku.statusCode, 404);
      assert.match(unknownSku.body, /sku: no item has this SKU/);
      assert.equal((await a.post(`${listPath}/items`, { sku: 'MDM-0', quantity: '1' })).statusCode, 422);
      assert.equal((await a.post(`${listPath}/items`, { sku: 'VPN-1Y', quantity: '0' })).statusCode, 400);
      const list = await a.get(listPath);
      assert.match(list.body, /Birthday wishes/);
      assert.match(list.body, /VPN-1Y<\/code><\/td><td data-label="Price" class="num">\$49\.99<\/td><td data-label="Quantity" class="num">3</);

      // Names and contents are in the kernel only: the cart's tables hold ids, kinds and times.
      const rows = JSON.stringify((await sql`select * from cart_saved_lists`.execute(db)).rows);
      assert.doesNotMatch(rows, /Office kit|Birthday|VPN-1Y|RTR-1/);
      const { rows: columns } = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_name = 'cart_saved_lists' order by column_name`.execute(db);
      assert.deepEqual(
        columns.map((c) => c.column_name),
        ['created_at', 'id', 'kind', 'subject_id', 'updated_at'],
      );
      const subject = (await sql<{ subject_id: string }>`select subject_id from cart_saved_lists where id = ${basketId}::uuid`.execute(db)).rows[0]!.subject_id;
      const record = await app.privacy.read(db, { subject, actor: selfActor(subject), purpose: SAVED_LIST_PURPOSE, categories: [SAVED_LIST_CATEGORY], ref: savedListRef('basket', basketId) });
      assert.equal((record.values[SAVED_LIST_CATEGORY] as { name: string }).name, 'Office kit');

      // Another customer: not found, whatever they try; their own pages list nothing of Alice's.
      const b = newClient(app);
      await signUpAndConfirm(b, db, bob);
      await b.get('/account/lists');
      for (const path of [`/account/baskets/${basketId}`, `/account/lists/${listId}`, `/account/lists/${basketId}`]) {
        assert.equal((await b.get(path)).statusCode, 404, path);
      }
      for (const [path, form] of [
        [`/account/baskets/${basketId}/delete`, {}],
        [`/account/baskets/${basketId}/to-cart`, {}],
        [`/account/lists/${listId}/items`, { sku: 'RTR-1', quantity: '1' }],
        [`/account/lists/${listId}/items/remove`, { variant_id: shop.vpn }],
      ] as const) {
        assert.equal((await b.post(path, form)).statusCode, 404, path);
      }
      assert.doesNotMatch((await b.get('/account/baskets')).body, /Office kit/);
      assert.doesNotMatch((await b.get('/account/lists')).body, /Birthday wishes/);

      // Staff are not customers: these pages are not theirs.
      const staff = await staffClient(app, db, { name: 'Sam Support', email: 'sam.support@example.com', role: 'owner', password: 'staff-password-long-enough-1' });
      for (const path of ['/account/baskets', `/account/baskets/${basketId}`, `/account/lists/${listId}`]) {
        const res = await staff.get(path);
        assert.ok(res.statusCode === 401 || res.statusCode === 403, `${path}: ${res.statusCode}`);
        assert.doesNotMatch(res.body, /Office kit|Birthday wishes/);
      }

      assert.doesNotMatch(JSON.stringify(logs), /Office kit|Birthday wishes/, 'list names never reach the logs');

      // Alice deletes both; the kernel item is overwritten with nothing.
      await a.get(listPath);
      assert.equal((await a.post(`${listPath}/items/remove`, { variant_id: shop.vpn })).statusCode, 303);
      assert.match((await a.get(listPath)).body, /This list is empty/);
      const asked = await a.post(`${listPath}/delete`, {});
      assert.match(asked.body, /Delete the gift list “Birthday wishes”\?/, 'deleting asks first');
      assert.equal((await a.get(listPath)).statusCode, 200, 'nothing is deleted before the confirmation');
      assert.equal((await a.post(`${listPath}/delete`, { confirm: '1' })).statusCode, 303);
      assert.match((await a.get('/account/lists')).body, /The gift list is deleted\./);
      assert.equal((await a.post(`/account/baskets/${basketId}/delete`, { confirm: '1' })).statusCode, 303);
      assert.equal((await a.get(`/account/baskets/${basketId}`)).statusCode, 404);
      assert.equal((await a.get(listPath)).statusCode, 404);
      const gone = await app.privacy.read(db, { subject, actor: selfActor(subject), purpose: SAVED_LIST_PURPOSE, categories: [SAVED_LIST_CATEGORY], ref: savedListRef('basket', basketId) });
      assert.equal(gone.values[SAVED_LIST_CATEGORY] ?? null, null);
    } finally {
      await app.close();
    }
  },
  { timeout: 120_000 },
);
