import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { buildTestApp } from '../platform/testing/app.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { seedDemoDownloads } from './downloads.ts';
import { seedDemoShop } from './seed.ts';
import { demoProducts } from './shop-data.ts';

testEachDatabase('demo shop: every digital variant gets a downloadable file once, sealed under DATA_DIR/downloads', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    await seedDemoShop(database.db);
    const digital = demoProducts.filter((p) => p.kind === 'digital').flatMap((p) => p.variants);
    const settings = { dataDir: app.config.dataDir, maxBytes: app.config.downloads.maxBytes };
    assert.equal(await seedDemoDownloads(database.db, app.privacy, settings), digital.length);
    const { rows } = await sql<{ sku: string; name: string }>`select v.sku, f.name from delivery_files f join catalogue_variants v on v.id = f.variant_id`.execute(database.db);
    assert.deepEqual(new Set(rows.map((r) => r.sku)), new Set(digital.map((v) => v.sku)));
    const files = readdirSync(join(app.config.dataDir, 'downloads'));
    assert.equal(files.length, digital.length);
    assert.ok(!readFileSync(join(app.config.dataDir, 'downloads', files[0]!)).includes(Buffer.from('demo shop')), 'sealed, not plain text');
    assert.equal(await seedDemoDownloads(database.db, app.privacy, settings), 0, 'a second run adds none');
  } finally {
    await app.close();
  }
});
