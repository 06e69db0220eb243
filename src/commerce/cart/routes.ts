// The cart's pages and form posts (no JavaScript needed; every form carries the CSRF field), and
// its JSON API under /api/cart. Each change is one transaction opened here; a new cart's cookie is
// set only after it committed.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { pricingRulesFrom, usePricingRules } from '../pricing/rules.ts';
import { cartApi } from './api.ts';
import { savedListRoutes } from './saved-routes.ts';
import { SESSION_COOKIE } from '../../accounts/plugin.ts';
import { cartPage, confirmAddPage, cookiesRequiredPage } from './pages/cart.ts';
import { sendPage } from './send.ts';
import { cartForChange, cartOfRequest, existingCartId, setCartCookie } from './request.ts';
import { addToCart, removeLine, setQuantity } from './store.ts';
import { viewCart } from './view.ts';
import type { Db } from '../../platform/db/database.ts';


type Form = Record<string, unknown>;

const formRoute = { schema: { hide: true } };

async function showCart(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, error?: AppError, notice?: string): Promise<FastifyReply> {
  const view = await viewCart(app.db, await cartOfRequest(request));
  // An empty cart has no form, so it needs no token and sets no cookie.
  const hasForms = view.priced.lines.length + view.unavailable.length > 0;
  return sendPage(request, reply, cartPage(view, hasForms ? app.accounts.formToken(request, reply) : '', error?.message, notice), error?.status ?? 200);
}

export const cartRoutes: FastifyPluginAsync = async (app) => {
  usePricingRules(pricingRulesFrom(app.config));

  // Forms posted without a visitor cookie fail the CSRF check (there is no cookie to bind a token
  // to). Product pages set no cookie while browsing (P000-18), so a first add comes without one:
  // it gets a page to confirm the add, which sets the cookie. A confirmation that still comes
  // without a cookie, or any other cart form without one, gets the page that explains (P003-21).
  app.setErrorHandler(async (err, request, reply) => {
    if (!(err instanceof AppError) || err.code !== 'CSRF_INVALID' || request.url.startsWith('/api/') || request.cookies[SESSION_COOKIE]) throw err;
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Form;
    if (request.url === '/cart/add' && body.confirm !== '1') {
      return sendPage(request, reply, confirmAddPage(app.accounts.formToken(request, reply), String(body.variant_id ?? ''), String(body.quantity ?? '1')));
    }
    return sendPage(request, reply, cookiesRequiredPage(), 400);
  });

  /** Runs a change of the cart in one transaction, then back to the cart (or the cart with the error, 4xx). */
  async function change(
    request: FastifyRequest,
    reply: FastifyReply,
    work: (trx: Db, body: Form) => Promise<{ newToken?: string } | void>,
  ): Promise<FastifyReply> {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Form;
    try {
      const done = await app.db.transaction().execute((trx) => work(trx, body));
      if (done?.newToken) setCartCookie(reply, done.newToken);
      return reply.code(303).header('cache-control', 'no-store').redirect('/cart');
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return showCart(app, request, reply, err);
    }
  }

  const count = { type: 'integer', minimum: 0, maximum: 1000 } as const;
  app.get<{ Querystring: { added?: number; skipped?: number } }>(
    '/cart',
    { schema: { hide: true, querystring: { type: 'object', properties: { added: count, skipped: count } } } },
    async (request, reply) => {
      // After a saved basket or gift list was put in the cart: how many of its items went in.
      const { added, skipped } = request.query;
      const notice =
        added === undefined ? undefined : `${added} ${added === 1 ? 'item was' : 'items were'} put in your cart${skipped ? `; ${skipped} could not be (no longer on sale, out of stock or over the limit)` : ''}.`;
      return showCart(app, request, reply, undefined, notice);
    },
  );

  app.post('/cart/add', formRoute, async (request, reply) => {
    return change(request, reply, async (trx, body) => {
      const cart = await cartForChange(trx, request);
      await addToCart(trx, cart.cartId, { variant_id: body.variant_id, quantity: body.quantity ?? '1' }, new Date());
      return cart;
    });
  });

  app.post('/cart/update', formRoute, async (request, reply) =>
    change(request, reply, async (trx, body) => setQuantity(trx, await existingCartId(trx, request), { variant_id: body.variant_id, quantity: body.quantity }, new Date())),
  );

  app.post('/cart/remove', formRoute, async (request, reply) =>
    change(request, reply, async (trx, body) => removeLine(trx, await existingCartId(trx, request), { variant_id: body.variant_id }, new Date())),
  );

  await cartApi(app);
  await savedListRoutes(app);
};
