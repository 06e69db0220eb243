// Records the person is not the source of (decision 0078): the privacy centre sends them to the
// privacy officer ("Ask us to correct"), who corrects them on a correction request, held to the rule
// of the module that keeps them: an order's carrier and tracking number (orders' shipping check), a
// statement of age (accounts' check). What the person may correct themselves is in ../correction.ts.
import { checkAgeStatement } from '../../accounts/index.ts';
import { checkShipmentFields } from '../../commerce/orders/index.ts';
import type { PersonalItem, PersonalValue } from '../../privacy/index.ts';

const SHIPMENT = 'user.behavior.purchase_history';
const AGE = 'user.demographic.age_range';
export const recordCategories: readonly string[] = [SHIPMENT, AGE];

const objectOf = (v: PersonalValue): Record<string, PersonalValue> | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, PersonalValue>) : null);
const isOrderRef = (ref: string) => /^order:[0-9a-f-]{36}$/.test(ref);

/** The fields of a record staff correct on request, or null when this item is not one (a saved basket changes on its page). */
export function recordFields(item: Pick<PersonalItem, 'category' | 'ref' | 'value'>): readonly string[] | null {
  const value = objectOf(item.value);
  if (item.category === SHIPMENT && isOrderRef(item.ref) && typeof value?.carrier === 'string' && typeof value.tracking === 'string') return ['carrier', 'tracking'];
  if (item.category === AGE && typeof value?.statement === 'string') return ['statement'];
  return null;
}

export const recordFieldNames: readonly string[] = ['carrier', 'tracking', 'statement'];

export const ageChoices = [
  { value: 'adult', label: 'Of age (18 or older)' },
  { value: 'parental-consent', label: 'Under 18, with a parent’s or guardian’s consent' },
] as const;

/** The corrected value of a record: the owning module's check names a bad field; the rest of the record is kept. */
export function recordValue(item: Pick<PersonalItem, 'category' | 'value'>, input: Record<string, unknown>): PersonalValue {
  const text = (field: string) => (typeof input[field] === 'string' ? (input[field] as string).normalize('NFKC') : '');
  const held = objectOf(item.value) ?? {};
  if (item.category === SHIPMENT) return { ...held, ...checkShipmentFields(text('carrier'), text('tracking')) };
  return { ...held, statement: checkAgeStatement('statement', text('statement').trim()) };
}
