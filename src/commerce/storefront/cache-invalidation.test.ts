import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { seedDemoShop } from '../../demo/index.ts';
import { notifyCatalogueChanged } from '../catalogue/index.ts';
import { eventually } from './test-support.ts';

const accept = { accept: 'text/html' };

testEachDatabase('storefront: a product change shows without a restart once its transaction notifies', async (database) => {
  // Seeded before the app listens, so the seed's own notification cannot clear the cache mid-test.
  await seedDemoShop(database.db);
  const { app } = await buildTestApp(database);
  try {
    const url = '/products/corvid-usb-c-dock';
    const get = async () => (await app.inject({ url, headers: accept })).body;
    const listing = async () => (await app.inject({ url: '/categories/accessories', headers: accept })).body;
    assert.match(await get(), /<h1>Corvid USB-C Dock<\/h1>/);
    assert.match(await listing(), />Corvid USB-C Dock</);

    // Without the notification the cached page stays: the cache, not luck, is what is invalidated.
    await sql`update catalogue_products set name = 'Corvid USB-C Dock (silent edit)' where slug = 'corvid-usb-c-dock'`.execute(database.db);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.match(await get(), /<h1>Corvid USB-C Dock<\/h1>/);

    // A rolled-back change sends nothing and changes nothing.
    await assert.rejects(
      database.db.transaction().execute(async (trx) => {
        await sql`update catalogue_products set name = 'Never committed' where slug = 'corvid-usb-c-dock'`.execute(trx);
        await notifyCatalogueChanged(trx);
        throw new Error('roll back');
      }),
      /roll back/,
    );

    await database.db.transaction().execute(async (trx) => {
      await sql`update catalogue_products set name = 'Corvid USB-C Dock Pro' where slug = 'corvid-usb-c-dock'`.execute(trx);
      await sql`update catalogue_variants set price_minor = 19900, stock = 0 where sku = 'CV-DOCK-C'`.execute(trx);
      await notifyCatalogueChanged(trx);
    });
    await eventually(async () => (await get()).includes('<h1>Corvid USB-C Dock Pro</h1>'));
    const page = await get();
    assert.match(page, /\$199\.00/);
    assert.match(page, /Out of stock/);
    assert.doesNotMatch(page, /Never committed/);
    assert.match(await listing(), />Corvid USB-C Dock Pro</);
  } finally {
    await app.close();
  }
});
