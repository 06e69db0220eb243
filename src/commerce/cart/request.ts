// The cart of a request, found by its `__Host-cart` cookie. Other modules (checkout) use these.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { type AddedCart, addToCartOfToken, createCart, findCart, type Cart } from './store.ts';
import { CART_COOKIE, CART_TOKEN_SHAPE, cartCookieOptions } from './token.ts';
import type { Db } from '../../platform/db/database.ts';

function cartToken(request: FastifyRequest): string | undefined {
  const value = request.cookies[CART_COOKIE];
  return value && CART_TOKEN_SHAPE.test(value) ? value : undefined;
}

/** The request's live cart `{ cartId, lines: [{ variantId, quantity }] }`, or null (no cookie, expired). */
export async function cartOfRequest(request: FastifyRequest, now = new Date()): Promise<Cart | null> {
  return cartOfRequestIn(request.server.db, request, now);
}

/** The same, read through `db` (inside a transaction, pass the transaction: PGlite has one connection). */
export async function cartOfRequestIn(db: Db, request: FastifyRequest, now = new Date()): Promise<Cart | null> {
  const token = cartToken(request);
  return token ? findCart(db, token, now) : null;
}

/**
 * The cart to change: the request's own, or a new one. A new cart's token comes back, for the
 * caller to set as the cookie once its transaction committed (`setCartCookie`): the only moment
 * the cart cookie is ever set is the buyer's first add.
 */
export async function cartForChange(db: Db, request: FastifyRequest, now = new Date()): Promise<{ cartId: string; newToken?: string }> {
  const token = cartToken(request);
  const existing = token ? await findCart(db, token, now) : null;
  if (existing) return { cartId: existing.cartId };
  const created = await createCart(db, now);
  return { cartId: created.cartId, newToken: created.token };
}

/** A buyer's add to the request's cart, or to a new one whose token is for the cookie (as `cartForChange`). */
export function addToRequestCart(db: Db, request: FastifyRequest, input: { variant_id: unknown; quantity: unknown }, now = new Date()): Promise<AddedCart & { newToken?: string }> {
  return addToCartOfToken(db, cartToken(request), input, now);
}

/**
 * The same add, committed: in a transaction when the request names a cart (its row stays locked
 * from the lookup to the line's write), without one when it names none: a new cart's add is one
 * statement (it reads the variant and writes the cart and its line), which a transaction would only
 * wrap in a BEGIN and a COMMIT, two more round trips.
 */
export function addToRequestCartCommitted(db: Db, request: FastifyRequest, input: { variant_id: unknown; quantity: unknown }, now = new Date()): Promise<AddedCart & { newToken?: string }> {
  const token = cartToken(request);
  if (token === undefined) return addToCartOfToken(db, undefined, input, now);
  return db.transaction().execute((trx) => addToCartOfToken(trx, token, input, now));
}

/** The request's live cart id, or a NOT_FOUND naming `variant_id` (a change to a line of no cart). */
export async function existingCartId(db: Db, request: FastifyRequest, now = new Date()): Promise<string> {
  const token = cartToken(request);
  const cart = token ? await findCart(db, token, now) : null;
  if (!cart) throw new AppError('NOT_FOUND', 'variant_id: is not in the cart', [{ field: 'variant_id', message: 'is not in the cart' }]);
  return cart.cartId;
}

export function setCartCookie(reply: FastifyReply, token: string): void {
  reply.setCookie(CART_COOKIE, token, cartCookieOptions);
}

/**
 * COOKIES_REQUIRED when the browser sent no cookie at all, so a form that needs the cart (adding,
 * checking out) can say why it cannot go on (P003-21); null otherwise.
 */
export function cookielessError(request: FastifyRequest): AppError | null {
  return request.headers.cookie ? null : new AppError('COOKIES_REQUIRED');
}
