import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { DEMO_KEYS_PER_VARIANT, seedDemoLicenceKeys } from './licence-keys.ts';
import { seedDemoShop } from './seed.ts';
import { demoProducts } from './shop-data.ts';

testEachDatabase('demo shop: every digital variant gets its licence keys once, sealed', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await seedDemoShop(database.db);
    const digital = demoProducts.filter((p) => p.kind === 'digital').flatMap((p) => p.variants);
    assert.ok(digital.length > 5);
    assert.equal(await seedDemoLicenceKeys(database.db, app.privacy), digital.length * DEMO_KEYS_PER_VARIANT);
    const { rows } = await sql<{ sku: string; n: number }>`
      select v.sku, count(k.id)::int as n from catalogue_variants v join delivery_keys k on k.variant_id = v.id and k.state = 'available' group by v.sku`.execute(database.db);
    assert.deepEqual(new Map(rows.map((r) => [r.sku, r.n])), new Map(digital.map((v) => [v.sku, DEMO_KEYS_PER_VARIANT])));
    assert.equal(await seedDemoLicenceKeys(database.db, app.privacy), 0, 'a second run adds none');
  } finally {
    await app.close();
  }
});
