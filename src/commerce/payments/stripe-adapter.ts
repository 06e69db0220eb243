// The PaymentProcessor port over Stripe Checkout Sessions, with fetch and form encoding (no SDK).
// The buyer types the card or bank account on Stripe's page; what comes back is the PaymentMethod's
// id (the token), its brand and last four. Every write carries an Idempotency-Key.
import { AppError } from '../../platform/errors.ts';
import { callProcessor, callProcessorAnswering, callProcessorIfThere, type Fetch } from './http.ts';
import type { ChargeSavedRequest, PaymentOutcome, PaymentProcessor, PaymentStatus, StartPaymentRequest } from './port.ts';
import { verifyWebhookSignature } from './signature.ts';
import { forgetAtStripe } from './stripe-forget.ts';
import { parseWebhookEvent } from './webhook-event.ts';

export interface StripeAdapterOptions {
  secretKey: string;
  webhookSecret: string;
  /** Default https://api.stripe.com; tests point it at a local fake. */
  baseUrl?: string;
  fetch?: Fetch;
  now?: () => Date;
}

/** The API version the adapter (and its fixtures) are written against. */
export const STRIPE_API_VERSION = '2024-06-20';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function sessionForm(r: StartPaymentRequest): URLSearchParams {
  const form = new URLSearchParams({
    mode: 'payment',
    client_reference_id: r.paymentId,
    success_url: r.returnUrl,
    cancel_url: r.cancelUrl,
  });
  if (r.customer.email) form.set('customer_email', r.customer.email);
  form.set('payment_method_types[0]', r.instrument === 'card' ? 'card' : 'us_bank_account');
  form.set('line_items[0][quantity]', '1');
  form.set('line_items[0][price_data][currency]', r.currency.toLowerCase());
  form.set('line_items[0][price_data][unit_amount]', String(r.amountMinor));
  form.set('line_items[0][price_data][product_data][name]', r.description ?? `Order payment ${r.paymentId.slice(0, 8)}`);
  if (r.description) form.set('payment_intent_data[description]', r.description);
  if (r.saveForLater) {
    // A plan: Stripe keeps the card on a Customer so that renewals can charge it off-session.
    form.set('customer_creation', 'always');
    form.set('payment_intent_data[setup_future_usage]', 'off_session');
  }
  form.set('metadata[payment_id]', r.paymentId);
  form.set('payment_intent_data[metadata][payment_id]', r.paymentId);
  return form;
}

/** How a Checkout Session (with its PaymentIntent expanded) maps onto the port's statuses. */
export function outcomeOfSession(session: Obj): PaymentOutcome {
  const id = str(session.id);
  const amount = session.amount_total;
  const currency = str(session.currency);
  if (!id || typeof amount !== 'number' || !currency) throw new AppError('PAYMENT_PROCESSOR_ERROR', 'The payment processor (stripe) answered in an unexpected shape.');
  const intent = obj(session.payment_intent);
  const charge = obj(intent?.latest_charge);
  const method = obj(intent?.payment_method);
  const error = obj(intent?.last_payment_error);
  let status: PaymentStatus = 'open';
  if (session.status === 'expired') status = 'expired';
  else if (session.status === 'complete' && session.payment_status === 'paid') status = charge?.refunded === true ? 'refunded' : 'succeeded';
  else if (session.status === 'complete' && (intent?.status === 'requires_payment_method' || intent?.status === 'canceled')) status = 'failed';
  const details = obj(method?.card) ?? obj(method?.us_bank_account);
  const brand = method?.type === 'card' ? str(details?.brand) : method?.type === 'us_bank_account' ? 'bank_account' : undefined;
  const failureCode = str(error?.decline_code) ?? str(error?.code);
  return {
    processorRef: id,
    status,
    amountMinor: amount,
    currency: currency.toUpperCase(),
    ...(str(method?.id) ? { token: str(method?.id)! } : {}),
    ...(str(details?.last4) ? { last4: str(details?.last4)! } : {}),
    ...(brand ? { brand } : {}),
    ...(status !== 'succeeded' && failureCode ? { failureCode } : {}),
    ...((str(session.customer) ?? str(obj(session.customer)?.id)) ? { customerRef: (str(session.customer) ?? str(obj(session.customer)?.id))! } : {}),
  };
}

/** The form of an off-session PaymentIntent charging a saved card (confirmed at once). */
export function chargeForm(r: ChargeSavedRequest): URLSearchParams {
  const form = new URLSearchParams({ amount: String(r.amountMinor), currency: r.currency.toLowerCase(), payment_method: r.token, off_session: 'true', confirm: 'true' });
  if (r.customerRef) form.set('customer', r.customerRef);
  if (r.description) form.set('description', r.description);
  form.set('metadata[payment_id]', r.paymentId);
  return form;
}

