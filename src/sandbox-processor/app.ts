// The sandbox payment processor: a small app of its own (own Fastify instance, own port, own
// storage directory) that stands in for a real processor. The store talks to it server-to-server
// with a secret key and sends the buyer to its pages; the buyer types the card or bank account
// here, and the store only ever learns a token, the brand and the last four digits.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import { bankOutcome, cardBrand, cardOutcome, DECLINES_OFF_SESSION, tokenisable, validateBank, validateCard, type FieldError } from './cards.ts';
import { forgottenSession, withoutFingerprint } from './forget.ts';
import { closedPage, payPage, type FormState } from './pages.ts';
import { openSessionStore, type Instrument, type Session, type SessionStore } from './store.ts';
import { webhookSender, type WebhookSender } from './webhooks.ts';
import { sandboxWebhookSecret } from './secret.ts';

export interface SandboxProcessorOptions {
  port: number;
  host?: string;
  /** Its own storage: sessions.jsonl and processor.log are kept here. */
  dir: string;
  /** The Bearer key the store uses for the API. */
  secretKey: string;
  /** Where to POST signed events (the store's /payments/webhook/sandbox); none: no webhooks. */
  webhookUrl?: string | null;
  /** Default: derived from the secret key, as the store's sandbox adapter derives it. */
  webhookSecret?: string;
  /** How long a session stays open (default 30 minutes). */
  sessionTtlMs?: number;
  webhookRetryDelaysMs?: number[];
  now?: () => Date;
}

export interface SandboxProcessor {
  url: string;
  app: FastifyInstance;
  setWebhookUrl(url: string | null): void;
  stop(): Promise<void>;
}

class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function text(body: Record<string, unknown>, field: string, max: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new ApiError(400, 'parameter_invalid', `${field}: must be text of 1 to ${max} characters`);
  return value;
}

function httpUrl(body: Record<string, unknown>, field: string): string {
  const value = text(body, field, 2000);
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // falls through
  }
  throw new ApiError(400, 'parameter_invalid', `${field}: must be an http(s) URL`);
}

