// Checkout's pages and JSON API. Each POST is one transaction opened here, inside the idempotency
// record of its key (a hidden field of the form, the Idempotency-Key header of the API).
import { textForm } from '../../web/form-handling.ts';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../platform/config.ts';
import { AppError } from '../../platform/errors.ts';
import { sandboxUrl } from '../payments/index.ts';
import { orderSections } from '../orders/index.ts';
import { checkIdempotencyKey, fingerprint, ownedKeyId, withIdempotency } from '../../platform/idempotency/index.ts';
import { toAppError } from '../../web/error-handler.ts';
import { errorBody as errorResponse } from '../../web/error-schema.ts';
import { allFields, fieldSchema, fieldsFor, methodsFor, paymentMethods, type PaymentMethod } from './fields.ts';
import { attemptOfOrder, attemptOfPayment, confirmationPath, placeOrder, type CheckoutDeps, type PlacedOrder } from './flow.ts';
import { checkoutPage, confirmationPage, cookiesNeededPage, emptyCartPage, paymentPendingPage, unavailablePage, type Page } from './pages.ts';
import type { CheckoutCart } from './ports.ts';
import { sendPage } from '../../web/page.ts';
import { consentFields } from '../../accounts/index.ts';

/** Where the processors' payment pages are: the sandbox's address, and Stripe Checkout when Stripe is set up. */
export function processorOrigins(config: Config): string[] {
  const origins = [new URL(sandboxUrl(config)).origin];
  if (config.payments.processor === 'stripe') origins.push('https://checkout.stripe.com');
  return origins;
}

const newKey = () => randomBytes(18).toString('base64url');
const uuidParam = (name: string) => ({ type: 'object', required: [name], properties: { [name]: { type: 'string', format: 'uuid' } } });

/** The API body: every field any method may ask (each request is then held to exactly its method's fields). */
export function apiBodySchema() {
  return {
    type: 'object',
    required: ['method'],
    additionalProperties: false,
    properties: {
      method: { type: 'string', enum: [...paymentMethods], description: 'card | bank-account | invoice | free; see GET /api/checkout for the fields each asks' },
      ...Object.fromEntries(allFields().map((f) => [f.name, fieldSchema(f)])),
    },
    // The optional consents offered with an order, each `consent_<purpose>: "yes"` (P003-09).
    patternProperties: consentFields,
  };
}

