// Reading an order's personal details (shipping name and address, carrier and tracking number)
// through the kernel, as whoever asks: the buyer themself or staff, under a purpose they name. The
// kernel decides and audits; order data is readable only under fulfillment / order-status (P000-02).
import type { Db } from '../../platform/db/database.ts';
import { type Actor, type StaffRole, SubjectErased, type PrivacyKernel, type PersonalValue } from '../../privacy/index.ts';
import { orderRef } from './deps.ts';
import { SHIPMENT_CATEGORY, shipmentOf, type Shipment } from './mail.ts';
import type { Order } from './tables.ts';

export const ORDER_CATEGORIES = ['user.name', 'user.contact.address', SHIPMENT_CATEGORY] as const;

export interface OrderPersonal {
  name: string | null;
  /** null: none held, or not read under this purpose (order-status). */
  address: string | null;
  addressRead: boolean;
  shipment: Shipment | null;
}

/** An address kept as text or as parts ({line1, city, postcode, country, …}), as one line. */
export function personalText(value: PersonalValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!Array.isArray(value) && ('line1' in value || 'city' in value)) {
    // Checkout's address parts, in the order a label is written.
    const { line1, line2, postal_code, city, country, ...rest } = value;
    const town = [postal_code, city]
      .map((p) => personalText(p) ?? '')
      .join(' ')
      .trim();
    return personalText([line1 ?? null, line2 ?? null, town, ...Object.values(rest), country ?? null]);
  }
  const parts = Array.isArray(value) ? value : Object.values(value);
  const text = parts
    .map((p) => personalText(p))
    .filter((p): p is string => !!p && p.trim() !== '')
    .join(', ');
  return text || null;
}

/** The order purpose a staff role reads under: fulfillment, else order-status (support: no address). */
export function staffOrderPurpose(kernel: PrivacyKernel, role: StaffRole): string {
  return kernel.map.roles.get(role)?.purposes.has('fulfillment') ? 'fulfillment' : 'order-status';
}

/** Throws the kernel's refusal (403) when the actor or purpose may not see order data. */
export async function readOrderPersonal(kernel: PrivacyKernel, db: Db, order: Order, actor: Actor, purpose = 'fulfillment'): Promise<OrderPersonal> {
  // Telling the buyer about the status needs no address; every other purpose asks for all of it,
  // so one that may not use order data is refused (and audited) by the kernel.
  const categories = purpose === 'order-status' ? ['user.name', SHIPMENT_CATEGORY] : [...ORDER_CATEGORIES];
  // An order whose buyer was erased is unlinked: there is nobody's data left to read.
  if (order.customer_subject === null) throw new SubjectErased();
  const record = await kernel.read(db, { subject: order.customer_subject, actor, purpose, categories, ref: orderRef(order.id) });
  return {
    name: personalText(record.values['user.name']),
    address: personalText(record.values['user.contact.address']),
    addressRead: categories.includes('user.contact.address'),
    shipment: shipmentOf(record.values[SHIPMENT_CATEGORY]),
  };
}
