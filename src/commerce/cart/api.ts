// The cart's JSON API: the same cart as the pages (the `__Host-cart` cookie), with schemas that
// /openapi.json publishes. Field errors are re-homed to where the client sent them.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { errorResponses } from '../../web/error-schema.ts';
import type { Db } from '../../platform/db/database.ts';
import { lineLimits, pricingRulesFrom } from '../pricing/index.ts';
import { addToRequestCartCommitted, cartOfRequest, existingCartId, setCartCookie } from './request.ts';
import { linesOfCart, removeLine, setQuantity } from './store.ts';
import { viewCart, viewCartOf, type CartView } from './view.ts';

const uuid = { type: 'string', format: 'uuid' } as const;
const minor = { type: 'integer' } as const;

export const cartResponse = {
  type: 'object',
  required: ['currency', 'lines', 'unavailable', 'subtotal_minor', 'shipping_minor', 'tax_minor', 'total_minor', 'needs_shipping'],
  properties: {
    currency: { type: 'string' },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          variant_id: uuid,
          product_id: uuid,
          product_slug: { type: 'string' },
          sku: { type: 'string' },
          name: { type: 'string' },
          kind: { type: 'string', enum: ['digital', 'physical', 'service'] },
          quantity: { type: 'integer' },
          unit_minor: minor,
          total_minor: minor,
          stock: { type: ['integer', 'null'] },
        },
      },
    },
    unavailable: {
      type: 'array',
      items: { type: 'object', properties: { variant_id: uuid, quantity: { type: 'integer' }, sku: { type: ['string', 'null'] }, reason: { type: 'string' } } },
    },
    subtotal_minor: minor,
    shipping_minor: minor,
    tax_minor: minor,
    total_minor: minor,
    needs_shipping: { type: 'boolean' },
  },
} as const;

const lineBody = {
  type: 'object',
  required: ['variant_id', 'quantity'],
  additionalProperties: false,
  properties: { variant_id: uuid, quantity: { type: 'integer', minimum: 1, maximum: lineLimits.maxQuantity } },
} as const;
const quantityBody = {
  type: 'object',
  required: ['quantity'],
  additionalProperties: false,
  properties: { quantity: { type: 'integer', minimum: 0, maximum: lineLimits.maxQuantity, description: '0 removes the line' } },
} as const;
const variantParams = { type: 'object', required: ['variant_id'], additionalProperties: false, properties: { variant_id: uuid } } as const;

export function cartJson(view: CartView) {
  const p = view.priced;
  return {
    currency: p.currency,
    lines: p.lines.map((l) => ({
      variant_id: l.variantId,
      product_id: l.productId,
      product_slug: l.productSlug,
      sku: l.sku,
      name: l.name,
      kind: l.kind,
      quantity: l.quantity,
      unit_minor: l.unitMinor,
      total_minor: l.totalMinor,
      stock: l.stock,
    })),
    unavailable: view.unavailable.map((u) => ({ variant_id: u.variantId, quantity: u.quantity, sku: u.sku, reason: u.reason })),
    subtotal_minor: p.subtotalMinor,
    shipping_minor: p.shippingMinor,
    tax_minor: p.taxMinor,
    total_minor: p.totalMinor,
    needs_shipping: p.needsShipping,
  };
}

function relocate(err: unknown, params: readonly string[]): unknown {
  if (!(err instanceof AppError) || err.fields.length === 0) return err;
  const fields = err.fields.map(({ field, message }) => ({ field: params.includes(field) ? `params.${field}` : `body.${field}`, message }));
  return new AppError(err.code, fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
}

export async function cartApi(app: FastifyInstance): Promise<void> {
  const rules = pricingRulesFrom(app.config);
  const route = (summary: string, schema: Record<string, unknown>) => ({
    schema: { tags: ['cart'], summary, ...schema, response: { 200: cartResponse, ...errorResponses } },
  });
  const current = async (db: Db, cartId: string) => cartJson(await viewCart(db, { cartId, lines: await linesOfCart(db, cartId) }, rules));

  app.get('/api/cart', route('The cart of this browser (empty when it has none)', {}), async (request) => cartJson(await viewCart(app.db, await cartOfRequest(request), rules)));

  app.post<{ Body: { variant_id: string; quantity: number } }>(
    '/api/cart/lines',
    route('Add a quantity of a product option (creates the cart and its cookie on the first add)', { body: lineBody }),
    async (request, reply) => {
      try {
        // The answer is built from what the add read and wrote: the cart is not read again.
        const cart = await addToRequestCartCommitted(app.db, request, request.body);
        if (cart.newToken) setCartCookie(reply, cart.newToken);
        return cartJson(viewCartOf(cart.variants, cart, rules));
      } catch (err) {
        throw relocate(err, []);
      }
    },
  );

  app.put<{ Params: { variant_id: string }; Body: { quantity: number } }>(
    '/api/cart/lines/:variant_id',
    route("Set a line's quantity (0 removes it)", { params: variantParams, body: quantityBody }),
    async (request) => {
      try {
        return await app.db.transaction().execute(async (trx) => {
          const cartId = await existingCartId(trx, request);
          await setQuantity(trx, cartId, { variant_id: request.params.variant_id, quantity: request.body.quantity }, new Date());
          return current(trx, cartId);
        });
      } catch (err) {
        throw relocate(err, ['variant_id']);
      }
    },
  );

  app.delete<{ Params: { variant_id: string } }>(
    '/api/cart/lines/:variant_id',
    route('Remove a line (send Content-Type: application/json, as every cookie-authenticated call: the CSRF check treats anything else as a form)', { params: variantParams }),
    async (request) => {
      try {
        return await app.db.transaction().execute(async (trx) => {
          const cartId = await existingCartId(trx, request);
          await removeLine(trx, cartId, { variant_id: request.params.variant_id }, new Date());
          return current(trx, cartId);
        });
      } catch (err) {
        throw relocate(err, ['variant_id']);
      }
    },
  );
}
