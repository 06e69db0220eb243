// The PaymentProcessor port over the sandbox processor's HTTP API (src/sandbox-processor/).
import { sandboxWebhookSecret } from '../../sandbox-processor/index.ts';
import { AppError } from '../../platform/errors.ts';
import { callProcessor, callProcessorIfThere, type Fetch } from './http.ts';
import type { PaymentOutcome, PaymentProcessor, PaymentStatus } from './port.ts';
import { verifyWebhookSignature } from './signature.ts';
import { parseWebhookEvent } from './webhook-event.ts';

export interface SandboxAdapterOptions {
  baseUrl: string;
  secretKey: string;
  /** Default: derived from the secret key, as the sandbox derives it. */
  webhookSecret?: string;
  fetch?: Fetch;
  now?: () => Date;
}

const statuses: readonly PaymentStatus[] = ['open', 'succeeded', 'failed', 'expired', 'refunded'];

function outcomeOf(body: Record<string, unknown>): PaymentOutcome {
  const status = body.status as PaymentStatus;
  if (typeof body.id !== 'string' || !statuses.includes(status) || typeof body.amount_minor !== 'number' || typeof body.currency !== 'string') {
    throw new AppError('PAYMENT_PROCESSOR_ERROR', 'The payment processor (sandbox) answered in an unexpected shape.');
  }
  const method = body.payment_method as { token?: string; last4?: string; brand?: string } | null;
  return {
    processorRef: body.id,
    status,
    amountMinor: body.amount_minor,
    currency: body.currency,
    ...(method?.token ? { token: method.token } : {}),
    ...(method?.last4 ? { last4: method.last4 } : {}),
    ...(method?.brand ? { brand: method.brand } : {}),
    ...(typeof body.failure_code === 'string' ? { failureCode: body.failure_code } : {}),
  };
}

export function sandboxAdapter(options: SandboxAdapterOptions): PaymentProcessor {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const webhookSecret = options.webhookSecret ?? sandboxWebhookSecret(options.secretKey);
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers = (idempotencyKey?: string): Record<string, string> => ({
    authorization: `Bearer ${options.secretKey}`,
    'content-type': 'application/json',
    ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
  });
  const sessionPath = (ref: string) => `${base}/v1/checkout-sessions/${encodeURIComponent(ref)}`;

  return {
    id: 'sandbox',
    async start(r) {
      const { body } = await callProcessor('sandbox', fetchImpl, `${base}/v1/checkout-sessions`, {
        method: 'POST',
        headers: headers(r.idempotencyKey),
        body: JSON.stringify({
          amount_minor: r.amountMinor,
          currency: r.currency,
          reference: r.paymentId,
          instrument: r.instrument,
          return_url: r.returnUrl,
          cancel_url: r.cancelUrl,
          customer: r.customer,
          ...(r.description ? { description: r.description } : {}),
        }),
      });
      if (typeof body.id !== 'string' || typeof body.url !== 'string') throw new AppError('PAYMENT_PROCESSOR_ERROR', 'The payment processor (sandbox) answered in an unexpected shape.');
      return { processorRef: body.id, redirectUrl: body.url };
    },
    async retrieve(ref) {
      return outcomeOf((await callProcessor('sandbox', fetchImpl, sessionPath(ref), { headers: headers() })).body);
    },
    async cancel(ref, idempotencyKey) {
      await callProcessor('sandbox', fetchImpl, `${sessionPath(ref)}/expire`, { method: 'POST', headers: headers(idempotencyKey), body: '{}' });
    },
    async refund(ref, amountMinor, idempotencyKey) {
      const { body } = await callProcessor('sandbox', fetchImpl, `${sessionPath(ref)}/refunds`, {
        method: 'POST',
        headers: headers(idempotencyKey),
        body: JSON.stringify({ amount_minor: amountMinor }),
      });
      return outcomeOf(body);
    },
    async chargeSaved(r) {
      if (!r.idempotencyKey) throw new AppError('VALIDATION_FAILED', 'idempotencyKey: is required for an off-session charge');
      const { body } = await callProcessor('sandbox', fetchImpl, `${base}/v1/payment-methods/${encodeURIComponent(r.token)}/charges`, {
        method: 'POST',
        headers: headers(r.idempotencyKey),
        body: JSON.stringify({ amount_minor: r.amountMinor, currency: r.currency, reference: r.paymentId, ...(r.description ? { description: r.description } : {}) }),
      });
      return outcomeOf(body);
    },
    async forget(ref, idempotencyKey) {
      // 404: the sandbox has no such session (any more), so nothing of the buyer is left there.
      await callProcessorIfThere('sandbox', fetchImpl, `${sessionPath(ref)}/forget`, { method: 'POST', headers: headers(idempotencyKey), body: '{}' });
    },
    parseWebhook(rawBody, hdrs) {
      verifyWebhookSignature(hdrs['sandbox-signature'], rawBody, webhookSecret, now());
      const event = parseWebhookEvent(rawBody, 'a sandbox event') as { type?: unknown; data?: { object?: { id?: unknown } } | null };
      const ref = typeof event.data === 'object' ? event.data?.object?.id : undefined;
      if (typeof event.type !== 'string' || typeof ref !== 'string' || ref.length > 255) throw new AppError('VALIDATION_FAILED', 'body: is not a sandbox event');
      return { processorRef: ref, type: event.type };
    },
  };
}
