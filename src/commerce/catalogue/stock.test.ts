import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../platform/errors.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { createProduct, createVendor } from './commands.ts';
import { CATALOGUE_CHANGED } from './events.ts';
import { catalogueDb } from './queries.ts';
import { releaseStock, reserveStock } from './stock.ts';
import type { Db } from '../../platform/db/database.ts';

const usd = { currency: 'USD' };

async function shop(db: Db) {
  const vendor = await createVendor(db, { slug: 'acme', name: 'Acme' });
  const product = await createProduct(
    db,
    {
      slug: 'p',
      name: 'P',
      vendor_id: vendor.id,
      kind: 'physical',
      variants: [
        { sku: 'ONE-LEFT', price_minor: 100, stock: 1 },
        { sku: 'TEN', price_minor: 100, stock: 10 },
        { sku: 'LICENCE', price_minor: 100, stock: null },
      ],
    },
    usd,
  );
  const [last, ten, untracked] = product.variants.map((v) => v.id) as [string, string, string];
  return { last, ten, untracked };
}

async function stockOf(db: Db, id: string): Promise<number | null> {
  return (await catalogueDb(db).selectFrom('catalogue_variants').select('stock').where('id', '=', id).executeTakeFirstOrThrow()).stock;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, String(err));
  return err;
}

testEachDatabase('reserveStock takes units all or nothing, names the short SKU; releaseStock puts them back', async ({ db }) => {
  const { last, ten, untracked } = await shop(db);
  await reserveStock(db, [
    { variantId: ten, quantity: 3 },
    { variantId: untracked, quantity: 500 },
    { variantId: ten, quantity: 2 },
  ]);
  assert.equal(await stockOf(db, ten), 5, 'two lines of one variant add up');
  assert.equal(await stockOf(db, untracked), null, 'untracked stock stays untracked');

  const short = await refusal(
    reserveStock(db, [
      { variantId: ten, quantity: 1 },
      { variantId: last, quantity: 2 },
    ]),
  );
  assert.equal(short.code, 'OUT_OF_STOCK');
  assert.match(short.message, /ONE-LEFT/);
  assert.deepEqual(
    short.fields.map((f) => f.field),
    ['lines.1.quantity'],
  );
  assert.equal(await stockOf(db, ten), 5, 'a refusal takes nothing, not even the lines that had enough');
  assert.equal(await stockOf(db, last), 1);

  // Inside a caller's transaction that goes on after the refusal: still nothing taken.
  await db.transaction().execute(async (trx) => {
    await reserveStock(trx, [
      { variantId: ten, quantity: 1 },
      { variantId: last, quantity: 5 },
    ]).catch(() => {});
  });
  assert.equal(await stockOf(db, ten), 5);

  const unknown = await refusal(
    reserveStock(db, [
      { variantId: ten, quantity: 1 },
      { variantId: '6f1c2b8e-1d2a-4c3b-9e4f-5a6b7c8d9e0f', quantity: 1 },
    ]),
  );
  assert.equal(unknown.code, 'NOT_FOUND');
  assert.deepEqual(
    unknown.fields.map((f) => f.field),
    ['lines.1.variantId'],
  );
  const bad = await refusal(reserveStock(db, [{ variantId: ten, quantity: 0 }]));
  assert.deepEqual(
    bad.fields.map((f) => f.field),
    ['lines.0.quantity'],
  );

  await releaseStock(db, [
    { variantId: ten, quantity: 5 },
    { variantId: untracked, quantity: 500 },
  ]);
  assert.equal(await stockOf(db, ten), 10);
  assert.equal(await stockOf(db, untracked), null);
});

testEachDatabase('two buyers of the last unit at once: exactly one gets it, stock never goes below zero', async ({ db }) => {
  const { last, ten } = await shop(db);
  const results = await Promise.allSettled([
    reserveStock(db, [
      { variantId: ten, quantity: 1 },
      { variantId: last, quantity: 1 },
    ]),
    reserveStock(db, [
      { variantId: last, quantity: 1 },
      { variantId: ten, quantity: 1 },
    ]),
  ]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.equal((loser.reason as AppError).code, 'OUT_OF_STOCK');
  assert.equal(await stockOf(db, last), 0);
  assert.equal(await stockOf(db, ten), 9, "the loser's other line was not taken");
});

testEachDatabase('many concurrent buyers sell exactly the stock on hand, without deadlocks', async ({ db }) => {
  const { ten, last } = await shop(db);
  await releaseStock(db, [{ variantId: last, quantity: 9 }]);
  // Twenty buyers of one unit of each of two variants, locking in opposite line orders.
  const buyers = Array.from({ length: 20 }, (_, i) =>
    reserveStock(
      db,
      i % 2
        ? [
            { variantId: ten, quantity: 1 },
            { variantId: last, quantity: 1 },
          ]
        : [
            { variantId: last, quantity: 1 },
            { variantId: ten, quantity: 1 },
          ],
    ),
  );
  const results = await Promise.allSettled(buyers);
  const won = results.filter((r) => r.status === 'fulfilled').length;
  for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as AppError).code, 'OUT_OF_STOCK', String(r.reason));
  assert.equal(won, 10);
  assert.equal(await stockOf(db, ten), 0);
  assert.equal(await stockOf(db, last), 0);
});

testEachDatabase('stock changes notify the storefront caches; a refusal does not', async (database) => {
  const { db } = database;
  const { ten, last } = await shop(db);
  const seen: string[] = [];
  const unlisten = await database.listen(CATALOGUE_CHANGED, (payload) => seen.push(payload));
  try {
    const waitFor = async (n: number) => {
      for (let i = 0; i < 100 && seen.length < n; i++) await sleep(20);
      assert.equal(seen.length, n);
    };
    await reserveStock(db, [{ variantId: ten, quantity: 1 }]);
    await waitFor(1);
    await releaseStock(db, [{ variantId: ten, quantity: 1 }]);
    await waitFor(2);
    await reserveStock(db, [{ variantId: last, quantity: 2 }]).catch(() => {});
    await sleep(200);
    assert.equal(seen.length, 2);
  } finally {
    await unlisten();
  }
});
