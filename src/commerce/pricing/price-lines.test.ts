import assert from 'node:assert/strict';
import { AppError } from '../../platform/errors.ts';
import type { Db } from '../../platform/db/database.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { createProduct, createVendor, updateProduct } from '../catalogue/index.ts';
import { priceLines } from './price-lines.ts';
import type { PricingRules } from './rules.ts';

const rules: PricingRules = { currency: 'USD', taxRateBasisPoints: 1000, shippingFlatMinor: 500, shippingPerItemMinor: 100, shippingFreeFromMinor: 20_000 };

async function shop(db: Db) {
  const vendor = await createVendor(db, { slug: 'acme', name: 'Acme' });
  const make = (slug: string, kind: 'physical' | 'digital', variants: { sku: string; price_minor: number; currency?: string; name?: string }[]) =>
    createProduct(db, { slug, name: slug.toUpperCase(), vendor_id: vendor.id, kind, variants }, { currency: 'USD' });
  const router = await make('router', 'physical', [
    { sku: 'R-1', price_minor: 4_999 },
    { sku: 'R-2', price_minor: 8_999, name: 'Pro' },
  ]);
  const licence = await make('licence', 'digital', [{ sku: 'L-1', price_minor: 1_234 }]);
  const euro = await make('euro', 'digital', [{ sku: 'E-1', price_minor: 1_000, currency: 'EUR' }]);
  return { router, licence, euro, r1: router.variants[0]!.id, r2: router.variants[1]!.id, l1: licence.variants[0]!.id, e1: euro.variants[0]!.id };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, String(err));
  return err;
}

testEachDatabase('priceLines prices from the catalogue; only physical items are shipped; tax on goods plus shipping', async ({ db }) => {
  const s = await shop(db);
  const mixed = await priceLines(
    db,
    [
      { variantId: s.r1, quantity: 2 },
      { variantId: s.l1, quantity: 1 },
    ],
    { shipTo: true, rules },
  );
  assert.equal(mixed.currency, 'USD');
  assert.deepEqual(
    mixed.lines.map((l) => [l.sku, l.kind, l.quantity, l.unitMinor, l.totalMinor]),
    [
      ['R-1', 'physical', 2, 4_999, 9_998],
      ['L-1', 'digital', 1, 1_234, 1_234],
    ],
  );
  assert.equal(mixed.lines[0]!.productId, s.router.id);
  assert.equal(mixed.lines[0]!.vendorId, s.router.vendor.id);
  assert.equal(mixed.subtotalMinor, 11_232);
  assert.equal(mixed.shippingMinor, 500 + 2 * 100, 'flat + per physical unit; the licence is not counted');
  assert.equal(mixed.taxMinor, 1_193, '10% of 11 932 = 1 193.2, rounded to 1 193');
  assert.equal(mixed.totalMinor, 11_232 + 700 + 1_193);
  assert.equal(mixed.needsShipping, true);
  assert.equal(mixed.lines[1]!.name, 'LICENCE');
  assert.equal((await priceLines(db, [{ variantId: s.r2, quantity: 1 }], { shipTo: true, rules })).lines[0]!.name, 'ROUTER (Pro)');

  const digital = await priceLines(db, [{ variantId: s.l1, quantity: 3 }], { shipTo: true, rules });
  assert.equal(digital.needsShipping, false);
  assert.equal(digital.shippingMinor, 0);
  assert.equal(digital.taxMinor, 370, '10% of 3 702 = 370.2');

  const free = await priceLines(db, [{ variantId: s.r2, quantity: 3 }], { shipTo: true, rules });
  assert.equal(free.shippingMinor, 0, '26 997 of physical goods reaches the free-shipping threshold');
  const noAddress = await priceLines(db, [{ variantId: s.r1, quantity: 1 }], { shipTo: false, rules });
  assert.equal(noAddress.shippingMinor, 0);
  assert.equal(noAddress.needsShipping, true);

  const empty = await priceLines(db, [], { shipTo: true, rules });
  assert.deepEqual([empty.currency, empty.totalMinor, empty.lines.length], ['USD', 0, 0]);
});

testEachDatabase('priceLines refuses mixed currencies, items not on sale, unknown variants and bad quantities, naming the line', async ({ db }) => {
  const s = await shop(db);
  const mixed = await refusal(
    priceLines(
      db,
      [
        { variantId: s.l1, quantity: 1 },
        { variantId: s.e1, quantity: 1 },
      ],
      { shipTo: true, rules },
    ),
  );
  assert.equal(mixed.code, 'MIXED_CURRENCIES');
  assert.equal(mixed.status, 422);
  assert.deepEqual(
    mixed.fields.map((f) => f.field),
    ['lines'],
  );

  await updateProduct(db, s.licence.id, { status: 'archived' });
  const archived = await refusal(
    priceLines(
      db,
      [
        { variantId: s.r1, quantity: 1 },
        { variantId: s.l1, quantity: 1 },
      ],
      { shipTo: true, rules },
    ),
  );
  assert.equal(archived.code, 'PRODUCT_UNAVAILABLE');
  assert.deepEqual(
    archived.fields.map((f) => f.field),
    ['lines.1.variantId'],
  );
  assert.match(archived.message, /L-1/);

  const unknown = await refusal(priceLines(db, [{ variantId: '6f1c2b8e-1d2a-4c3b-9e4f-5a6b7c8d9e0f', quantity: 1 }], { shipTo: true, rules }));
  assert.equal(unknown.code, 'NOT_FOUND');
  assert.deepEqual(
    unknown.fields.map((f) => f.field),
    ['lines.0.variantId'],
  );

  for (const quantity of [0, -1, 1.5, 100, Number.NaN]) {
    const bad = await refusal(priceLines(db, [{ variantId: s.r1, quantity }], { shipTo: true, rules }));
    assert.deepEqual([bad.code, bad.fields.map((f) => f.field)], ['VALIDATION_FAILED', ['lines.0.quantity']], `quantity ${quantity}`);
  }
  const notUuid = await refusal(priceLines(db, [{ variantId: 'R-1', quantity: 1 }], { shipTo: true, rules }));
  assert.deepEqual(
    notUuid.fields.map((f) => f.field),
    ['lines.0.variantId'],
  );
});