export async function startSandboxProcessor(options: SandboxProcessorOptions): Promise<SandboxProcessor> {
  if (options.secretKey.length < 16) throw new Error('startSandboxProcessor: secretKey must be at least 16 characters');
  const now = options.now ?? (() => new Date());
  const ttl = options.sessionTtlMs ?? 30 * 60_000;
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const store: SessionStore = openSessionStore(options.dir);
  const logPath = join(options.dir, 'processor.log');
  // The processor's own log: ids, outcomes and last four digits, never a full number.
  const log = (line: Record<string, unknown>) => appendFileSync(logPath, `${JSON.stringify({ at: now().toISOString(), ...line })}\n`, { mode: 0o600 });
  const fingerprintKey = createHmac('sha256', options.secretKey).update('sandbox-processor/fingerprint').digest();
  const webhooks: WebhookSender = webhookSender({
    url: options.webhookUrl ?? null,
    secret: options.webhookSecret ?? sandboxWebhookSecret(options.secretKey),
    retryDelaysMs: options.webhookRetryDelaysMs ?? [1000, 5000, 15000],
    now,
    log,
  });
  const expectedKey = digest(options.secretKey);

  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  await app.register(formbody, { bodyLimit: 16 * 1024 });

  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', 'no-store');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  });

  // Never echo a request body back: an error answer names a code and a field, nothing typed.
  app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    log({ event: 'error', status, name: err.name });
    return reply.code(status).send({ error: { code: status === 500 ? 'internal' : 'bad_request', message: status === 500 ? 'internal error' : 'bad request' } });
  });

  /** The session, with an open one past its time marked expired. */
  function current(id: string): Session | undefined {
    const s = store.get(id);
    if (s && s.status === 'open' && Date.parse(s.expiresAt) <= now().getTime()) {
      const expired: Session = { ...s, status: 'expired' };
      store.put(expired);
      log({ event: 'expired', session: s.id });
      webhooks.send('checkout.session.expired', view(expired));
      return expired;
    }
    return s;
  }

  function view(s: Session): Record<string, unknown> {
    const refunded = s.refunds.reduce((sum, r) => sum + r.amountMinor, 0);
    return {
      id: s.id,
      object: 'checkout_session',
      status: s.status,
      amount_minor: s.amountMinor,
      currency: s.currency,
      reference: s.reference,
      instrument: s.instrument,
      url: `${base}/pay/${s.id}`,
      payment_method: s.paymentMethod,
      failure_code: s.failureCode,
      refunded_minor: refunded,
      created_at: s.createdAt,
      expires_at: s.expiresAt,
      forgotten_at: s.forgottenAt ?? null,
      charge_of: s.chargeOf ?? null,
    };
  }

  function authorise(request: FastifyRequest): void {
    const header = request.headers.authorization ?? '';
    const key = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!key || !timingSafeEqual(digest(key), expectedKey)) throw new ApiError(401, 'unauthorized', 'a valid secret key is required (Authorization: Bearer …)');
  }

  function idempotencyKey(request: FastifyRequest, required: boolean): string | null {
    const raw = request.headers['idempotency-key'];
    const key = typeof raw === 'string' ? raw : null;
    if (key === null && required) throw new ApiError(400, 'idempotency_key_required', 'Idempotency-Key header is required');
    if (key !== null && (key.length === 0 || key.length > 255)) throw new ApiError(400, 'parameter_invalid', 'Idempotency-Key: 1 to 255 characters');
    return key;
  }

  function found(id: string): Session {
    const s = current(id);
    if (!s) throw new ApiError(404, 'resource_missing', 'no such checkout session');
    return s;
  }

  app.post('/v1/checkout-sessions', async (request) => {
    authorise(request);
    const key = idempotencyKey(request, true)!;
    const body = (request.body ?? {}) as Record<string, unknown>;
    // The customer is hashed apart, so that forgetting the buyer can drop that hash and keep the rest.
    const { customer: given, ...payment } = body;
    const requestHash = sha256(JSON.stringify(payment));
    const customerHash = sha256(JSON.stringify(given ?? null));
    const earlier = store.byIdempotencyKey(`create:${key}`);
    if (earlier) {
      const same = earlier.requestHash === requestHash && (earlier.customerHash === null || earlier.customerHash === customerHash);
      if (!same) throw new ApiError(409, 'idempotency_key_reused', 'this Idempotency-Key was used for another request');
      return view(current(earlier.id)!);
    }
    const amount = body.amount_minor;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1) throw new ApiError(400, 'parameter_invalid', 'amount_minor: must be a whole number above 0');
    const currency = text(body, 'currency', 3);
    if (!/^[A-Z]{3}$/.test(currency)) throw new ApiError(400, 'parameter_invalid', 'currency: must be an ISO 4217 code such as USD');
    const instrument = body.instrument;
    if (instrument !== 'card' && instrument !== 'bank-account') throw new ApiError(400, 'parameter_invalid', 'instrument: must be card or bank-account');
    const customer = (typeof body.customer === 'object' && body.customer !== null ? body.customer : {}) as Record<string, unknown>;
    const at = now();
    const session: Session = {
      id: `cs_sbx_${randomBytes(12).toString('hex')}`,
      status: 'open',
      amountMinor: amount,
      currency,
      reference: text(body, 'reference', 200),
      ...(typeof body.description === 'string' && body.description !== '' ? { description: body.description.slice(0, 200) } : {}),
      instrument: instrument as Instrument,
      returnUrl: httpUrl(body, 'return_url'),
      cancelUrl: httpUrl(body, 'cancel_url'),
      customerName: typeof customer.name === 'string' ? customer.name.slice(0, 200) : '',
      customerEmail: typeof customer.email === 'string' ? customer.email.slice(0, 320) : '',
      forgottenAt: null,
      idempotencyKey: `create:${key}`,
      requestHash,
      customerHash,
      createdAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + ttl).toISOString(),
      completedAt: null,
      attempts: 0,
      failureCode: null,
      paymentMethod: null,
      refunds: [],
    };
    store.put(session);
    log({ event: 'created', session: session.id, amount_minor: amount, currency });
    return view(session);
  });

  app.get<{ Params: { id: string } }>('/v1/checkout-sessions/:id', async (request) => {
    authorise(request);
    return view(found(request.params.id));
  });

  app.post<{ Params: { id: string } }>('/v1/checkout-sessions/:id/expire', async (request) => {
    authorise(request);
    idempotencyKey(request, false);
    const s = found(request.params.id);
    if (s.status === 'open') {
      const expired: Session = { ...s, status: 'expired' };
      store.put(expired);
      log({ event: 'expired', session: s.id, by: 'api' });
      webhooks.send('checkout.session.expired', view(expired));
      return view(expired);
    }
    if (s.status === 'expired' || s.status === 'failed') return view(s);
    throw new ApiError(409, 'session_not_open', `the session is ${s.status} and cannot be expired`);
  });

  app.post<{ Params: { id: string } }>('/v1/checkout-sessions/:id/refunds', async (request) => {
    authorise(request);
    const key = idempotencyKey(request, true)!;
    const s = found(request.params.id);
    if (s.refunds.some((r) => r.idempotencyKey === key)) return view(s);
    const amount = ((request.body ?? {}) as Record<string, unknown>).amount_minor;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1) throw new ApiError(400, 'parameter_invalid', 'amount_minor: must be a whole number above 0');
    if (s.status !== 'succeeded') throw new ApiError(409, 'charge_not_refundable', `the session is ${s.status}; only a paid session can be refunded`);
    const refunded = s.refunds.reduce((sum, r) => sum + r.amountMinor, 0);
    if (refunded + amount > s.amountMinor) throw new ApiError(400, 'amount_too_large', `amount_minor: at most ${s.amountMinor - refunded} is left to refund`);
    const refunds = [...s.refunds, { id: `re_sbx_${randomBytes(12).toString('hex')}`, amountMinor: amount, idempotencyKey: key, at: now().toISOString() }];
    const next: Session = { ...s, refunds, status: refunded + amount === s.amountMinor ? 'refunded' : 'succeeded' };
    store.put(next);
    log({ event: 'refunded', session: s.id, amount_minor: amount });
    webhooks.send('charge.refunded', view(next));
    return view(next);
  });

  // The store's erasure: the buyer's name and email go, and so does every earlier snapshot holding
  // them (the file is compacted each time, so a retry after a crash mid-way finishes the job). The
  // payment record stays: a forgotten session still answers with its status and amounts.
  app.post<{ Params: { id: string } }>('/v1/checkout-sessions/:id/forget', async (request) => {
    authorise(request);
    idempotencyKey(request, false);
    const s = found(request.params.id);
    const forgotten = forgottenSession(s, now());
    store.put(forgotten);
    store.compact();
    log({ event: 'forgotten', session: s.id });
    return view(forgotten);
  });

  // Off-session charges: a payment method kept from a paid session is charged again without the
  // buyer (a subscription's renewal). Each charge is a session of its own (`chargeOf` names the
  // first), answered by GET like any other; the same Idempotency-Key answers the same charge.
  app.post<{ Params: { token: string } }>('/v1/payment-methods/:token/charges', async (request) => {
    authorise(request);
    const key = idempotencyKey(request, true)!;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const requestHash = sha256(JSON.stringify({ token: request.params.token, ...body }));
    const earlier = store.byIdempotencyKey(`charge:${key}`);
    if (earlier) {
      if (earlier.requestHash !== requestHash) throw new ApiError(409, 'idempotency_key_reused', 'this Idempotency-Key was used for another request');
      return view(earlier);
    }
    const origin = store.find((s) => s.paymentMethod?.token === request.params.token && s.chargeOf === undefined && (s.status === 'succeeded' || s.status === 'refunded'));
    if (!origin?.paymentMethod) throw new ApiError(404, 'resource_missing', 'no such payment method');
    const amount = body.amount_minor;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1) throw new ApiError(400, 'parameter_invalid', 'amount_minor: must be a whole number above 0');
    const currency = text(body, 'currency', 3);
    if (!/^[A-Z]{3}$/.test(currency)) throw new ApiError(400, 'parameter_invalid', 'currency: must be an ISO 4217 code such as USD');
    const declined = origin.paymentMethod.declinesOffSession === true;
    const at = now().toISOString();
    const charge: Session = {
      id: `cs_sbx_${randomBytes(12).toString('hex')}`,
      status: declined ? 'failed' : 'succeeded',
      amountMinor: amount,
      currency,
      reference: text(body, 'reference', 200),
      ...(typeof body.description === 'string' && body.description !== '' ? { description: body.description.slice(0, 200) } : {}),
      instrument: origin.instrument,
      returnUrl: origin.returnUrl,
      cancelUrl: origin.cancelUrl,
      // The buyer is not disclosed again for a renewal: the charge holds the method, not the person.
      customerName: '',
      customerEmail: '',
      forgottenAt: null,
      idempotencyKey: `charge:${key}`,
      requestHash,
      customerHash: null,
      createdAt: at,
      expiresAt: at,
      completedAt: at,
      attempts: 1,
      failureCode: declined ? 'card_declined' : null,
      paymentMethod: origin.paymentMethod,
      refunds: [],
      chargeOf: origin.id,
    };
    store.put(charge);
    log({ event: declined ? 'charge_declined' : 'charged', session: charge.id, of: origin.id, amount_minor: amount, brand: origin.paymentMethod.brand, last4: origin.paymentMethod.last4 });
    return view(charge);
  });

  // --- the buyer's pages -------------------------------------------------------------------------

  function sendPage(reply: FastifyReply, s: Session, status: number, render: (nonce: string) => string): FastifyReply {
    const nonce = randomBytes(16).toString('base64');
    const targets = new Set([new URL(s.returnUrl).origin, new URL(s.cancelUrl).origin]);
    // form-action also governs where the form's answer may redirect: the store's return address.
    reply.header('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self' ${[...targets].join(' ')}; frame-ancestors 'none'; base-uri 'none'`);
    return reply.code(status).type('text/html; charset=utf-8').send(render(nonce));
  }

  app.get<{ Params: { id: string } }>('/pay/:id', async (request, reply) => {
    const s = current(request.params.id);
    if (!s) return reply.code(404).type('text/plain').send('There is no such payment.');
    if (s.status !== 'open') return sendPage(reply, s, 200, (nonce) => closedPage(s, nonce));
    return sendPage(reply, s, 200, (nonce) => payPage(s, nonce, { errors: [], declined: null, values: {} }));
  });

  app.post<{ Params: { id: string } }>('/pay/:id', async (request, reply) => {
    const s = current(request.params.id);
    if (!s) return reply.code(404).type('text/plain').send('There is no such payment.');
    if (s.status !== 'open') return sendPage(reply, s, 409, (nonce) => closedPage(s, nonce));
    const form = (request.body ?? {}) as Record<string, unknown>;
    const field = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : '');
    let errors: FieldError[];
    let values: Record<string, string>;
    let outcome;
    let method;
    if (s.instrument === 'card') {
      const input = { number: field('number'), expiry: field('expiry'), cvc: field('cvc'), name: field('name') };
      const checked = validateCard(input, now());
      errors = checked.errors;
      values = { expiry: input.expiry, name: input.name };
      if (!errors.length) {
        outcome = cardOutcome(checked.digits);
        method = { ...tokenisable('card', checked.digits, cardBrand(checked.digits), fingerprintKey), ...(checked.digits === DECLINES_OFF_SESSION ? { declinesOffSession: true } : {}) };
      }
    } else {
      const input = { holder: field('holder'), routing: field('routing'), account: field('account') };
      const checked = validateBank(input);
      errors = checked.errors;
      values = { holder: input.holder, routing: input.routing };
      if (!errors.length) {
        outcome = bankOutcome(checked.account);
        method = tokenisable('bank', `${checked.routing}:${checked.account}`, 'bank_account', fingerprintKey);
      }
    }
    if (errors.length || !outcome || !method) {
      return sendPage(reply, s, 422, (nonce) => payPage(s, nonce, { errors, declined: null, values } satisfies FormState));
    }
    const tokenised = { token: `pm_sbx_${randomBytes(12).toString('hex')}`, ...method };
    const paymentMethod = s.forgottenAt ? withoutFingerprint(tokenised) : tokenised;
    const attempts = s.attempts + 1;
    if (!outcome.ok && !outcome.final) {
      // A decline the buyer can fix with another card: the session stays open.
      store.put({ ...s, attempts, failureCode: outcome.code });
      log({ event: 'declined', session: s.id, code: outcome.code, brand: method.brand, last4: method.last4 });
      return sendPage(reply, s, 402, (nonce) => payPage(s, nonce, { errors: [], declined: outcome.message, values }));
    }
    const at = now().toISOString();
    const next: Session = outcome.ok
      ? { ...s, attempts, status: 'succeeded', failureCode: null, paymentMethod, completedAt: at }
      : { ...s, attempts, status: 'failed', failureCode: outcome.code, paymentMethod, completedAt: at };
    store.put(next);
    log({ event: next.status, session: s.id, brand: method.brand, last4: method.last4, ...(outcome.ok ? {} : { code: outcome.code }) });
    webhooks.send(outcome.ok ? 'checkout.session.completed' : 'checkout.session.payment_failed', view(next));
    return reply.code(303).header('location', s.returnUrl).send();
  });

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port });
  const base = `http://localhost:${new URL(address).port}`;
  log({ event: 'started', url: base });

  let stopping: Promise<void> | null = null;
  return {
    url: base,
    app,
    setWebhookUrl: (url) => webhooks.setUrl(url),
    stop() {
      stopping ??= (async () => {
        await app.close();
        await webhooks.close();
        store.close();
      })();
      return stopping;
    },
  };
}
