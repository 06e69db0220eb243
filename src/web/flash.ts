// Notices carried across POST-redirect-GET: the redirect sets a short-lived cookie holding only a
// code; the next page shown maps it to a fixed message a module registered and clears the cookie.
// No personal data travels, and a forged cookie can only show one of the shop's own sentences.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clearCookieOptions, type CookieDeclaration, cookieOptions, durationWords } from './cookies.ts';

export const FLASH_COOKIE = '__Host-flash';
const FLASH_MAX_AGE_S = 60;

/** The web shell's own cookie, in the inventory (src/web/cookies.ts). */
export const flashCookie: CookieDeclaration = {
  name: FLASH_COOKIE,
  purpose: 'Shows, once, the outcome of a form just sent (such as “Stock saved”) on the page that follows it, in the vendor portal and the staff console; customers’ pages do not use it.',
  lifetime: `Until that page is shown, at most ${durationWords(FLASH_MAX_AGE_S * 1000)}.`,
  contents: 'A message code naming one of the shop’s own sentences.',
  attributes: { path: '/', secure: true, httpOnly: true, sameSite: 'lax' },
  maxAgeSeconds: FLASH_MAX_AGE_S,
};
const CODE = /^[a-z][a-z0-9.-]{0,63}$/;

/** Adds a module's codes and their fixed messages (codes are prefixed with the module: `cart.removed`). */
export function registerFlashes(app: FastifyInstance, messages: Readonly<Record<string, string>>): void {
  for (const [code, message] of Object.entries(messages)) {
    if (!CODE.test(code)) throw new Error(`Not a flash code: ${code}`);
    app.flashMessages.set(code, message);
  }
}

/** Redirects (303) to `url`, showing the registered message of `code` on the next page. */
export function redirectWithFlash(reply: FastifyReply, url: string, code: string): FastifyReply {
  if (!reply.server.flashMessages.has(code)) throw new Error(`Unregistered flash code: ${code}`);
  void reply.setCookie(FLASH_COOKIE, code, cookieOptions(flashCookie));
  return reply.redirect(url, 303);
}

/** The pending notice of this request, if any; clears it so it shows once. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const code = request.cookies?.[FLASH_COOKIE];
  if (code === undefined) return undefined;
  void reply.clearCookie(FLASH_COOKIE, clearCookieOptions(flashCookie));
  return request.server.flashMessages.get(code);
}
