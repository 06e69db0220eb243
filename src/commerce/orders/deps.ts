// What the orders functions need besides a database handle: the privacy kernel (tracking numbers,
// disclosures to carriers), the shop's public address (links in mail) and the clock.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../platform/config.ts';
import type { Listeners } from '../../platform/module.ts';
import { actorTag, type PrivacyKernel } from '../../privacy/index.ts';
import type { Order } from './tables.ts';

export interface OrdersDeps {
  kernel: PrivacyKernel;
  publicUrl: string;
  now: () => Date;
  /** The shop's settings, for transition listeners that call out (checkout's refund listener builds the payment processors from them). */
  config?: Config;
  /** Every module's listeners (`wiring.listeners`): a transition tells `orderTransition`. */
  listeners: Listeners;
  /** Set by a transition for its listeners: a step they take tells it (its event's `current`). */
  movedInStep?: (order: Order) => void;
}

export function ordersDeps(app: Pick<FastifyInstance, 'privacy' | 'config' | 'wiring'>, now: () => Date = () => new Date()): OrdersDeps {
  return { kernel: app.privacy, publicUrl: app.config.publicUrl, now, config: app.config, listeners: app.wiring.listeners };
}

/** The pseudonymous actor reference kept on a transition row. */
export const actorRefOf = actorTag;

/** The kernel item ref under which an order's own copies of personal data are kept. */
export const orderRef = (orderId: string): string => `order:${orderId}`;
