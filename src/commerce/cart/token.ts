// The cart cookie: 32 random bytes, base64url. The database keeps only the SHA-256, so a copy of
// the database cannot be turned into someone's cart cookie.
import { createHash, randomBytes } from 'node:crypto';
import { type CookieDeclaration, cookieOptions, durationWords } from '../../web/cookies.ts';

export const CART_COOKIE = '__Host-cart';
export const CART_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
/** A cart lives this long after its last change; the cookie as long after the first add. */
export const CART_IDLE_MS = 30 * 86_400_000;

export function newCartToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashCartToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The cart cookie in the inventory (src/web/cookies.ts); setCartCookie takes its options from it. */
export const cartCookie: CookieDeclaration = {
  name: CART_COOKIE,
  purpose: 'Your purchase: lets the shop find your cart again. Set only when you first put something in it, after you confirm.',
  lifetime: `${durationWords(CART_IDLE_MS)} from your first add; a cart nobody changed for ${durationWords(CART_IDLE_MS)} is deleted.`,
  contents: 'An opaque random id (the shop keeps only a fingerprint of it).',
  attributes: { path: '/', secure: true, httpOnly: true, sameSite: 'lax' },
  maxAgeSeconds: Math.floor(CART_IDLE_MS / 1000),
};

export const cartCookieOptions = cookieOptions(cartCookie);
