// What a signed-in customer's checkout form starts with: their name and email from the account, and
// the delivery and billing addresses of their latest order that had them. Each is read through the
// kernel as the customer themself (audited in their access log), under the purpose it was kept for.
import type { Db } from '../../platform/db/database.ts';
import { type Actor, isPrivacyRefusal, type PersonalValue, type PrivacyKernel } from '../../privacy/index.ts';
import { refOf } from './flow.ts';

export interface PrefillSources {
  kernel: PrivacyKernel;
  /** The customer's orders, newest first. */
  ordersOf(db: Db, subject: string): Promise<{ id: string }[]>;
}

const ADDRESS = 'user.contact.address';
const PARTS = ['line1', 'line2', 'postal_code', 'city', 'country'] as const;

async function readOrNull(sources: PrefillSources, db: Db, customer: Customer, purpose: string, ref: string, categories: string[]) {
  try {
    return (await sources.kernel.read(db, { subject: customer.subject, actor: customer.actor, purpose, categories, ref })).values;
  } catch (err) {
    if (isPrivacyRefusal(err)) return {};
    throw err;
  }
}

function addressValues(prefix: 'ship' | 'billing', value: PersonalValue | undefined): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const parts = value as Record<string, PersonalValue>;
  return Object.fromEntries(PARTS.filter((p) => typeof parts[p] === 'string').map((p) => [`${prefix}_${p}`, parts[p] as string]));
}

/** The signed-in customer: their subject, and their actor as accounts minted it for this session. */
interface Customer {
  subject: string;
  actor: Actor;
}

/** Form values (field name → text) for the signed-in customer; fields they never gave stay empty. */
export async function prefillFor(sources: PrefillSources, db: Db, customer: Customer): Promise<Record<string, string>> {
  const { subject } = customer;
  const account = await readOrNull(sources, db, customer, 'account', '', ['user.name', 'user.contact.email']);
  const values: Record<string, string> = {};
  if (typeof account['user.name'] === 'string') values.name = account['user.name'];
  if (typeof account['user.contact.email'] === 'string') values.email = account['user.contact.email'];
  const orders = (await sources.ordersOf(db, subject)).slice(0, 3);
  for (const [prefix, item] of [
    ['ship', 'ship'],
    ['billing', 'billing'],
  ] as const) {
    for (const order of orders) {
      const read = await readOrNull(sources, db, customer, 'fulfillment', refOf(order.id, item), [ADDRESS]);
      const found = addressValues(prefix, read[ADDRESS]);
      if (Object.keys(found).length > 0) {
        Object.assign(values, found);
        break;
      }
    }
  }
  return values;
}
