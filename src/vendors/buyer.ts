// The buyer's details a vendor sees for an order of its own products (P000-08): the data map's
// `vendor` projection (name, address, phone, email), obtained only through the kernel's
// disclose(), as the vendor, for the order, under purpose and basis fulfillment. Every call is a
// disclosure-ledger entry naming the order and the vendor (P001-03); card and bank data are not in
// the projection, so the kernel cannot release them here (P001-01).
import type { Db } from '../platform/db/database.ts';
import { type Order, personalText } from '../commerce/orders/index.ts';
import type { Actor, PrivacyKernel } from '../privacy/index.ts';

export const VENDOR_PROJECTION = 'vendor';

/** The projection's fields in the order a label is written, with the words the portal shows. */
export const BUYER_FIELDS = [
  { category: 'user.name', label: 'Name' },
  { category: 'user.contact.address', label: 'Address' },
  { category: 'user.contact.phone_number', label: 'Phone' },
  { category: 'user.contact.email', label: 'Email' },
] as const;

/**
 * Orders whose buyer details are shared with the vendor: paid and being filled or done. An order on
 * hold (a check), cancelled or refunded has nothing for the vendor to fill, so nothing is shared.
 */
export const SHARED_STATUSES: ReadonlySet<string> = new Set(['paid', 'fulfilling', 'shipped', 'delivered', 'completed']);

export type BuyerDetails = { shown: true; disclosureId: string; fields: { label: string; value: string }[] } | { shown: false; reason: string };

/** Why an order's buyer details are not shared, or null when they are. */
export function withheldReason(order: Pick<Order, 'status' | 'customer_subject'>): string | null {
  if (order.customer_subject === null) return 'The buyer deleted their account: their details were erased.';
  if (!SHARED_STATUSES.has(order.status)) return `Buyer details are shared only while an order is to be filled or supported; this order is ${order.status.replace('_', ' ')}.`;
  return null;
}

/**
 * Discloses the buyer's details of this order to this vendor (ledgered), in the caller's
 * transaction. The actor is the signed-in vendor user's, minted by accounts where they
 * authenticated (decision 0026), or the webhook job that sends them (webhooks.ts).
 */
export async function discloseBuyer(kernel: PrivacyKernel, db: Db, vendor: { id: string; actor: Actor }, order: Order): Promise<BuyerDetails> {
  const reason = withheldReason(order);
  if (reason !== null) return { shown: false, reason };
  const disclosed = await kernel.disclose(db, {
    subject: order.customer_subject!,
    recipient: 'vendors',
    recipientRef: vendor.id,
    projection: VENDOR_PROJECTION,
    purpose: 'fulfillment',
    basis: 'fulfillment',
    order: order.id,
    ref: `order:${order.id}`,
    actor: vendor.actor,
  });
  return {
    shown: true,
    disclosureId: disclosed.id,
    fields: BUYER_FIELDS.map((f) => ({ label: f.label, value: personalText(disclosed.values[f.category]) ?? '' })),
  };
}
