// How a person's stored items read on their pages: values in words (an address on one line),
// refs as where the item belongs ("Your account", "Order C-100042"), with no raw ids shown.
import type { PersonalValue } from '../../privacy/index.ts';
import { orderOfRef } from '../correction.ts';

/** A stored value as one line of text. */
export function valueText(value: PersonalValue): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(valueText).join(', ');
  const { line1, line2, postal_code, city, country, ...rest } = value as Record<string, PersonalValue>;
  if (line1 !== undefined || city !== undefined) {
    const town = [postal_code, city]
      .filter((p) => p !== undefined && p !== '' && p !== null)
      .map((p) => valueText(p!))
      .join(' ');
    return [line1, line2, town, ...Object.values(rest), country]
      .filter((p) => p !== undefined && p !== '' && p !== null)
      .map((p) => (typeof p === 'string' ? p : valueText(p!)))
      .join(', ');
  }
  return Object.entries(value)
    .map(([k, v]) => `${k.replaceAll('_', ' ')}: ${valueText(v)}`)
    .join('; ');
}

/** Where an item belongs, in words; `orders` maps order ids to their numbers. */
export function refLabel(ref: string, orders: ReadonlyMap<string, string>): string {
  if (ref === '') return 'Your account';
  if (ref === 'pending') return 'A new sign-in email, waiting for confirmation';
  const order = orderOfRef(ref);
  if (order) {
    const part = ref.split(':')[2];
    return `Order ${orders.get(order) ?? '(deleted)'}${part ? ` (${part.replaceAll('-', ' ')})` : ''}`;
  }
  if (ref.startsWith('basket:')) return 'A saved basket';
  if (ref.startsWith('giftlist:')) return 'A gift list';
  if (ref.startsWith('rights:')) return 'A request about your data';
  if (ref.startsWith('complaint:')) return 'A complaint you sent us';
  return 'Other';
}

/** The order ids the refs name, to look their numbers up in one go. */
export function orderIdsOf(refs: Iterable<string>): string[] {
  return [...new Set([...refs].map(orderOfRef).filter((id): id is string => id !== null))];
}
