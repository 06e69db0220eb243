// The settlement ports built from plain dependencies (kernel, processors, settings) rather than
// from the web app, so the settlement listener and the expiry job run the same in `npm start`
// and in a separate `npm run worker` without the web app.
import type { Config } from '../../platform/config.ts';
import { jobKernel, type PrivacyKernel } from '../../privacy/index.ts';
import { type JobContext, jobWiring } from '../../platform/jobs/index.ts';
import type { Listeners } from '../../platform/module.ts';
import { releaseStock } from '../catalogue/index.ts';
import { clearCart } from '../cart/index.ts';
import { linesOf, transitionOrder, type OrdersDeps, type OrderStatus } from '../orders/index.ts';
import { cancelPayment, settlePayment, type PaymentsDeps, processorsFromConfig, type Processors } from '../payments/index.ts';
import type { SettlementPorts } from './ports.ts';

export interface SettlementDeps {
  kernel: PrivacyKernel;
  processors: Processors;
  publicUrl: string;
  config?: Config;
  /** Every module's listeners: a settlement moves the order, and the order's step tells its own listeners. */
  listeners: Listeners;
}

export function settlementPorts(deps: SettlementDeps): SettlementPorts {
  const payments: PaymentsDeps = { kernel: deps.kernel, processors: deps.processors, publicUrl: deps.publicUrl, listeners: deps.listeners };
  const orders: OrdersDeps = { kernel: deps.kernel, publicUrl: deps.publicUrl, now: () => new Date(), listeners: deps.listeners, ...(deps.config ? { config: deps.config } : {}) };
  return {
    transitionOrder: (db, input) => transitionOrder(orders, db, { ...input, to: input.to as OrderStatus }),
    clearCart,
    releaseStock: (db, lines) => releaseStock(db, lines),
    orderLines: async (db, id) => (await linesOf(db, id)).map((l) => ({ variantId: l.variant_id, quantity: l.quantity })),
    settlePayment: (db, id) => settlePayment(payments, db, id),
    cancelPayment: (db, id) => cancelPayment(payments, db, id),
  };
}

const processorsByConfig = new WeakMap<Config, Processors>();

/** The processors of these settings, built once per settings object. */
export function processorsOf(config: Config): Processors {
  let processors = processorsByConfig.get(config);
  if (!processors) {
    processors = processorsFromConfig(config);
    processorsByConfig.set(config, processors);
  }
  return processors;
}

export function jobPorts(ctx: Pick<JobContext, 'services'>): SettlementPorts {
  const kernel = jobKernel(ctx);
  const config = ctx.services.config;
  if (!config) throw new Error('NO_CONFIG: the checkout expiry job needs the settings (services.config)');
  return settlementPorts({ kernel, processors: processorsOf(config), publicUrl: config.publicUrl, config, listeners: jobWiring(ctx).listeners });
}
