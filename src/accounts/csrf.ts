// CSRF protection for every form (one hook, plugin.ts). The visitor's cookie carries an opaque
// random token (the session token once signed in); every form carries HMAC(key, that token) in
// `_csrf`. A cross-site page can neither read the cookie nor compute the HMAC, and a cookie
// planted from elsewhere does not help without the key. JSON requests are not forms: browsers
// cannot send them cross-site without a CORS preflight we never grant; their Origin is checked too.
import { createHmac, timingSafeEqual } from 'node:crypto';

export { CSRF_FIELD } from '../web/form.ts';

export function csrfToken(key: Buffer, cookieToken: string): string {
  return createHmac('sha256', key).update(`custodian/csrf/v1\0${cookieToken}`).digest('base64url');
}

export function csrfValid(key: Buffer, cookieToken: string | undefined, submitted: unknown): boolean {
  if (!cookieToken || typeof submitted !== 'string' || submitted.length > 100) return false;
  const expected = Buffer.from(csrfToken(key, cookieToken));
  const given = Buffer.from(submitted);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
