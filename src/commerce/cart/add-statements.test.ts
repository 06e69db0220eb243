// A buyer's add to the cart of their cookie: the cart is found and locked (its expiry refreshed) by
// one statement, then its lines, the variants and the line: four statements, the cart locked once.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { addToCartOfToken } from './store.ts';
import { makeShop } from './testing.ts';
import { countingStatements } from '../../platform/testing/statement-count.ts';

testEachDatabase('an add to the live cart of a token is four statements and refreshes its expiry', async ({ db }) => {
  const shop = await makeShop(db);
  const first = await db.transaction().execute((trx) => addToCartOfToken(trx, undefined, { variant_id: shop.rtr1, quantity: '1' }, new Date('2026-01-01T00:00:00Z')));
  assert.ok(first.newToken);
  const { counted, statements } = countingStatements(db);
  const later = new Date('2026-01-02T00:00:00Z');
  const second = await counted.transaction().execute((trx) => addToCartOfToken(trx, first.newToken, { variant_id: shop.vpn, quantity: '2' }, later));
  assert.equal(second.cartId, first.cartId);
  assert.equal(second.newToken, undefined);
  assert.equal(statements.length, 4, statements.join(', '));
  const {
    rows: [cart],
  } = await sql<{ expires_at: Date; lines: number }>`select expires_at, (select count(*)::int from cart_lines where cart_id = c.id) as lines from cart_carts c where id = ${first.cartId}`.execute(db);
  assert.equal(cart!.lines, 2);
  assert.ok(new Date(cart!.expires_at) > later, 'the expiry moved on from the second add');
});
