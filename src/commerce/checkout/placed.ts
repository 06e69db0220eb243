// The event checkout raises when it has made an order, inside the checkout's transaction, before the
// payment step: what a module needs to judge the order (its risk rules, decision 0047) without
// reading the buyer's details back from the kernel. The countries are the two letters the buyer
// chose; a listener may compare them but keeps nothing of them.
import type { Db } from '../../platform/db/database.ts';

export interface OrderPlacedEvent {
  orderId: string;
  number: string;
  /** The buyer's kernel subject (found by the email's blind index, or the signed-in customer). */
  subject: string;
  totalMinor: number;
  currency: string;
  method: string;
  /** ISO 3166-1 codes of the delivery and the billing address, when the order has them. */
  shipCountry: string | null;
  billingCountry: string | null;
}

/** Declared as a Module's `listeners.orderPlaced`; a throw undoes the checkout. */
export type OrderPlacedListener = (db: Db, event: OrderPlacedEvent) => Promise<void>;

declare module '../../platform/module.ts' {
  interface ModuleListeners {
    orderPlaced?: readonly OrderPlacedListener[];
  }
}
