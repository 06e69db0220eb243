import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mediaStorage } from '../media/index.ts';
import { seedDemoShop } from './seed.ts';
import { demoCategories, demoProducts, demoVendors } from './shop-data.ts';

async function count(database: { db: Db }, table: 'vendors' | 'categories' | 'products' | 'variants') {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(`catalogue_${table}`)}`.execute(database.db);
  return rows[0]!.n;
}

testEachDatabase('demo shop: loads once into an empty catalogue with a picture per product, and a second run loads nothing', async (database) => {
  const media = mediaStorage({ dataDir: mkdtempSync(join(tmpdir(), 'custodian-demo-')) });
  const started = performance.now();
  assert.equal(await seedDemoShop(database.db, { media }), true);
  const ms = performance.now() - started;
  const { rows } = await sql<{ image_id: string; widths: number[]; alt: string; name: string }>`select i.image_id, i.widths, i.alt, p.name
    from catalogue_products p left join catalogue_product_images i on i.product_id = p.id`.execute(database.db);
  assert.equal(rows.length, demoProducts.length);
  for (const row of rows) {
    assert.deepEqual(row.widths, [320, 640], row.name);
    assert.equal(row.alt, `Illustration of ${row.name}`);
    assert.ok((await media.get(`${row.image_id}/640.webp`))?.subarray(8, 12).equals(Buffer.from('WEBP')), row.name);
    assert.doesNotMatch(row.name, /[<>&"]/, 'the demo shows ordinary names; the HTML-special one is made by the tests that need it');
  }
  console.log(`demo shop with pictures seeded in ${Math.round(ms)} ms`);
  assert.equal(await seedDemoShop(database.db), false);
  assert.equal(await count(database, 'vendors'), demoVendors.length);
  assert.equal(await count(database, 'categories'), demoCategories.length);
  assert.equal(await count(database, 'products'), demoProducts.length);
  assert.equal(
    await count(database, 'variants'),
    demoProducts.reduce((n, p) => n + p.variants.length, 0),
  );
});

testEachDatabase('demo shop: two loads at once still load one shop', async (database) => {
  const results = await Promise.all([seedDemoShop(database.db), seedDemoShop(database.db)]);
  assert.deepEqual([...results].sort(), [false, true]);
  assert.equal(await count(database, 'products'), demoProducts.length);
});

testEachDatabase('demo shop: does not load into a catalogue that already holds anything', async (database) => {
  await sql`insert into catalogue_vendors (slug, name) values ('our-own', 'Our own vendor')`.execute(database.db);
  assert.equal(await seedDemoShop(database.db), false);
  assert.equal(await count(database, 'vendors'), 1);
  assert.equal(await count(database, 'products'), 0);
});

testEachDatabase('demo shop: the shape the storefront promises', async (database) => {
  await seedDemoShop(database.db);
  const { rows } = await sql<{ kind: string; status: string; stock: number | null; price_minor: number; currency: string; category: string; parent: string | null }>`
    select p.kind, p.status, v.stock, v.price_minor, v.currency, c.slug as category, pc.slug as parent
    from catalogue_products p join catalogue_variants v on v.product_id = p.id
    join catalogue_categories c on c.id = p.category_id left join catalogue_categories pc on pc.id = c.parent_id`.execute(database.db);
  const { rows: active } = await sql<{ n: number }>`select count(*)::int as n from catalogue_products where status = 'active'`.execute(database.db);
  assert.ok(active[0]!.n >= 22, 'at least 22 products on sale');
  assert.ok(demoVendors.length >= 3 && demoVendors.length <= 5);
  for (const kind of ['digital', 'physical', 'service'])
    assert.ok(
      rows.some((r) => r.kind === kind),
      kind,
    );
  for (const r of rows) {
    assert.equal(r.currency, 'USD');
    assert.ok(Number.isInteger(r.price_minor) && r.price_minor > 0);
    assert.equal(r.stock === null, r.kind !== 'physical', 'stock is tracked on physical goods only');
    assert.notEqual(r.parent, null, 'products sit on leaf shelves of the tree');
  }
  assert.ok(rows.some((r) => r.category === 'telecom') && rows.some((r) => r.category === 'monitoring'));
  assert.ok(
    rows.some((r) => r.stock === 0),
    'something is out of stock',
  );
});
