// Which processors this shop can talk to, from its settings. New payments go to the active one
// (PAYMENT_PROCESSOR); a payment is always settled with the processor that took it.
import type { Config } from '../../platform/config.ts';
import { notFound } from '../../platform/errors.ts';
import { sandboxSecret } from '../../sandbox-processor/index.ts';
import type { PaymentProcessor } from './port.ts';
import { sandboxAdapter } from './sandbox-adapter.ts';
import { stripeAdapter } from './stripe-adapter.ts';

export interface Processors {
  active: PaymentProcessor;
  byId(id: string): PaymentProcessor;
}

export function processorSet(active: PaymentProcessor, others: PaymentProcessor[] = []): Processors {
  const all = new Map([...others, active].map((p) => [p.id, p]));
  return {
    active,
    byId(id) {
      const p = all.get(id);
      if (!p) throw notFound(`The payment processor ${id}`);
      return p;
    },
  };
}

/** The sandbox's address: SANDBOX_PROCESSOR_URL, or the one `npm start` runs (server.ts fills it in). */
export function sandboxUrl(config: Pick<Config, 'payments'>): string {
  return config.payments.sandboxUrl ?? `http://localhost:${config.payments.sandboxPort}`;
}

export function processorsFromConfig(config: Pick<Config, 'payments' | 'dataDir'>): Processors {
  const sandbox = sandboxAdapter({ baseUrl: sandboxUrl(config), secretKey: sandboxSecret(config) });
  const { stripeSecretKey, stripeWebhookSecret } = config.payments;
  const stripe = stripeSecretKey && stripeWebhookSecret ? stripeAdapter({ secretKey: stripeSecretKey, webhookSecret: stripeWebhookSecret }) : null;
  if (config.payments.processor === 'stripe' && stripe) return processorSet(stripe, [sandbox]);
  return processorSet(sandbox, stripe ? [stripe] : []);
}
