// A cart as the buyer sees it: the lines that can be bought, priced by the shop's rules, and the
// lines that cannot any more (withdrawn, deleted, another currency), shown so they can be removed.
import type { Db } from '../../platform/db/database.ts';
import { type VariantForSale, variantsForSale } from '../catalogue/index.ts';
import { priceLinesOf, type CartLine, type PricedCart, type PricingRules } from '../pricing/index.ts';
import type { Cart } from './store.ts';

export interface UnavailableLine {
  variantId: string;
  quantity: number;
  /** null when the variant no longer exists. */
  sku: string | null;
  name: string | null;
  reason: string;
}

export interface CartView {
  cartId: string | null;
  priced: PricedCart;
  unavailable: UnavailableLine[];
}

export async function viewCart(db: Db, cart: Cart | null, rules: PricingRules): Promise<CartView> {
  const found = await variantsForSale(
    db,
    (cart?.lines ?? []).map((l) => l.variantId),
  );
  return viewCartOf(found, cart, rules);
}

/** The same, from the variants' sale facts the caller already read in its transaction. */
export function viewCartOf(found: readonly VariantForSale[], cart: Cart | null, rules: PricingRules): CartView {
  const lines = cart?.lines ?? [];
  const variants = new Map(found.map((v) => [v.variant_id, v]));
  const available: CartLine[] = [];
  const unavailable: UnavailableLine[] = [];
  let currency: string | undefined;
  for (const line of lines) {
    const v = variants.get(line.variantId);
    if (!v) unavailable.push({ ...line, sku: null, name: null, reason: 'This item is no longer sold.' });
    else if (v.status !== 'active') unavailable.push({ ...line, sku: v.sku, name: v.product_name, reason: 'This item is not on sale at the moment.' });
    else if (currency !== undefined && v.currency !== currency) {
      unavailable.push({ ...line, sku: v.sku, name: v.product_name, reason: `Priced in ${v.currency}; buy it separately.` });
    } else {
      currency = v.currency;
      available.push(line);
    }
  }
  const priced = priceLinesOf(found, available, { shipTo: true, rules });
  return { cartId: cart?.cartId ?? null, priced, unavailable };
}
