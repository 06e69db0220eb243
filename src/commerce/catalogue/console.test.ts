// The staff catalogue console over HTTP with real staff sessions: an owner adds a product with two
// variants, publishes it and it appears on /catalogue; bad fields come back as a 400 naming every
// one; bulk stock is all or nothing, naming the SKU; roles without the right get 403; the History
// names who changed what (and the JSON API's shared token as such).
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { staffClient, type FormClient } from '../../accounts/testing.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';

const password = 'quartz-meadow-47-lantern-sails';

async function page(client: FormClient, url: string) {
  const res = await client.get(url);
  assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 500)}`);
  return res.body;
}

/** Waits for the storefront to catch up (its cache drops on a NOTIFY), failing after 5 s. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 5000;
  while (!(await check())) {
    assert.ok(Date.now() < until, `${what}, within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A 403 for the role (not for a missing form token: the client holds one). */
async function refused(answer: Promise<{ statusCode: number; body: string }>, why: RegExp) {
  const res = await answer;
  assert.equal(res.statusCode, 403, res.body.slice(0, 500));
  assert.match(res.body, why);
}

async function post(client: FormClient, url: string, form: Record<string, string>, status = 303) {
  const res = await client.post(url, form);
  assert.equal(res.statusCode, status, `${url}: ${res.body.slice(0, 2000)}`);
  return res;
}

