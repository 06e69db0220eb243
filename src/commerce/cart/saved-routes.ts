// Saved baskets (/account/baskets) and gift lists (/account/lists) of the signed-in customer. Only
// the owner sees a list: another customer's id answers 404, and staff sessions are not customers.
import { emptyBody, textForm } from '../../web/form-handling.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActiveSession } from '../../accounts/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { variantForSaleBySku, variantsForSale } from '../catalogue/index.ts';
import { lineLimits, type CartLine } from '../pricing/index.ts';
import { confirmDeletePage, savedListPage, savedListPaths, savedListsPage } from './pages/saved.ts';
import { CONFIRM_FIELD, isConfirmed } from '../../web/confirm.ts';
import { redirectWithFlash, registerFlashes } from '../../web/flash.ts';
import { cartForChange, cartOfRequest, cartOfRequestIn, setCartCookie } from './request.ts';
import { SavedLists, type ListOwner } from './saved.ts';
import { addToCart, checkQuantity, checkVariantId } from './store.ts';
import type { SavedListKind } from './tables.ts';
import { sendPage } from './send.ts';

type Form = Record<string, unknown>;
const hidden = { schema: { hide: true } };
// A list's id; one that is not a list's (or not an id at all) is not found, as another person's is.
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const;
// What each list form carries (the rest carry only their CSRF field).
const listBodies: Record<string, object> = { items: textForm({ sku: 200, quantity: 12 }), 'items/remove': textForm({ variant_id: 100 }) };

/** Adds `extra` to `lines`, one line per variant, at most the per-line limit. */
export function mergeLines(lines: readonly CartLine[], extra: readonly CartLine[]): CartLine[] {
  const merged = new Map(lines.map((l) => [l.variantId, l.quantity]));
  for (const l of extra) merged.set(l.variantId, Math.min(lineLimits.maxQuantity, (merged.get(l.variantId) ?? 0) + l.quantity));
  return [...merged].map(([variantId, quantity]) => ({ variantId, quantity }));
}

