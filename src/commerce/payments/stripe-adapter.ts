// Placeholder until the Stripe adapter lands: refuses every call.
import { AppError } from '../../platform/errors.ts';
import type { PaymentProcessor } from './port.ts';

export function stripeAdapter(_options: { secretKey: string; webhookSecret: string; baseUrl?: string }): PaymentProcessor {
  const no = async (): Promise<never> => {
    throw new AppError('PAYMENT_PROCESSOR_UNAVAILABLE', 'The Stripe adapter is not available yet.');
  };
  return { id: 'stripe', start: no, retrieve: no, cancel: no, refund: no, parseWebhook: () => { throw new AppError('WEBHOOK_SIGNATURE_INVALID'); } };
}
