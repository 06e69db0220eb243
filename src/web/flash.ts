// Notices carried across POST-redirect-GET: the redirect sets a short-lived cookie holding only a
// code; the next page shown maps it to a fixed message a module registered and clears the cookie.
// No personal data travels, and a forged cookie can only show one of the shop's own sentences.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const FLASH_COOKIE = '__Host-flash';
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
  void reply.setCookie(FLASH_COOKIE, code, { path: '/', httpOnly: true, secure: true, sameSite: 'lax', maxAge: 60 });
  return reply.redirect(url, 303);
}

/** The pending notice of this request, if any; clears it so it shows once. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const code = request.cookies?.[FLASH_COOKIE];
  if (code === undefined) return undefined;
  void reply.clearCookie(FLASH_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
  return request.server.flashMessages.get(code);
}