export async function checkoutRoutes(app: FastifyInstance, deps: CheckoutDeps): Promise<void> {
  const { ports, settings } = deps;

  // The checkout form's answer is a 303 to the processor's page, on another origin: the page's CSP
  // must let that form go there (form-action also governs where its redirects may lead).
  const formTargets = processorOrigins(app.config).join(' ');
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url !== '/checkout') return payload;
    const csp = reply.getHeader('content-security-policy');
    if (typeof csp === 'string') reply.header('content-security-policy', csp.replace("form-action 'self'", `form-action 'self' ${formTargets}`));
    return payload;
  });

  // A form posted without any cookie fails the CSRF check: say that cookies are needed (P003-21).
  app.setErrorHandler(async (err, request, reply) => {
    if (err instanceof AppError && err.code === 'CSRF_INVALID' && !request.headers.cookie && !request.url.startsWith('/api/')) {
      return sendPage(request, reply, cookiesNeededPage(), 400);
    }
    throw err;
  });

  /** The cart of the request, or the page that explains what is missing. */
  async function cartOrPage(request: FastifyRequest): Promise<CheckoutCart | Page> {
    if (!ports.hasCartCookie(request)) return cookiesNeededPage();
    const cart = await ports.cartOfRequest(request);
    return cart && cart.lines.length > 0 ? cart : emptyCartPage();
  }

  async function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    cart: CheckoutCart,
    wanted: unknown,
    extra: { values?: Record<string, string>; errors?: Record<string, string> } = {},
    status = 200,
  ) {
    const priced = await ports.priceLines(app.db, cart.lines, { shipTo: true });
    const offered = methodsFor(priced, settings);
    const method = offered.includes(wanted as PaymentMethod) ? (wanted as PaymentMethod) : offered[0]!;
    // A signed-in customer starts from what they gave before; a form sent back keeps what they typed.
    if (!extra.values) {
      const customer = await ports.signedInCustomer(request);
      if (customer) extra = { ...extra, values: await app.db.transaction().execute((trx) => ports.prefill(trx, customer)) };
    }
    const consents = ports.consents.boxes(extra.values ?? {});
    const page = checkoutPage({ priced, offered, method, fields: fieldsFor(method, priced, settings), csrf: app.accounts.formToken(request, reply), idempotencyKey: newKey(), consents, ...extra });
    return sendPage(request, reply, page, status);
  }

  /**
   * The command under its idempotency record. The request is the body (and who is signed in); the
   * cart is server state, so a repeat after the cart was cleared still replays. The key belongs to
   * the cart cookie that sent it: the same key and body from another browser is another request.
   */
  async function run(request: FastifyRequest, cart: CheckoutCart | null, key: string, body: Record<string, unknown>): Promise<{ result: PlacedOrder; replayed: boolean }> {
    const customer = await ports.signedInCustomer(request);
    const owner = `cart:${ports.cartToken(request) ?? ''}`;
    const { idempotency_key: _k, ...rest } = body;
    const requestHash = fingerprint(key, { body: rest, customer: customer?.subject ?? null });
    const done = await withIdempotency(app.db, { scope: 'checkout', key, owner, requestHash }, (trx) =>
      placeOrder(deps, trx, { cart, body: rest, customer, ip: request.ip, idempotencyKey: ownedKeyId('checkout', owner, key) }),
    );
    return done as { result: PlacedOrder; replayed: boolean };
  }

  app.get('/checkout', { schema: { hide: true, querystring: { type: 'object', properties: { method: { type: 'string', maxLength: 40 } } } } }, async (request, reply) => {
    const cart = await cartOrPage(request);
    if ('title' in cart) return sendPage(request, reply, cart);
    return showForm(request, reply, cart, (request.query as { method?: string }).method);
  });

  // The form's schema holds each field to one piece of text; what the text means is checked by
  // checkout itself, which shows the form again with the field's error.
  const formBody = textForm({ method: 40, idempotency_key: 300, ...Object.fromEntries([...allFields().map((f) => f.name), ...ports.consents.fieldNames].map((name) => [name, 2000])) });
  app.post('/checkout', { schema: { hide: true, body: formBody } }, async (request, reply) => {
    const body = { ...((request.body ?? {}) as Record<string, unknown>) };
    if (!ports.hasCartCookie(request)) return sendPage(request, reply, cookiesNeededPage(), 400);
    const cart = await ports.cartOfRequest(request);
    try {
      const key = checkIdempotencyKey(body.idempotency_key, 'body.idempotency_key');
      const { result } = await run(request, cart, key, body);
      if (result.status >= 500) return sendPage(request, reply, unavailablePage(result.body.message ?? ''), result.status);
      return reply.redirect(result.body.location, 303);
    } catch (err) {
      const known = err instanceof AppError ? err : toAppError(err as Parameters<typeof toAppError>[0]);
      if (!known || known.status >= 500) throw err;
      const errors: Record<string, string> = {};
      for (const f of known.fields) errors[f.field.replace(/^body\./, '')] ??= f.message;
      if (known.fields.length === 0) errors[''] = known.message;
      const values = Object.fromEntries(
        Object.entries(body)
          .filter(([, v]) => typeof v === 'string')
          .map(([k, v]) => [k, (v as string).slice(0, 300)]),
      );
      if (!cart || cart.lines.length === 0) return sendPage(request, reply, emptyCartPage(), known.status);
      // A cart that changed under the buyer (stock gone) shows the form again with what is wrong.
      return showForm(request, reply, cart, body.method, { values, errors }, known.status);
    }
  });

  app.get(
    '/api/checkout',
    {
      schema: {
        tags: ['checkout'],
        summary: 'The payment methods this cart may use and the exact fields each asks',
        response: {
          200: {
            type: 'object',
            properties: {
              total_minor: { type: 'integer' },
              currency: { type: 'string' },
              methods: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    method: { type: 'string' },
                    fields: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          name: { type: 'string' },
                          label: { type: 'string' },
                          required: { type: 'boolean' },
                          purpose: { type: 'string', description: 'Why it is asked: the id of the data map purpose (datamap/purposes.yml) it is collected and kept for' },
                          schema: { type: 'object', additionalProperties: true },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          409: errorResponse,
        },
      },
    },
    async (request) => {
      if (!ports.hasCartCookie(request)) throw new AppError('COOKIES_REQUIRED');
      const cart = await ports.cartOfRequest(request);
      if (!cart || cart.lines.length === 0) throw new AppError('CART_EMPTY');
      const priced = await ports.priceLines(app.db, cart.lines, { shipTo: true });
      return {
        total_minor: priced.totalMinor,
        currency: priced.currency,
        methods: methodsFor(priced, settings).map((method) => ({
          method,
          fields: fieldsFor(method, priced, settings).map((f) => ({ name: f.name, label: f.label, required: f.required, purpose: f.purpose, schema: fieldSchema(f) })),
        })),
      };
    },
  );

  // The schema documents the body; checkout's own check (input.ts) answers, so that a 400 lists
  // every wrong field at once instead of the first the schema validator met.
  app.post(
    '/api/checkout',
    {
      attachValidation: true,
      schema: {
        tags: ['checkout'],
        summary: 'Place the order of this cart (Idempotency-Key header required); answers where the buyer goes next',
        headers: { type: 'object', required: ['idempotency-key'], properties: { 'idempotency-key': { type: 'string', minLength: 8, maxLength: 255 } } },
        body: apiBodySchema(),
        response: {
          201: { type: 'object', properties: { order_id: { type: 'string' }, order_number: { type: 'string' }, status: { type: 'string' }, next_url: { type: 'string' } } },
          400: errorResponse,
          409: errorResponse,
          422: errorResponse,
          503: errorResponse,
        },
      },
    },
    async (request, reply) => {
      if (!ports.hasCartCookie(request)) throw new AppError('COOKIES_REQUIRED');
      const cart = await ports.cartOfRequest(request);
      const key = checkIdempotencyKey(request.headers['idempotency-key'], 'headers.idempotency-key');
      const { result, replayed } = await run(request, cart, key, request.body as Record<string, unknown>);
      if (result.status >= 500) throw new AppError(result.body.code === 'PAYMENT_PROCESSOR_ERROR' ? 'PAYMENT_PROCESSOR_ERROR' : 'PAYMENT_PROCESSOR_UNAVAILABLE');
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ order_id: result.body.orderId, order_number: result.body.orderNumber, status: result.body.status, next_url: result.body.location });
    },
  );

  // The processor sends the buyer back here. The redirect proves nothing: the store asks the processor.
  app.get('/checkout/return/:paymentId', { schema: { hide: true, params: uuidParam('paymentId') } }, async (request, reply) => {
    const { paymentId } = request.params as { paymentId: string };
    const attempt = await attemptOfPayment(app.db, paymentId);
    if (!attempt) throw new AppError('NOT_FOUND', 'This payment was not found.');
    const settlement = await app.db.transaction().execute((trx) => ports.settlePayment(trx, paymentId));
    if (settlement.status === 'succeeded') return reply.redirect(confirmationPath(attempt.order_id), 303);
    const order = await ports.getOrder(app.db, attempt.order_id);
    if (!order) throw new AppError('NOT_FOUND');
    if (order.status === 'cancelled') return sendPage(request, reply, unavailablePage('The payment was not completed in time, so the order was cancelled.'), 200);
    return sendPage(request, reply, paymentPendingPage({ number: order.number, status: settlement.status, paymentUrl: attempt.payment_url }), 200);
  });

  app.get('/checkout/done/:orderId', { schema: { hide: true, params: uuidParam('orderId') } }, async (request, reply) => {
    const { orderId } = request.params as { orderId: string };
    const [attempt, order] = await Promise.all([attemptOfOrder(app.db, orderId), ports.getOrder(app.db, orderId)]);
    const customer = await ports.signedInCustomer(request);
    // Only the browser that placed the order (its cart cookie) or the buyer signed in sees it; to
    // anyone else who has the link it answers exactly like an order that does not exist.
    const cart = attempt?.cart_id ? await ports.cartOfRequest(request) : null;
    const theirs = attempt && order && ((cart !== null && cart.cartId === attempt.cart_id) || customer?.subject === order.customer_subject);
    if (!attempt || !order || !theirs) throw new AppError('NOT_FOUND', 'This order was not found.');
    if (order.status === 'pending_payment') return sendPage(request, reply, paymentPendingPage({ number: order.number, status: 'open', paymentUrl: attempt.payment_url }));
    const signedIn = customer !== null;
    const sections = await orderSections(app.wiring.listeners, app.db, order, { reader: 'buyer', kernel: app.privacy, config: app.config });
    return sendPage(
      request,
      reply,
      confirmationPage({
        number: order.number,
        status: order.status,
        totalMinor: order.total_minor,
        currency: order.currency,
        fulfilment: order.fulfilment,
        method: order.payment_method,
        signedIn,
        sections,
      }),
    );
  });
}
