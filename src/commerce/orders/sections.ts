// What other modules add to an order's pages: a module that delivers something for an order (licence
// keys, downloads) declares an `orderPage` section as one of its Module's listeners (decision 0043),
// and the buyer's order page and checkout's confirmation page show what each section returns, in
// module order. The page has already checked that the reader is the order's buyer.
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { PrivacyKernel } from '../../privacy/index.ts';
import type { Listeners } from '../../platform/module.ts';
import type { SafeHtml } from '../../web/template.ts';

export interface OrderSectionContext {
  /** Who reads: the buyer (their order page, the confirmation page) or staff (the console's order page). */
  reader: 'buyer' | 'staff';
  kernel: PrivacyKernel;
  /** The shop's settings (delivery: how long a download link it makes works). */
  config: Config;
}

/** What a section is told of the order. */
export interface SectionOrder {
  id: string;
  number: string;
  status: string;
}

/** A part of an order's page, or null when the module has nothing to show for this order. */
export type OrderPageSection = (db: Db, order: SectionOrder, context: OrderSectionContext) => Promise<SafeHtml | null>;

declare module '../../platform/module.ts' {
  interface ModuleListeners {
    orderPage?: readonly OrderPageSection[];
  }
}

/** Every declared section's part of this order's page, in module order (those with nothing left out). */
export async function orderSections(listeners: Listeners, db: Db, order: SectionOrder, context: OrderSectionContext): Promise<SafeHtml[]> {
  const parts: SafeHtml[] = [];
  for (const section of listeners.orderPage ?? []) {
    const part = await section(db, order, context);
    if (part) parts.push(part);
  }
  return parts;
}
