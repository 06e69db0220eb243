// Records the person is not the source of (decision 0078): the privacy centre sends them to the
// privacy officer ("Ask us to correct"), who corrects them on a correction request, held to the rule
// of the module that keeps them: an order's carrier and tracking number (orders' shipping check), a
// statement of age (accounts' check). What the person may correct themselves is in ../correction.ts.
import { type AgeStatement, checkAgeStatement } from '../../accounts/index.ts';
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

// A label for every statement accounts accepts (a Record: a new one cannot go without its label).
const ageLabels: Record<AgeStatement, string> = {
  adult: 'Of age (18 or older)',
  'parental-consent': 'Under 18, with a parent’s or guardian’s consent',
};
export const ageChoices: readonly { value: AgeStatement; label: string }[] = (Object.keys(ageLabels) as AgeStatement[]).map((value) => ({ value, label: ageLabels[value] }));

/** The corrected value of a record: the owning module's check names a bad field; the rest of the record is kept. */
export function recordValue(item: Pick<PersonalItem, 'category' | 'value'>, input: Record<string, unknown>): PersonalValue {
  const text = (field: string) => (typeof input[field] === 'string' ? (input[field] as string).normalize('NFKC') : '');
  const held = objectOf(item.value) ?? {};
  if (item.category === SHIPMENT) return { ...held, ...checkShipmentFields(text('carrier'), text('tracking')) };
  return { ...held, statement: checkAgeStatement('statement', text('statement').trim()) };
}
