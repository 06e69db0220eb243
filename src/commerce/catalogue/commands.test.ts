import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../platform/errors.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { addVariant, archiveProduct, createCategory, createProduct, createVendor, deleteVariant, updateCategory, updateVendor } from './commands.ts';
import { CATALOGUE_CHANGED } from './events.ts';
import { getVendorBySlug } from './queries.ts';

const usd = { currency: 'USD' };

async function rejectsWith(promise: Promise<unknown>, code: string, field: string): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.deepEqual(
      err.fields.map((f) => f.field),
      [field],
      err.message,
    );
    return err;
  }
  assert.fail(`expected ${code} naming ${field}`);
}

testEachDatabase('catalogue commands check their input without any HTTP schema', async ({ db }) => {
  const vendor = await createVendor(db, { slug: 'acme', name: 'Acme' });
  const product = (slugOrVariant: object) => createProduct(db, { slug: 'p', name: 'P', vendor_id: vendor.id, kind: 'digital', variants: [{ sku: 'P-1', price_minor: 1 }], ...slugOrVariant }, usd);

  await rejectsWith(createVendor(db, { slug: 'a'.repeat(81), name: 'A' }), 'VALIDATION_FAILED', 'slug');
  await rejectsWith(createVendor(db, { slug: 'b', name: 'x'.repeat(201) }), 'VALIDATION_FAILED', 'name');
  await rejectsWith(createVendor(db, { slug: 'b', name: 'B', website: 'ftp://b.example' }), 'VALIDATION_FAILED', 'website');
  await rejectsWith(createVendor(db, { slug: 'acme', name: 'Again' }), 'CONFLICT', 'slug');
  await rejectsWith(product({ variants: [{ sku: 'P-1', price_minor: 2 ** 31 }] }), 'VALIDATION_FAILED', 'variants.0.price_minor');
  await rejectsWith(product({ variants: [{ sku: 'P-1', price_minor: 1.5 }] }), 'VALIDATION_FAILED', 'variants.0.price_minor');
  await rejectsWith(product({ variants: [{ sku: 'x'.repeat(65), price_minor: 1 }] }), 'VALIDATION_FAILED', 'variants.0.sku');
  await rejectsWith(product({ variants: [{ sku: 'P-1', price_minor: 1, currency: 'usd' }] }), 'VALIDATION_FAILED', 'variants.0.currency');
  await rejectsWith(product({ variants: [{ sku: 'P-1', price_minor: 1, stock: -1 }] }), 'VALIDATION_FAILED', 'variants.0.stock');
  await rejectsWith(product({ variants: [] }), 'VALIDATION_FAILED', 'variants');
  await rejectsWith(product({ vendor_id: 'acme' }), 'VALIDATION_FAILED', 'vendor_id');
  await rejectsWith(product({ kind: 'food' }), 'VALIDATION_FAILED', 'kind');
  await rejectsWith(product({ description: 'x'.repeat(20001) }), 'VALIDATION_FAILED', 'description');
  await rejectsWith(updateVendor(db, vendor.id, {}), 'VALIDATION_FAILED', '');
  await rejectsWith(updateVendor(db, '6f1c2b8e-1d2a-4c3b-9e4f-5a6b7c8d9e0f', { name: 'Ghost' }), 'NOT_FOUND', 'id');

  const created = await product({});
  assert.equal(created.variants[0]?.currency, 'USD', 'the shop currency is the default');
  assert.equal(created.variants[0]?.name, 'Standard');
  const archived = await archiveProduct(db, created.id);
  assert.equal(archived.status, 'archived');
  assert.ok(archived.updated_at >= created.updated_at);
});

testEachDatabase('every catalogue write notifies other processes, once it commits', async (database) => {
  const { db } = database;
  const seen: string[] = [];
  const unlisten = await database.listen(CATALOGUE_CHANGED, (payload) => seen.push(payload));
  try {
    const vendor = await createVendor(db, { slug: 'acme', name: 'Acme' });
    const waitFor = async (n: number) => {
      for (let i = 0; i < 100 && seen.length < n; i++) await sleep(20);
      assert.equal(seen.length, n);
    };
    await waitFor(1);
    await updateVendor(db, vendor.id, { name: 'Acme Inc' });
    await waitFor(2);
    // Rolled back with the caller's transaction: no notification, no vendor.
    await db
      .transaction()
      .execute(async (trx) => {
        await createVendor(trx, { slug: 'temp', name: 'Temp' });
        throw new Error('changed my mind');
      })
      .catch(() => {});
    await sleep(200);
    assert.equal(seen.length, 2);
    assert.equal(await getVendorBySlug(db, 'temp'), undefined);
  } finally {
    await unlisten();
  }
});

testEachDatabase('two concurrent deletes cannot remove the last variant; two re-parentings cannot form a cycle', async ({ db }) => {
  const vendor = await createVendor(db, { slug: 'acme', name: 'Acme' });
  const product = await createProduct(db, { slug: 'p', name: 'P', vendor_id: vendor.id, kind: 'physical', variants: [{ sku: 'A', price_minor: 1, stock: 3 }] }, usd);
  const second = await addVariant(db, product.id, { sku: 'B', price_minor: 2 }, usd);
  assert.equal(second.position, 1);
  const results = await Promise.allSettled([deleteVariant(db, product.id, product.variants[0]!.id), deleteVariant(db, product.id, second.id)]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.equal((failure.reason as AppError).code, 'CONFLICT');

  const a = await createCategory(db, { slug: 'a', name: 'A' });
  const b = await createCategory(db, { slug: 'b', name: 'B' });
  const moves = await Promise.allSettled([updateCategory(db, a.id, { parent_id: b.id }), updateCategory(db, b.id, { parent_id: a.id })]);
  assert.deepEqual(moves.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  const refused = moves.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.deepEqual(
    (refused.reason as AppError).fields.map((f) => f.field),
    ['parent_id'],
  );
});
