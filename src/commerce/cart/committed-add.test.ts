// The JSON add commits on its own: a first add (no cart cookie) is one statement and no
// transaction; an add to the cart of a cookie keeps its transaction, the cart locked until the line is written.
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { countingStatements } from '../../platform/testing/statement-count.ts';
import { addToRequestCartCommitted } from './request.ts';
import { makeShop } from './testing.ts';
import { CART_COOKIE } from './token.ts';

/** The database with its statements and its transactions counted. */
function counting(db: Db): { counted: Db; statements: string[]; transactions: () => number } {
  const { counted, statements } = countingStatements(db);
  let began = 0;
  const transaction = counted.transaction.bind(counted);
  counted.transaction = (() => {
    began++;
    return transaction();
  }) as typeof counted.transaction;
  return { counted, statements, transactions: () => began };
}

const requestWith = (cookies: Record<string, string>) => ({ cookies }) as unknown as FastifyRequest;
const count = async (db: Db, table: 'cart_carts' | 'cart_lines') => (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]!.n;

testEachDatabase('a first add is one statement outside a transaction; an add to the cookie’s cart is four in one', async ({ db }) => {
  const shop = await makeShop(db);
  const first = counting(db);
  const made = await addToRequestCartCommitted(first.counted, requestWith({}), { variant_id: shop.rtr1, quantity: 1 });
  assert.ok(made.newToken);
  assert.equal(first.statements.length, 1, 'the variant read, the cart and its line in one');
  assert.equal(first.transactions(), 0);
  assert.deepEqual(made.lines, [{ variantId: shop.rtr1, quantity: 1 }]);

  const again = counting(db);
  const added = await addToRequestCartCommitted(again.counted, requestWith({ [CART_COOKIE]: made.newToken }), { variant_id: shop.vpn, quantity: 2 });
  assert.equal(added.cartId, made.cartId);
  assert.equal(added.newToken, undefined);
  assert.equal(again.statements.length, 4, again.statements.join(', '));
  assert.equal(again.transactions(), 1);
  assert.equal(await count(db, 'cart_lines'), 2);
});

testEachDatabase('a refused first add writes no cart', async ({ db }) => {
  const shop = await makeShop(db);
  for (const input of [
    { variant_id: shop.rtrPro, quantity: 1 },
    { variant_id: shop.modem, quantity: 1 },
    { variant_id: shop.rtr1, quantity: 6 },
  ]) {
    await assert.rejects(addToRequestCartCommitted(db, requestWith({}), input), (err: { code?: string }) => typeof err.code === 'string');
  }
  assert.equal(await count(db, 'cart_carts'), 0);
  assert.equal(await count(db, 'cart_lines'), 0);
});
