// The key store on its own: sealed values open only for their row, uploads refuse what is not a
// digital variant of the uploader's vendor, and the claim hands each key out once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { makeShop } from '../cart/testing.ts';
import { createProduct, createVendor } from '../catalogue/index.ts';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { claimKeys, keyCounts, openKey, sealKey, uploadLicenceKeys } from './keys.ts';

testEachDatabase('licence keys: sealed per row, uploads checked, each key claimed once', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const db = database.db;
    const vault = app.privacy;
    const id = randomUUID();
    const sealed = sealKey(vault, id, 'ABCD-1234');
    assert.equal(openKey(vault, id, sealed), 'ABCD-1234');
    assert.ok(!sealed.includes(Buffer.from('ABCD-1234')), 'the key is not in its sealed form');
    assert.throws(() => openKey(vault, randomUUID(), sealed), 'a sealed key moved to another row does not open');

    const shop = await makeShop(db);
    const refusal = async (upload: Parameters<typeof uploadLicenceKeys>[2]) => {
      try {
        await uploadLicenceKeys(vault, db, upload);
        return 'accepted';
      } catch (err) {
        return (err as { fields?: { field: string }[] }).fields?.map((f) => f.field).join(',');
      }
    };
    assert.equal(await refusal({ variantId: shop.rtr1, text: 'ABCD-0001', by: 'system:test' }), 'variantId', 'a physical product takes no keys');
    const other = await createVendor(db, { slug: 'other', name: 'Other' });
    assert.equal(await refusal({ variantId: shop.vpn, text: 'ABCD-0001', by: 'vendor:x', vendorId: other.id }), 'variantId', "another vendor's product is not found");
    assert.equal(await refusal({ variantId: shop.vpn, text: '\n \n', by: 'system:test' }), 'keys');
    assert.equal(await refusal({ variantId: shop.vpn, text: 'ok-key-1\nmail@example.com', by: 'system:test' }), 'keys');

    const result = await uploadLicenceKeys(vault, db, { variantId: shop.vpn, text: 'K-0001\nK-0002\nK-0003\nK-0002', by: 'system:test' });
    assert.deepEqual(result, { added: 3, duplicates: 1, duplicateLines: [4] });
    assert.deepEqual((await uploadLicenceKeys(vault, db, { variantId: shop.vpn, text: 'K-0003\nK-0004', by: 'system:test' })).duplicateLines, [1]);

    // Two orders claim at once, more than there is: four keys, each to one of them.
    const [a, b] = [randomUUID(), randomUUID()];
    const at = new Date();
    const claimed = await Promise.all([a, b].map((orderId) => db.transaction().execute((trx) => claimKeys(trx, { variantId: shop.vpn, orderId, linePosition: 0, count: 3, at }))));
    assert.equal(claimed[0]! + claimed[1]!, 4);
    assert.deepEqual(await keyCounts(db, [shop.vpn]), new Map([[shop.vpn, { available: 0, assigned: 4, revoked: 0 }]]));
    // A product of another vendor with its own keys is not touched.
    const lamp = await createProduct(db, { slug: 'lamp-licence', name: 'Lamp Licence', vendor_id: other.id, kind: 'digital', variants: [{ sku: 'LAMP-1', price_minor: 100 }] }, { currency: 'USD' });
    assert.equal((await uploadLicenceKeys(vault, db, { variantId: lamp.variants[0]!.id, text: 'L-0001', by: 'vendor:x', vendorId: other.id })).added, 1);
  } finally {
    await app.close();
  }
});