export async function savedListRoutes(app: FastifyInstance): Promise<void> {
  const lists = new SavedLists(app.privacy);
  registerFlashes(app, { 'cart.basket-deleted': 'The basket is deleted.', 'cart.gift-deleted': 'The gift list is deleted.' });

  const cartItems = async (request: FastifyRequest) => (await cartOfRequest(request))?.lines.length ?? 0;

  /** The signed-in customer, or a redirect to sign in (null). */
  async function customer(request: FastifyRequest, reply: FastifyReply): Promise<ActiveSession | null> {
    try {
      return await app.accounts.requireSession(request, 'customer');
    } catch (err) {
      if (err instanceof AppError && err.code === 'UNAUTHENTICATED' && request.method === 'GET' && !(await app.accounts.session(request))) {
        void reply.header('cache-control', 'no-store').redirect('/account/login', 303);
        return null;
      }
      throw err;
    }
  }

  async function showIndex(request: FastifyRequest, reply: FastifyReply, kind: SavedListKind, owner: ListOwner, error?: AppError) {
    const all = await lists.list(app.db, owner, kind);
    const page = savedListsPage(kind, all, app.accounts.formToken(request, reply), await cartItems(request), error?.message);
    return sendPage(request, reply, page, error?.status ?? 200);
  }

  async function showList(request: FastifyRequest, reply: FastifyReply, kind: SavedListKind, owner: ListOwner, id: string, error?: AppError) {
    const list = await lists.get(app.db, owner, kind, id);
    const variants = new Map(
      (
        await variantsForSale(
          app.db,
          list.lines.map((l) => l.variantId),
        )
      ).map((v) => [v.variant_id, v]),
    );
    const page = savedListPage(list, variants, app.accounts.formToken(request, reply), await cartItems(request), error?.message);
    return sendPage(request, reply, page, error?.status ?? 200);
  }

  /** A change in one transaction, then `redirect`; a client error shows the page again with it. */
  async function change(request: FastifyRequest, reply: FastifyReply, show: (error: AppError) => Promise<FastifyReply>, work: (trx: Db, body: Form) => Promise<string>): Promise<FastifyReply> {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Form;
    try {
      const redirect = await app.db.transaction().execute((trx) => work(trx, body));
      return reply.code(303).header('cache-control', 'no-store').redirect(redirect);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || (err.code === 'NOT_FOUND' && err.fields.length === 0)) throw err;
      return show(err);
    }
  }

  /** Puts lines into the request's cart, skipping what cannot be bought now; the cookie is set for a new cart. */
  async function intoCart(trx: Db, request: FastifyRequest, reply: FastifyReply, lines: readonly CartLine[]): Promise<string> {
    const cart = await cartForChange(trx, request);
    let added = 0;
    for (const line of lines) {
      try {
        await addToCart(trx, cart.cartId, { variant_id: line.variantId, quantity: line.quantity }, new Date());
        added++;
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
      }
    }
    if (cart.newToken) setCartCookie(reply, cart.newToken);
    return `/cart?added=${added}&skipped=${lines.length - added}`;
  }

  for (const kind of ['basket', 'gift'] as const) {
    const base = savedListPaths[kind];
    type IdRequest = FastifyRequest<{ Params: { id: string } }>;

    app.get(base, hidden, async (request, reply) => {
      const session = await customer(request, reply);
      if (!session) return reply;
      return showIndex(request, reply, kind, { subject: session.user.subject_id, actor: session.actor });
    });

    app.post(base, { schema: { hide: true, body: textForm({ name: 1000 }) } }, async (request, reply) => {
      const session = await customer(request, reply);
      const owner: ListOwner = { subject: session!.user.subject_id, actor: session!.actor };
      return change(
        request,
        reply,
        (e) => showIndex(request, reply, kind, owner, e),
        async (trx, body) => {
          const lines = kind === 'basket' ? ((await cartOfRequestIn(trx, request))?.lines ?? []) : [];
          if (kind === 'basket' && lines.length === 0) throw validationError('name', 'your cart is empty: there is nothing to save');
          const id = await lists.create(trx, owner, kind, { name: body.name, lines });
          return kind === 'basket' ? base : `${base}/${id}`;
        },
      );
    });

    app.get(`${base}/:id`, { schema: { hide: true, params: idParams } }, async (request: IdRequest, reply) => {
      const session = await customer(request, reply);
      if (!session) return reply;
      return showList(request, reply, kind, { subject: session.user.subject_id, actor: session.actor }, request.params.id);
    });

    const listChange = (path: string, work: (trx: Db, owner: ListOwner, id: string, body: Form, request: IdRequest, reply: FastifyReply) => Promise<string>) =>
      app.post(`${base}/:id/${path}`, { schema: { hide: true, params: idParams, body: listBodies[path] ?? emptyBody } }, async (request: IdRequest, reply) => {
        const session = await customer(request, reply);
        const owner: ListOwner = { subject: session!.user.subject_id, actor: session!.actor };
        const { id } = request.params;
        return change(
          request,
          reply,
          (e) => showList(request, reply, kind, owner, id, e),
          (trx, body) => work(trx, owner, id, body, request, reply),
        );
      });

    // Deleting asks first (the list cannot be brought back), then answers with a notice.
    app.post(`${base}/:id/delete`, { schema: { hide: true, params: idParams, body: textForm({ [CONFIRM_FIELD]: 1 }) } }, async (request: IdRequest, reply) => {
      const session = await customer(request, reply);
      const owner: ListOwner = { subject: session!.user.subject_id, actor: session!.actor };
      const { id } = request.params;
      if (!isConfirmed(request.body)) {
        const list = await lists.get(app.db, owner, kind, id);
        return sendPage(request, reply, confirmDeletePage(list, app.accounts.formToken(request, reply)));
      }
      await app.db.transaction().execute((trx) => lists.delete(trx, owner, kind, id));
      return redirectWithFlash(reply.header('cache-control', 'no-store'), base, `cart.${kind}-deleted`);
    });

    listChange('to-cart', async (trx, owner, id, _body, request, reply) => {
      const list = await lists.get(trx, owner, kind, id);
      return intoCart(trx, request, reply, list.lines);
    });

    listChange('add-cart', async (trx, owner, id, _body, request) => {
      const cart = await cartOfRequestIn(trx, request);
      await lists.changeLines(trx, owner, kind, id, (lines) => mergeLines(lines, cart?.lines ?? []));
      return `${base}/${id}`;
    });

    listChange('items', async (trx, owner, id, body) => {
      const sku = typeof body.sku === 'string' ? body.sku.trim() : '';
      if (sku.length === 0 || sku.length > 64) throw validationError('sku', sku ? 'must be at most 64 characters' : 'is required');
      const quantity = checkQuantity(body.quantity ?? '1', 1);
      const variant = await variantForSaleBySku(trx, sku);
      if (variant?.status !== 'active') {
        throw new AppError(variant ? 'PRODUCT_UNAVAILABLE' : 'NOT_FOUND', `sku: ${variant ? 'this item is not on sale' : 'no item has this SKU'}`, [
          { field: 'sku', message: variant ? 'this item is not on sale' : 'no item has this SKU' },
        ]);
      }
      await lists.changeLines(trx, owner, kind, id, (lines) => mergeLines(lines, [{ variantId: variant.variant_id, quantity }]));
      return `${base}/${id}`;
    });

    listChange('items/remove', async (trx, owner, id, body) => {
      const variantId = checkVariantId(body.variant_id);
      await lists.changeLines(trx, owner, kind, id, (lines) => {
        if (!lines.some((l) => l.variantId === variantId)) throw validationError('variant_id', 'is not in this list');
        return lines.filter((l) => l.variantId !== variantId);
      });
      return `${base}/${id}`;
    });
  }
}