/** A PaymentIntent (or the 402 error carrying it, for a decline) as the port's outcome. */
export function outcomeOfIntent(body: Obj): PaymentOutcome {
  const error = obj(body.error);
  const intent = error ? obj(error.payment_intent) : body;
  const id = str(intent?.id);
  const amount = intent?.amount;
  const currency = str(intent?.currency);
  if (!intent || !id || typeof amount !== 'number' || !currency) throw new AppError('PAYMENT_PROCESSOR_ERROR', 'The payment processor (stripe) answered in an unexpected shape.');
  const succeeded = !error && intent.status === 'succeeded';
  const lastError = error ?? obj(intent.last_payment_error);
  const failureCode = str(lastError?.decline_code) ?? str(lastError?.code) ?? 'payment_failed';
  return {
    processorRef: id,
    status: succeeded ? 'succeeded' : intent.status === 'processing' ? 'open' : 'failed',
    amountMinor: amount,
    currency: currency.toUpperCase(),
    ...(str(intent.payment_method) ? { token: str(intent.payment_method)! } : {}),
    ...(succeeded ? {} : { failureCode }),
  };
}

export function stripeAdapter(options: StripeAdapterOptions): PaymentProcessor {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const base = (options.baseUrl ?? 'https://api.stripe.com').replace(/\/+$/, '');
  const headers = (idempotencyKey?: string): Record<string, string> => ({
    authorization: `Bearer ${options.secretKey}`,
    'stripe-version': STRIPE_API_VERSION,
    'content-type': 'application/x-www-form-urlencoded',
    ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
  });
  const call = (path: string, init: RequestInit) => callProcessor('stripe', fetchImpl, `${base}${path}`, init);
  const callIfThere = (path: string, init: RequestInit) => callProcessorIfThere('stripe', fetchImpl, `${base}${path}`, init);
  const sessionPath = (ref: string) => `/v1/checkout/sessions/${encodeURIComponent(ref)}`;
  const expanded = '?expand[]=payment_intent.payment_method&expand[]=payment_intent.latest_charge';

  async function retrieve(ref: string): Promise<PaymentOutcome> {
    return outcomeOfSession((await call(`${sessionPath(ref)}${expanded}`, { headers: headers() })).body);
  }

  return {
    id: 'stripe',
    async start(r) {
      const { body } = await call('/v1/checkout/sessions', { method: 'POST', headers: headers(r.idempotencyKey), body: sessionForm(r).toString() });
      if (typeof body.id !== 'string' || typeof body.url !== 'string') throw new AppError('PAYMENT_PROCESSOR_ERROR', 'The payment processor (stripe) answered in an unexpected shape.');
      return { processorRef: body.id, redirectUrl: body.url };
    },
    retrieve,
    async cancel(ref, idempotencyKey) {
      await call(`${sessionPath(ref)}/expire`, { method: 'POST', headers: headers(idempotencyKey), body: '' });
    },
    async refund(ref, amountMinor, idempotencyKey) {
      const session = (await call(sessionPath(ref), { headers: headers() })).body;
      const intent = str(session.payment_intent) ?? str(obj(session.payment_intent)?.id);
      if (!intent) throw new AppError('PAYMENT_NOT_REFUNDABLE', 'Stripe holds no payment for this session.');
      const form = new URLSearchParams({ payment_intent: intent, amount: String(amountMinor) });
      await call('/v1/refunds', { method: 'POST', headers: headers(idempotencyKey), body: form.toString() });
      return retrieve(ref);
    },
    async chargeSaved(r) {
      if (!r.idempotencyKey) throw new AppError('VALIDATION_FAILED', 'idempotencyKey: is required for an off-session charge');
      // A declined off-session charge answers 402 with the PaymentIntent inside the error.
      const { body } = await callProcessorAnswering('stripe', fetchImpl, `${base}/v1/payment_intents`, { method: 'POST', headers: headers(r.idempotencyKey), body: chargeForm(r).toString() }, [402]);
      return outcomeOfIntent(body);
    },
    forget: (ref, idempotencyKey) => forgetAtStripe({ call, callIfThere, headers }, ref, idempotencyKey),
    parseWebhook(rawBody, hdrs) {
      verifyWebhookSignature(hdrs['stripe-signature'], rawBody, options.webhookSecret, now());
      const event = parseWebhookEvent(rawBody, 'a Stripe event') as Obj;
      const object = obj(obj(event.data)?.object);
      const type = str(event.type);
      if (!type || !object) throw new AppError('VALIDATION_FAILED', 'body: is not a Stripe event');
      // Only Checkout Session events name a session; any other event is acknowledged and ignored.
      return { processorRef: object.object === 'checkout.session' ? (str(object.id) ?? '') : '', type };
    },
  };
}
