// The public entry of payments: its Module and the payment commands checkout uses.
// Any other file here is internal (decision 0032).
export { paymentsModule } from './module.ts';
export {
  type ChargeResult,
  type ChargeSavedInput,
  type PaymentsDeps,
  type Settlement,
  type SettlementListener,
  cancelPayment,
  chargeSavedMethod,
  getPayment,
  paymentsOfOrder,
  refundPayment,
  settlePayment,
  startPayment,
} from './payments.ts';
export { type Processors, processorsFromConfig, sandboxUrl } from './processors.ts';

// Used only by tests outside the module (the whole-app tests, other modules' tests).
export { PROCESSOR_RECIPIENT } from './holder.ts';
export { makePaymentsModule } from './module.ts';
export { PAYMENTS_ACTOR } from './payments.ts';
export type { PaymentProcessor } from './port.ts';
export { processorSet } from './processors.ts';
export { RECONCILE_JOB } from './reconcile.ts';
export { signWebhook } from './signature.ts';
