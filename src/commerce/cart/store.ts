// The cart's commands. Each runs in the caller's transaction when given one (routes open it at the
// edge) and locks the cart row first, so two tabs changing one cart queue behind each other.
// Errors name the input's keys (`variant_id`, `quantity`); callers re-home them (`body.quantity`).
import { sql, type Kysely } from 'kysely';
import { compiledOnce } from '../../platform/db/compiled-once.ts';
import { tablesOf, type Db } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { variantsForSale, variantsForSaleQuery, type VariantForSale } from '../catalogue/index.ts';
import { lineLimits, type CartLine } from '../pricing/index.ts';
import type { CartTables } from './tables.ts';
import { CART_IDLE_MS, hashCartToken, newCartToken } from './token.ts';

export interface Cart {
  cartId: string;
  lines: CartLine[];
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function cartDb(db: Db): Kysely<CartTables> {
  return tablesOf<CartTables>(db);
}

function expiry(now: Date): Date {
  return new Date(now.getTime() + CART_IDLE_MS);
}

export function checkVariantId(value: unknown, field = 'variant_id'): string {
  if (typeof value !== 'string' || !uuidRe.test(value)) throw validationError(field, 'must be a product option id (UUID)');
  return value.toLowerCase();
}

export function checkQuantity(value: unknown, min: 0 | 1, field = 'quantity'): number {
  const n = typeof value === 'string' && /^\s*\d{1,6}\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > lineLimits.maxQuantity) {
    throw validationError(field, `must be a whole number from ${min} to ${lineLimits.maxQuantity}`);
  }
  return n;
}

/** The live cart whose cookie token this is, with its lines in the order they were added; null when none. */
export async function findCart(db: Db, token: string, now: Date): Promise<Cart | null> {
  const rows = await cartDb(db)
    .selectFrom('cart_carts as c')
    .leftJoin('cart_lines as l', 'l.cart_id', 'c.id')
    .select(['c.id', 'l.variant_id', 'l.quantity'])
    .where('c.token_hash', '=', hashCartToken(token))
    .where('c.expires_at', '>', now)
    .orderBy('l.added_at')
    .orderBy('l.variant_id')
    .execute();
  if (rows.length === 0) return null;
  return {
    cartId: rows[0]!.id,
    lines: rows.filter((r) => r.variant_id !== null).map((r) => ({ variantId: r.variant_id!, quantity: r.quantity! })),
  };
}

// The statements of every add and checkout are built once (compiled-once.ts).
const linesOfCartStatement = compiledOnce(
  ['cartId'],
  (db, p: { cartId: string }) => cartDb(db).selectFrom('cart_lines').select(['variant_id', 'quantity']).where('cart_id', '=', p.cartId).orderBy('added_at').orderBy('variant_id'),
  { prepared: true },
);

const addLineStatement = compiledOnce(['cartId', 'variantId', 'quantity'], (db, p: { cartId: string; variantId: string; quantity: number }) =>
  cartDb(db)
    .insertInto('cart_lines')
    // clock_timestamp, not now(): lines added in one transaction (a restored basket) keep their order.
    .values({ cart_id: p.cartId, variant_id: p.variantId, quantity: p.quantity, added_at: sql`clock_timestamp()` })
    .onConflict((oc) => oc.columns(['cart_id', 'variant_id']).doUpdateSet({ quantity: sql`cart_lines.quantity + excluded.quantity` })),
);

const liveCartOfTokenStatement = compiledOnce(['expiresAt', 'tokenHash', 'now'], (db, p: { expiresAt: Date; tokenHash: Buffer; now: Date }) =>
  cartDb(db).updateTable('cart_carts').set({ expires_at: p.expiresAt }).where('token_hash', '=', p.tokenHash).where('expires_at', '>', p.now).returning('id'),
);

const clearCartStatement = compiledOnce(['cartId'], (db, p: { cartId: string }) => cartDb(db).deleteFrom('cart_lines').where('cart_id', '=', p.cartId));

/** The lines of a cart, in the order they were added. */
export async function linesOfCart(db: Db, cartId: string): Promise<CartLine[]> {
  const { rows } = await db.executeQuery(linesOfCartStatement(db, { cartId }));
  return rows.map((r) => ({ variantId: r.variant_id, quantity: r.quantity }));
}

