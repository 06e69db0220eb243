// The event a product running out of licence keys raises, for modules after delivery to declare a
// listener of (the vendors module mails the product's vendor): delivery names no module above it
// (decision 0034's declarations, decision 0048).
import type { Db } from '../../platform/db/database.ts';

export interface KeysRanOut {
  variantId: string;
  productId: string;
  /** The catalogue vendor whose product it is. */
  vendorId: string;
  /** The product's name and the variant's SKU as the order line has them. */
  product: string;
  sku: string;
  at: Date;
}

/** Runs inside the paid step's transaction (a throw undoes it): queue mail, never send it. */
export type KeysRanOutListener = (db: Db, event: KeysRanOut, deps: { publicUrl: string }) => Promise<void>;

declare module '../../platform/module.ts' {
  interface ModuleListeners {
    licenceKeysRanOut?: readonly KeysRanOutListener[];
  }
}
