// The payments plugin: `app.payments` for the other modules (registered at the root), and the
// webhook route in its own scope, where JSON bodies stay raw bytes so the signature can be checked
// over exactly what the processor signed.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { tablesOf } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import {
  cancelPayment,
  chargeSavedMethod,
  type ChargeResult,
  type ChargeSavedInput,
  getPayment,
  refundPayment,
  settlePayment,
  startPayment,
  type PaymentRow,
  type PaymentsDeps,
  type RefundInput,
  type RefundResult,
  type Settlement,
  type StartedPaymentResult,
  type StartPaymentInput,
} from './payments.ts';
import { forgetBuyer } from './forget.ts';
import { processorsFromConfig, type Processors } from './processors.ts';
import type { PaymentsTables } from './tables.ts';

export interface PaymentsApi {
  deps: PaymentsDeps;
  startPayment(db: Db, input: StartPaymentInput): Promise<StartedPaymentResult>;
  settlePayment(db: Db, paymentId: string): Promise<Settlement>;
  cancelPayment(db: Db, paymentId: string): Promise<void>;
  refundPayment(db: Db, input: RefundInput): Promise<RefundResult>;
  /** Charges a kept payment method off-session (a subscription's renewal), disclosed on the billing basis. */
  chargeSaved(db: Db, input: ChargeSavedInput): Promise<ChargeResult>;
  getPayment(db: Db, paymentId: string): Promise<PaymentRow | null>;
  /** Asks each processor that took a payment of this subject to forget the buyer (the erasure flow). */
  forgetBuyer(db: Db, subject: string): Promise<{ forgotten: number }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    payments: PaymentsApi;
  }
}

export interface PaymentsPluginOptions {
  /** Default: from the settings (PAYMENT_PROCESSOR, SANDBOX_PROCESSOR_URL, STRIPE_*). */
  processors?: (app: FastifyInstance) => Processors;
}

const webhookSchema = {
  summary: 'Payment processor webhook (signature-checked; the store then asks the processor)',
  tags: ['payments'],
  params: { type: 'object', properties: { processor: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,30}$' } }, required: ['processor'] },
  response: {
    200: { type: 'object', properties: { received: { type: 'boolean' }, status: { type: ['string', 'null'] } }, required: ['received', 'status'] },
  },
};

export function paymentsRoutes(options: PaymentsPluginOptions = {}): FastifyPluginAsync {
  const root: FastifyPluginAsync = async (app) => {
    const deps: PaymentsDeps = {
      kernel: app.privacy,
      processors: options.processors?.(app) ?? processorsFromConfig(app.config),
      publicUrl: app.config.publicUrl,
      listeners: app.wiring.listeners,
    };
    app.decorate('payments', {
      deps,
      startPayment: (db, input) => startPayment(deps, db, input),
      settlePayment: (db, id) => settlePayment(deps, db, id),
      cancelPayment: (db, id) => cancelPayment(deps, db, id),
      refundPayment: (db, input) => refundPayment(deps, db, input),
      chargeSaved: (db, input) => chargeSavedMethod(deps, db, input),
      getPayment,
      forgetBuyer: (db, subject) => forgetBuyer(deps, db, subject),
    } satisfies PaymentsApi);

    await app.register(async (scoped) => {
      scoped.removeContentTypeParser('application/json');
      scoped.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 256 * 1024 }, (_request, body, done) => done(null, body));
      scoped.post<{ Params: { processor: string } }>('/payments/webhook/:processor', { schema: webhookSchema }, async (request) => {
        const processor = deps.processors.byId(request.params.processor);
        if (!Buffer.isBuffer(request.body)) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
        const event = processor.parseWebhook(request.body, request.headers);
        const row = await tablesOf<PaymentsTables>(app.db)
          .selectFrom('payments_attempts')
          .select('id')
          .where('processor', '=', processor.id)
          .where('processor_ref', '=', event.processorRef)
          .executeTakeFirst();
        // An event about a session this store does not know (another shop on the same account): acknowledged, ignored.
        if (!row) return { received: true, status: null };
        const settled = await app.db.transaction().execute((trx) => settlePayment(deps, trx, row.id));
        return { received: true, status: settled.status };
      });
    });
  };
  (root as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return root;
}