/** A new empty cart and the token for its cookie. */
export async function createCart(db: Db, now: Date): Promise<{ cartId: string; token: string }> {
  const token = newCartToken();
  const row = await cartDb(db)
    .insertInto('cart_carts')
    .values({ token_hash: hashCartToken(token), expires_at: expiry(now) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { cartId: row.id, token };
}

/**
 * Refreshes the cart's expiry, which locks its row until commit; throws NOT_FOUND when it is gone.
 * Its lines are read by a statement of their own after this one: a statement that waited for the
 * lock would see them as they were before the other change committed.
 */
async function lockCart(db: Db, cartId: string, now: Date): Promise<void> {
  const cart = await cartDb(db)
    .updateTable('cart_carts')
    .set({ expires_at: expiry(now) })
    .where('id', '=', cartId)
    .returning('id')
    .executeTakeFirst();
  if (!cart) throw new AppError('NOT_FOUND', 'This cart has expired.');
}

async function lockLines(db: Db, cartId: string, now: Date): Promise<Map<string, number>> {
  await lockCart(db, cartId, now);
  return new Map((await linesOfCart(db, cartId)).map((l) => [l.variantId, l.quantity]));
}

function onSale(variant: VariantForSale | undefined, field: string): VariantForSale {
  if (!variant) throw new AppError('NOT_FOUND', `${field}: no product option has this id`, [{ field, message: 'no product option has this id' }]);
  if (variant.status !== 'active') {
    throw new AppError('PRODUCT_UNAVAILABLE', `${field}: ${variant.sku} is not on sale`, [{ field, message: `${variant.sku} is not on sale` }]);
  }
  return variant;
}

function checkStock(variant: VariantForSale, quantity: number): void {
  if (variant.stock !== null && variant.stock < quantity) {
    const left = variant.stock === 0 ? 'is out of stock' : `has only ${variant.stock} in stock`;
    throw new AppError('OUT_OF_STOCK', `quantity: ${variant.sku} ${left}`, [{ field: 'quantity', message: `${variant.sku} ${left}` }]);
  }
}

/** The cart after an add, with the sale facts of its variants as this transaction read them (enough to show it without reading again). */
export interface AddedCart extends Cart {
  variants: VariantForSale[];
}

/**
 * Reads the variants (the one to add and the cart's), refuses what cannot be bought, and returns
 * the lines as they will be after the add. Nothing is written.
 */
async function checkedAdd(db: Db, lines: readonly CartLine[], input: { variant_id: unknown; quantity: unknown }): Promise<{ line: CartLine; after: CartLine[]; variants: VariantForSale[] }> {
  const variantId = checkVariantId(input.variant_id);
  const quantity = checkQuantity(input.quantity, 1);
  const found = await variantsForSale(db, [variantId, ...lines.map((l) => l.variantId)]);
  return checkAdd(found, lines, variantId, quantity);
}

/** checkedAdd's rules, on variants already read. */
function checkAdd(found: VariantForSale[], lines: readonly CartLine[], variantId: string, quantity: number): { line: CartLine; after: CartLine[]; variants: VariantForSale[] } {
  const variants = new Map(found.map((v) => [v.variant_id, v]));
  const variant = onSale(variants.get(variantId), 'variant_id');
  const had = lines.find((l) => l.variantId === variantId)?.quantity;
  const total = (had ?? 0) + quantity;
  if (total > lineLimits.maxQuantity) {
    throw validationError('quantity', `the cart may hold at most ${lineLimits.maxQuantity} of one item (it has ${had ?? 0})`);
  }
  if (had === undefined && lines.length >= lineLimits.maxLines) {
    throw validationError('variant_id', `the cart may hold at most ${lineLimits.maxLines} different items`);
  }
  const other = lines.map((l) => variants.get(l.variantId)).find((v) => v && v.status === 'active' && v.currency !== variant.currency);
  if (other) {
    const message = `${variant.sku} is priced in ${variant.currency}, the cart in ${other.currency}; buy it separately`;
    throw new AppError('MIXED_CURRENCIES', `variant_id: ${message}`, [{ field: 'variant_id', message }]);
  }
  checkStock(variant, total);
  const after = had === undefined ? [...lines, { variantId, quantity }] : lines.map((l) => (l.variantId === variantId ? { variantId, quantity: total } : l));
  return { line: { variantId, quantity }, after, variants: found };
}

/** Adds `quantity` of a variant (to its line when there is one). Refuses what cannot be bought. */
export async function addToCart(db: Db, cartId: string, input: { variant_id: unknown; quantity: unknown }, now: Date): Promise<AddedCart> {
  await lockCart(db, cartId, now);
  return addToLockedCart(db, cartId, input);
}

/** The add itself, to a cart whose row this transaction has locked (and whose expiry it refreshed). */
async function addToLockedCart(db: Db, cartId: string, input: { variant_id: unknown; quantity: unknown }): Promise<AddedCart> {
  const { line, after, variants } = await checkedAdd(db, await linesOfCart(db, cartId), input);
  await db.executeQuery(addLineStatement(db, { cartId, variantId: line.variantId, quantity: line.quantity }));
  return { cartId, lines: after, variants };
}

/**
 * A buyer's add: to the live cart of this cookie token, or else to a new cart whose token comes
 * back for the cookie. The token's cart is found and locked by one statement; a new cart and its
 * first line are written by one.
 */
export async function addToCartOfToken(db: Db, token: string | undefined, input: { variant_id: unknown; quantity: unknown }, now: Date): Promise<AddedCart & { newToken?: string }> {
  if (token !== undefined) {
    const [live] = (await db.executeQuery(liveCartOfTokenStatement(db, { expiresAt: expiry(now), tokenHash: hashCartToken(token), now }))).rows;
    if (live) return addToLockedCart(db, live.id, input);
  }
  return addToNewCart(db, input, now);
}

/**
 * A new cart and its first line, in one statement: it reads the variant and writes the cart and the
 * line only when the variant is on sale with stock for the quantity. checkAdd's rules then run on
 * what it read and stay the rule: a cart they refuse is deleted again, and a cart they accept that
 * the statement did not write is written by a second statement (neither happens while the two agree).
 */
async function addToNewCart(db: Db, input: { variant_id: unknown; quantity: unknown }, now: Date): Promise<AddedCart & { newToken: string }> {
  const variantId = checkVariantId(input.variant_id);
  const quantity = checkQuantity(input.quantity, 1);
  const newToken = newCartToken();
  const tokenHash = hashCartToken(newToken);
  const { rows } = await sql<VariantForSale & { cart_id: string | null }>`${prepared}
    with v as (${variantsForSaleQuery([variantId])}),
    c as (insert into cart_carts (token_hash, expires_at)
          select ${tokenHash}::bytea, ${expiry(now)}::timestamptz from v where v.status = 'active' and (v.stock is null or v.stock >= ${quantity}::int)
          returning id),
    l as (insert into cart_lines (cart_id, variant_id, quantity, added_at) select c.id, ${variantId}::uuid, ${quantity}::int, clock_timestamp() from c returning cart_id)
    select v.*, (select cart_id from l) as cart_id from v`.execute(db);
  const written = rows[0]?.cart_id ?? null;
  const found = rows.map(({ cart_id: _, ...variant }) => variant);
  let checked: ReturnType<typeof checkAdd>;
  try {
    checked = checkAdd(found, [], variantId, quantity);
  } catch (err) {
    if (written) await cartDb(db).deleteFrom('cart_carts').where('id', '=', written).execute();
    throw err;
  }
  const cartId = written ?? (await writeNewCart(db, tokenHash, now, checked.line));
  return { cartId, newToken, lines: checked.after, variants: found };
}

async function writeNewCart(db: Db, tokenHash: Buffer, now: Date, line: CartLine): Promise<string> {
  const { rows } = await sql<{ cart_id: string }>`
    with c as (insert into cart_carts (token_hash, expires_at) values (${tokenHash}, ${expiry(now)}) returning id)
    insert into cart_lines (cart_id, variant_id, quantity, added_at) select c.id, ${line.variantId}::uuid, ${line.quantity}::int, clock_timestamp() from c
    returning cart_id`.execute(db);
  return rows[0]!.cart_id;
}

/** Sets a line's quantity; 0 removes the line. The line must be in the cart. */
export async function setQuantity(db: Db, cartId: string, input: { variant_id: unknown; quantity: unknown }, now: Date): Promise<void> {
  const variantId = checkVariantId(input.variant_id);
  const quantity = checkQuantity(input.quantity, 0);
  const lines = await lockLines(db, cartId, now);
  if (!lines.has(variantId)) throw notInCart();
  if (quantity === 0) return removeLine(db, cartId, { variant_id: variantId }, now);
  if (quantity > lines.get(variantId)!) {
    const [variant] = await variantsForSale(db, [variantId]);
    checkStock(onSale(variant, 'variant_id'), quantity);
  }
  await cartDb(db).updateTable('cart_lines').set({ quantity }).where('cart_id', '=', cartId).where('variant_id', '=', variantId).execute();
}

function notInCart(): AppError {
  return new AppError('NOT_FOUND', 'variant_id: is not in the cart', [{ field: 'variant_id', message: 'is not in the cart' }]);
}

export async function removeLine(db: Db, cartId: string, input: { variant_id: unknown }, now: Date): Promise<void> {
  const variantId = checkVariantId(input.variant_id);
  await lockCart(db, cartId, now);
  const removed = await cartDb(db).deleteFrom('cart_lines').where('cart_id', '=', cartId).where('variant_id', '=', variantId).executeTakeFirst();
  if (removed.numDeletedRows === 0n) throw notInCart();
}

/** Empties the cart (after an order was placed from it); the cookie keeps working for the next one. */
export async function clearCart(db: Db, cartId: string): Promise<void> {
  await db.executeQuery(clearCartStatement(db, { cartId }));
}

/** Deletes carts idle past their lifetime, with their lines; returns how many. */
export async function sweepCarts(db: Db, now: Date): Promise<number> {
  const result = await cartDb(db).deleteFrom('cart_carts').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
