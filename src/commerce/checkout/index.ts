// The public entry of checkout: its Module. Any other file here is internal (decision 0032).
export { checkoutModule } from './module.ts';
export type { OrderPlacedEvent, OrderPlacedListener } from './placed.ts';

// Used only by tests outside the module (the whole-app tests, other modules' tests).
export { CHECKOUT_ACTOR, type CheckoutDeps, expireWaitingPayments, personalItems, placeOrder } from './flow.ts';
export { readCheckoutInput } from './input.ts';
export { jobPorts } from './jobs.ts';
export { EXPIRE_JOB, PAYMENT_WAIT_MINUTES, checkoutSettings } from './module.ts';
export { refundOnTransition } from './refunds.ts';
export { UNPAID_UNITS_PER_SOURCE } from './unpaid-hold.ts';
export { realPorts } from './wiring.ts';
