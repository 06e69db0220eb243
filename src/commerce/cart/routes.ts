// The cart's pages and form posts (no JavaScript needed; every form carries the CSRF field), and
// its JSON API under /api/cart. Each change is one transaction opened here; a new cart's cookie is
// set only after it committed.
import { isConfirmed } from '../../web/confirm.ts';
import { redirectWithFlash, registerFlashes } from '../../web/flash.ts';
import { textForm } from '../../web/form-handling.ts';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { isOwnOrigin } from '../../web/origin.ts';
import { pricingRulesFrom } from '../pricing/index.ts';
import { cartApi } from './api.ts';
import { savedListRoutes } from './saved-routes.ts';
import { SESSION_COOKIE } from '../../accounts/index.ts';
import { cartPage, confirmAddPage, cookiesRequiredPage } from './pages/cart.ts';
import { sendPage } from './send.ts';
import { addToRequestCart, cartOfRequest, existingCartId, setCartCookie } from './request.ts';
import { CART_COOKIE } from './token.ts';
import { removeLine, setQuantity } from './store.ts';
import { viewCart } from './view.ts';
import type { Db } from '../../platform/db/database.ts';

type Form = Record<string, unknown>;

const formRoute = (body: object) => ({ schema: { hide: true, body } });

async function showCart(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, error?: AppError, notice?: string): Promise<FastifyReply> {
  const view = await viewCart(app.db, await cartOfRequest(request), pricingRulesFrom(app.config));
  // An empty cart has no form, so it needs no token and sets no cookie.
  const hasForms = view.priced.lines.length + view.unavailable.length > 0;
  return sendPage(request, reply, cartPage(view, hasForms ? app.accounts.formToken(request, reply) : '', error?.message, notice), error?.status ?? 200);
}

async function addLine(trx: Db, body: Form, request: FastifyRequest): Promise<{ cartId: string; newToken?: string }> {
  const cart = await addToRequestCart(trx, request, { variant_id: body.variant_id, quantity: body.quantity ?? '1' });
  return cart.newToken ? { cartId: cart.cartId, newToken: cart.newToken } : { cartId: cart.cartId };
}

/**
 * A post that carries no cookie at all, and that the browser says came from this site's own page
 * (Sec-Fetch-Site: same-origin, or else an Origin naming this host). With no cookie there is no
 * session or cart a forged post could act on; the origin check stops another site from planting a
 * cart in the visitor's browser.
 */
export function cookielessSameOrigin(request: FastifyRequest): boolean {
  if (request.headers.cookie) return false;
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  const originOk = origin !== undefined && isOwnOrigin(request, origin, request.server.config.publicUrl);
  // Each header the browser sent must say "this site"; at least one must be there.
  if (site !== undefined && site !== 'same-origin') return false;
  if (origin !== undefined && !originOk) return false;
  return site === 'same-origin' || originOk;
}

export const cartRoutes: FastifyPluginAsync = async (app) => {
  registerFlashes(app, { 'cart.removed': 'The item is out of your cart.' });

  // Forms posted without a visitor cookie fail the CSRF check (there is no cookie to bind a token
  // to). Product pages set no cookie while browsing (P000-18), so a first add comes without one:
  // it gets a page to confirm the add, which sets the cookie. A confirmation that still comes
  // without a cookie, or any other cart form without one, gets the page that explains (P003-21).
  // A browser that proves the post came from this site's own page (decision 0020) skips that page:
  // the add goes through and sets the cart cookie, then /cart?first=1 explains if it did not stick.
  app.setErrorHandler(async (err, request, reply) => {
    if (!(err instanceof AppError) || err.code !== 'CSRF_INVALID' || request.url.startsWith('/api/') || request.cookies[SESSION_COOKIE]) throw err;
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Form;
    if (request.url === '/cart/add' && !isConfirmed(body) && cookielessSameOrigin(request)) return change(request, reply, addLine, '/cart?first=1');
    if (request.url === '/cart/add' && !isConfirmed(body)) {
      return sendPage(request, reply, confirmAddPage(app.accounts.formToken(request, reply), String(body.variant_id ?? ''), String(body.quantity ?? '1')));
    }
    return sendPage(request, reply, cookiesRequiredPage(), 400);
  });

  /** Runs a change of the cart in one transaction, then back to the cart (or the cart with the error, 4xx). */
  async function change(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (trx: Db, body: Form, request: FastifyRequest) => Promise<{ newToken?: string } | void>,
    to = '/cart',
    flash?: string,
  ): Promise<FastifyReply> {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Form;
    try {
      const done = await app.db.transaction().execute((trx) => work(trx, body, request));
      if (done?.newToken) setCartCookie(reply, done.newToken);
      reply.header('cache-control', 'no-store');
      return flash ? redirectWithFlash(reply, to, flash) : reply.code(303).redirect(to);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return showCart(app, request, reply, err);
    }
  }

  const count = { type: 'integer', minimum: 0, maximum: 1000 } as const;
  app.get<{ Querystring: { added?: number; skipped?: number; first?: number } }>(
    '/cart',
    { schema: { hide: true, querystring: { type: 'object', properties: { added: count, skipped: count, first: { type: 'integer', enum: [1] } } } } },
    async (request, reply) => {
      // Back from a first add that set the cart cookie: without it, the browser keeps no cookies (P003-21).
      if (request.query.first === 1 && request.cookies[CART_COOKIE] === undefined) return sendPage(request, reply, cookiesRequiredPage(), 400);
      // After a saved basket or gift list was put in the cart: how many of its items went in.
      const { added, skipped } = request.query;
      const notice =
        added === undefined
          ? undefined
          : `${added} ${added === 1 ? 'item was' : 'items were'} put in your cart${skipped ? `; ${skipped} could not be (no longer on sale, out of stock or over the limit)` : ''}.`;
      return showCart(app, request, reply, undefined, notice);
    },
  );

  app.post('/cart/add', formRoute(textForm({ variant_id: 100, quantity: 12, confirm: 1 })), async (request, reply) => change(request, reply, addLine));

  app.post('/cart/update', formRoute(textForm({ variant_id: 100, quantity: 12 })), async (request, reply) =>
    change(request, reply, async (trx, body) => setQuantity(trx, await existingCartId(trx, request), { variant_id: body.variant_id, quantity: body.quantity }, new Date())),
  );

  app.post('/cart/remove', formRoute(textForm({ variant_id: 100 })), async (request, reply) =>
    change(request, reply, async (trx, body) => removeLine(trx, await existingCartId(trx, request), { variant_id: body.variant_id }, new Date()), '/cart', 'cart.removed'),
  );

  await cartApi(app);
  await savedListRoutes(app);
};
