// The cart cookie: 32 random bytes, base64url. The database keeps only the SHA-256, so a copy of
// the database cannot be turned into someone's cart cookie.
import { createHash, randomBytes } from 'node:crypto';

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

export const cartCookieOptions = {
  path: '/',
  secure: true,
  httpOnly: true,
  sameSite: 'lax',
  maxAge: Math.floor(CART_IDLE_MS / 1000),
} as const;
