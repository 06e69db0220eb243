// The expiry job's ports, built from what a worker process was given (settings and kernel), so it
// runs the same in `npm start` and in a separate `npm run worker` without the web app.
import { jobKernel } from '../../privacy/job-services.ts';
import type { JobContext } from '../../platform/jobs/types.ts';
import { releaseStock } from '../catalogue/stock.ts';
import { clearCart } from '../cart/store.ts';
import { linesOf, transitionOrder } from '../orders/api.ts';
import type { OrderStatus } from '../orders/states.ts';
import { cancelPayment, settlePayment, type PaymentsDeps } from '../payments/payments.ts';
import { processorsFromConfig } from '../payments/processors.ts';
import type { SettlementPorts } from './ports.ts';

export function jobPorts(ctx: Pick<JobContext, 'services'>): SettlementPorts {
  const kernel = jobKernel(ctx);
  const config = ctx.services.config;
  if (!config) throw new Error('NO_CONFIG: the checkout expiry job needs the settings (services.config)');
  const payments: PaymentsDeps = { kernel, processors: processorsFromConfig(config), publicUrl: config.publicUrl };
  const orders = { kernel, publicUrl: config.publicUrl, now: () => new Date() };
  return {
    transitionOrder: (db, input) => transitionOrder(orders, db, { ...input, to: input.to as OrderStatus }),
    clearCart,
    releaseStock: (db, lines) => releaseStock(db, lines),
    orderLines: async (db, id) => (await linesOf(db, id)).map((l) => ({ variantId: l.variant_id, quantity: l.quantity })),
    settlePayment: (db, id) => settlePayment(payments, db, id),
    cancelPayment: (db, id) => cancelPayment(payments, db, id),
  };
}