testEachDatabase('staff catalogue console: add, publish, bulk stock, roles and history', async (database, t) => {
  const { app, staffHeaders, config } = await buildTestApp(database);
  const { db } = database;
  const cur = config.currency;
  try {
    const owner = await staffClient(app, db, { name: 'Olive Owner', email: 'olive@shop.example', role: 'owner', password });
    const packer = await staffClient(app, db, { name: 'Pat Packer', email: 'pat@shop.example', role: 'fulfilment', password });
    const support = await staffClient(app, db, { name: 'Sam Support', email: 'sam@shop.example', role: 'support', password });
    let productId = '';
    const variantIds = new Map<string, string>();

    await t.test('the owner adds a vendor, a category and a draft product with two variants', async () => {
      await page(owner, '/staff/catalogue/vendors');
      await post(owner, '/staff/catalogue/vendors', { name: 'Corvid Networks', slug: '', website: 'https://corvid.example', description: '' });
      await page(owner, '/staff/catalogue/categories');
      await post(owner, '/staff/catalogue/categories', { name: 'Routers', slug: '', parent_id: '' });
      const form = await page(owner, '/staff/catalogue/products/new');
      const vendorId = /<option value="([0-9a-f-]{36})">Corvid Networks</.exec(form)?.[1];
      const categoryId = /<option value="([0-9a-f-]{36})">Routers</.exec(form)?.[1];
      assert.ok(vendorId && categoryId, 'the form offers the new vendor and category');
      const created = await post(owner, '/staff/catalogue/products', {
        name: 'Mesh Router X2',
        slug: '',
        description: 'Covers a house.',
        vendor_id: vendorId,
        category_id: categoryId,
        kind: 'physical',
        sku: 'MRX-1',
        variant_name: 'One unit',
        price: '89.5',
        currency: cur,
        stock: '4',
      });
      productId = /\/staff\/catalogue\/products\/([0-9a-f-]{36})\?done=created$/.exec(String(created.headers.location))?.[1] ?? '';
      assert.ok(productId, String(created.headers.location));
      await page(owner, `/staff/catalogue/products/${productId}`);
      await post(owner, `/staff/catalogue/products/${productId}/variants`, { sku: 'MRX-3', name: 'Three-pack', price: '239.00', currency: cur, stock: '2' });
      const body = await page(owner, `/staff/catalogue/products/${productId}?done=variant-added`);
      assert.match(body, /Variant added\./);
      assert.match(body, /Draft/);
      assert.match(body, new RegExp(`89\\.50 ${cur}`), 'the price shows in major units with its currency');
      assert.match(body, new RegExp(`239\\.00 ${cur}`));
      assert.doesNotMatch(body, /minor units/);
      for (const sku of ['MRX-1', 'MRX-3']) {
        const id = new RegExp(`/variants/([0-9a-f-]{36})">Edit<span class="visually-hidden"> ${sku}<`).exec(body)?.[1];
        assert.ok(id, `the page lists ${sku} with an edit link`);
        variantIds.set(sku, id);
      }
      assert.doesNotMatch((await app.inject({ url: '/catalogue' })).body, /Mesh Router X2/, 'a draft is not in the storefront');
    });

    await t.test('bad fields come back as a 400 naming every one of them', async () => {
      await page(owner, '/staff/catalogue/products/new');
      const res = await post(
        owner,
        '/staff/catalogue/products',
        { name: '', slug: 'Not A Slug', description: '', vendor_id: '', category_id: '', kind: 'physical', sku: 'has space', variant_name: '', price: '12.345', currency: cur, stock: 'lots' },
        400,
      );
      for (const [field, label] of [
        ['name', 'Name'],
        ['slug', 'Web address \\(slug\\)'],
        ['vendor_id', 'Vendor'],
        ['sku', 'SKU'],
        ['price', 'Price'],
        ['stock', 'Stock'],
      ]) {
        assert.match(res.body, new RegExp(`<a href="#f-${field}">${label}</a>`), `the summary names ${field}`);
        assert.match(res.body, new RegExp(`id="f-${field}"[^>]*aria-invalid="true"`), `${field} is marked invalid`);
      }
      assert.match(res.body, /value="has space"/, 'what was typed is kept');
      assert.equal((await owner.post('/staff/catalogue/products/not-a-uuid/status', { status: 'active' })).statusCode, 400, 'a bad address is a 400, not a lookup');
    });

    await t.test('published, the product is in the storefront', async () => {
      await page(owner, `/staff/catalogue/products/${productId}`);
      const res = await post(owner, `/staff/catalogue/products/${productId}/status`, { status: 'active' });
      assert.match(String(res.headers.location), /done=published$/);
      assert.match(await page(owner, `/staff/catalogue/products/${productId}?done=published`), /Published: the product is on sale/);
      // The storefront's cache drops on the commit's NOTIFY, which a PostgreSQL server delivers a moment later.
      await eventually(async () => /Mesh Router X2/.test((await app.inject({ url: '/catalogue' })).body), 'the storefront lists it');
      assert.equal((await app.inject({ url: '/products/mesh-router-x2' })).statusCode, 200);
    });

    await t.test('bulk stock saves all or nothing, naming the SKU', async () => {
      const stockOf = async () =>
        Object.fromEntries((await sql<{ sku: string; stock: number | null }>`select sku, stock from catalogue_variants where product_id = ${productId}`.execute(db)).rows.map((r) => [r.sku, r.stock]));
      const listing = await page(packer, '/staff/catalogue/stock?q=MRX');
      assert.match(listing, /MRX-1/);
      const one = `stock.${variantIds.get('MRX-1')}`;
      const three = `stock.${variantIds.get('MRX-3')}`;
      const bad = await post(packer, '/staff/catalogue/stock?q=MRX', { [one]: '7', [three]: '-2' }, 400);
      assert.match(bad.body, /Nothing was saved/);
      assert.match(bad.body, /<a href="#f-stock\.[0-9a-f-]{36}">MRX-3<\/a>/, 'the error names the SKU');
      assert.deepEqual(await stockOf(), { 'MRX-1': 4, 'MRX-3': 2 }, 'nothing was written');
      const good = await post(packer, '/staff/catalogue/stock?q=MRX', { [one]: '7', [three]: '' });
      assert.match(String(good.headers.location), /done=stock-saved/);
      assert.deepEqual(await stockOf(), { 'MRX-1': 7, 'MRX-3': null });
      // The JSON API runs the same command: all or nothing there too.
      const ghost = '00000000-0000-4000-8000-000000000000';
      const api = await app.inject({
        method: 'POST',
        url: '/api/staff/stock',
        headers: staffHeaders,
        payload: {
          items: [
            { variant_id: variantIds.get('MRX-1'), stock: 9 },
            { variant_id: ghost, stock: 1 },
          ],
        },
      });
      assert.equal(api.statusCode, 400, api.body);
      assert.deepEqual(api.json().error.fields, [{ field: `body.stock.${ghost}`, message: 'names no variant' }]);
      assert.deepEqual(await stockOf(), { 'MRX-1': 7, 'MRX-3': null });
    });

    await t.test('a role that may not edit gets 403, and its pages offer no forms it may not use', async () => {
      const details = { name: 'Hijacked', slug: 'mesh-router-x2', description: '', vendor_id: '', category_id: '', kind: 'physical' };
      await page(packer, `/staff/catalogue/products/${productId}`);
      await refused(packer.post(`/staff/catalogue/products/${productId}`, details), /Only an owner changes products/);
      await refused(packer.post(`/staff/catalogue/products/${productId}/status`, { status: 'archived' }), /Only an owner changes products/);
      await refused(packer.get('/staff/catalogue/products/new'), /Only an owner changes products/);
      await page(support, '/staff');
      const seen = await page(support, `/staff/catalogue/products/${productId}`);
      assert.doesNotMatch(seen, /<button type="submit">(Save details|Add variant|Publish|Archive|Remove)/);
      assert.match(seen, /Mesh Router X2/);
      await refused(support.get('/staff/catalogue/stock'), /Only an owner or fulfilment staff set stock/);
      await refused(support.post('/staff/catalogue/stock', { [`stock.${variantIds.get('MRX-1')}`]: '0' }), /Only an owner or fulfilment staff set stock/);
      const { rows } = await sql<{ name: string; status: string }>`select name, status from catalogue_products where id = ${productId}`.execute(db);
      assert.deepEqual(rows[0], { name: 'Mesh Router X2', status: 'active' });
    });

    await t.test('categories are added, renamed and moved in the tree; a loop is refused naming the parent', async () => {
      await page(owner, '/staff/catalogue/categories');
      await post(owner, '/staff/catalogue/categories', { name: 'Networking', slug: '', parent_id: '' });
      const ids = async () => Object.fromEntries((await sql<{ slug: string; id: string }>`select slug, id from catalogue_categories`.execute(db)).rows.map((r) => [r.slug, r.id]));
      const { routers, networking } = await ids();
      assert.ok(routers && networking);
      await page(owner, '/staff/catalogue/categories');
      await post(owner, `/staff/catalogue/categories/${routers}`, { [`name-${routers}`]: 'Routers & mesh', [`parent_id-${routers}`]: networking });
      const tree = await page(owner, '/staff/catalogue/categories?done=category-saved');
      assert.match(tree, /<strong>Networking<\/strong>[\s\S]*<ul><li><strong>Routers &amp; mesh<\/strong>/, 'the renamed category sits under its new parent');
      const loop = await post(owner, `/staff/catalogue/categories/${networking}`, { [`name-${networking}`]: 'Networking', [`parent_id-${networking}`]: routers }, 400);
      assert.match(loop.body, /would make the category its own ancestor/);
      assert.match(loop.body, new RegExp(`id="f-parent_id-${networking}"[^>]*aria-invalid="true"`));
      await refused(support.post(`/staff/catalogue/categories/${routers}`, { [`name-${routers}`]: 'Mine' }), /Only an owner changes products/);
    });

    await t.test('the History names who changed what, the API token included', async () => {
      const api = await app.inject({ method: 'PATCH', url: `/api/staff/products/${productId}/variants/${variantIds.get('MRX-3')}`, headers: staffHeaders, payload: { price_minor: 24_500 } });
      assert.equal(api.statusCode, 200, api.body);
      const body = await page(owner, `/staff/catalogue/products/${productId}`);
      const history = body.slice(body.indexOf('<h2>History</h2>'));
      assert.match(history, /Olive Owner/);
      assert.match(history, /Pat Packer/);
      assert.match(history, /stock: 4 → 7/);
      assert.match(history, /status: draft → active/);
      assert.match(history, /the shop’s API token/);
      assert.match(history, new RegExp(`price: 239\\.00 ${cur} → 245\\.00 ${cur}`));
      // A role that may not read staff names sees roles instead.
      assert.match(await page(packer, `/staff/catalogue/products/${productId}`), /a staff member \(owner\)/);
      const { rows } = await sql<{ via: string; n: number }>`select via, count(*)::int as n from catalogue_changes where product_id = ${productId} and staff_id is not null group by via`.execute(db);
      assert.deepEqual(rows, [{ via: 'console', n: rows[0]?.n ?? 0 }]);
      assert.ok((rows[0]?.n ?? 0) >= 5, 'every console change is recorded with its staff member');
    });

    await t.test('every catalogue table is the kit’s table: a card per row on a phone, each cell naming its column', async () => {
      const pages = {
        products: await page(owner, '/staff/catalogue'),
        product: await page(owner, `/staff/catalogue/products/${productId}`),
        stock: await page(owner, '/staff/catalogue/stock?q=MRX'),
        vendors: await page(owner, '/staff/catalogue/vendors'),
      };
      for (const [name, body] of Object.entries(pages)) {
        assert.match(body, /<div class="kit-table-wrap"><table class="kit-table/, `${name}: on table()`);
        assert.doesNotMatch(body, /stack-table/, `${name}: no old markup`);
      }
      assert.match(pages.products, /<th scope="row" data-label="Product"><a href="\/staff\/catalogue\/products\/[0-9a-f-]{36}">Mesh Router X2<\/a><\/th><td data-label="Status">/);
      assert.match(pages.products, /<td data-label="Variants" class="num">2<\/td>/);
      assert.match(pages.product, /<th scope="row" data-label="SKU">MRX-1<\/th><td data-label="Name">One unit<\/td><td data-label="Price" class="num">/);
      assert.match(pages.product, /<td data-label="Who">Olive Owner<\/td>/, 'the History too');
      assert.match(pages.stock, /<th scope="row" data-label="SKU"><label for="f-stock\.[0-9a-f-]{36}">MRX-1<\/label><\/th>/);
      assert.match(pages.vendors, /<td data-label="Website">https:\/\/corvid\.example<\/td>/);
    });

    await t.test('archived, it leaves the storefront; the last variant cannot be removed', async () => {
      await page(owner, `/staff/catalogue/products/${productId}`);
      await post(owner, `/staff/catalogue/products/${productId}/variants/${variantIds.get('MRX-3')}/remove`, {});
      const last = await post(owner, `/staff/catalogue/products/${productId}/variants/${variantIds.get('MRX-1')}/remove`, {}, 409);
      assert.match(last.body, /last variant; archive the product instead/);
      const res = await post(owner, `/staff/catalogue/products/${productId}/status`, { status: 'archived' });
      assert.match(String(res.headers.location), /done=archived$/);
      await eventually(async () => (await app.inject({ url: '/products/mesh-router-x2' })).statusCode === 404, 'the product page is gone');
      const listed = await page(owner, '/staff/catalogue?status=archived');
      assert.match(listed, /Mesh Router X2[\s\S]*Archived/);
    });
  } finally {
    await app.close();
  }
});
