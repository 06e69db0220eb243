// Correction (P001-10, P004-18): the person (or staff handling their request) replaces one stored
// item: a name, an address, a phone number, a company name, or the copy of an email held on an order
// (the account's own email changes through the account, which confirms the new address). The kernel keeps the item's purpose and policy version and audits the change;
// every recipient that received that category (for that order, when the item is an order's copy)
// gets a ledgered correction notice, which the privacy officer passes on; the person is shown who.
import { checkEmail } from '../accounts/index.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import type { Actor, Notice, PersonalValue } from '../privacy/index.ts';
import type { RightsDeps } from './deps.ts';
import { addEvent, recordDoneRequest, type RightsRequest } from './requests.ts';
import type { RequestChannel, RequestSource } from './tables.ts';

/** The categories a person corrects here, with how their form reads. */
export const correctable = {
  'user.name': 'name',
  'user.contact.address': 'address',
  'user.contact.phone_number': 'phone',
  'user.contact.organization': 'organization',
  'user.contact.email': 'email',
} as const;
export type CorrectableCategory = keyof typeof correctable;

const ADDRESS_FIELDS = ['line1', 'line2', 'postal_code', 'city', 'country'] as const;
/** Every field a correction form may carry (the privacy centre's and the requests desk's use the same names). */
export const correctionFields: readonly string[] = [...Object.values(correctable).filter((f) => f !== 'address'), ...ADDRESS_FIELDS];

/** The form fields of an item of this category. */
export function fieldsOf(category: CorrectableCategory): readonly string[] {
  return category === 'user.contact.address' ? ADDRESS_FIELDS : [correctable[category]];
}

export function isCorrectable(category: string): category is CorrectableCategory {
  return Object.hasOwn(correctable, category);
}

/** The account's own email (and one waiting for confirmation) changes only through the account's email change. */
const changedElsewhere = (item: { category: string; ref: string }) => item.category === 'user.contact.email' && (item.ref === '' || item.ref === 'pending');

/** Whether this one item is corrected here (the form, the API, staff carrying out a request). */
export function canCorrect(item: { category: string; ref: string }): item is { category: CorrectableCategory; ref: string } {
  return isCorrectable(item.category) && !changedElsewhere(item);
}

/** The order an item belongs to, from its ref (`order:<id>` or `order:<id>:<item>`), or null. */
export function orderOfRef(ref: string): string | null {
  return /^order:([0-9a-f-]{36})(?::|$)/.exec(ref)?.[1] ?? null;
}

/** The fields of one form, checked together so that every problem is named at once. */
class Fields {
  readonly problems: { field: string; message: string }[] = [];
  readonly input: Record<string, unknown>;
  constructor(input: Record<string, unknown>) {
    this.input = input;
  }
  text(field: string, max: number, required = true): string {
    const raw = this.input[field];
    const v = typeof raw === 'string' ? raw.normalize('NFKC').trim() : '';
    if (required && v === '') this.problems.push({ field, message: 'is required' });
    else if (v.length > max) this.problems.push({ field, message: `must be at most ${max} characters` });
    else if (/[\u0000-\u001f]/.test(v)) this.problems.push({ field, message: 'must not hold control characters' });
    return v;
  }
  check(field: string, ok: boolean, message: string): void {
    if (ok || this.problems.some((p) => p.field === field)) return;
    this.problems.push({ field, message });
  }
  done<T>(value: T): T {
    if (this.problems.length) throw new AppError('VALIDATION_FAILED', this.problems.map((p) => `${p.field}: ${p.message}`).join('; '), this.problems);
    return value;
  }
}

/** The new value of an item of this category, from a form or JSON body; every bad field is named. */
export function valueFromInput(category: CorrectableCategory, input: Record<string, unknown>): PersonalValue {
  const f = new Fields(input);
  switch (category) {
    case 'user.name':
      return f.done(f.text('name', 200));
    case 'user.contact.organization':
      return f.done(f.text('organization', 200));
    case 'user.contact.email': {
      const email = f.text('email', 254);
      // The accounts module's rule, so an order's email is held to what sign-up accepts.
      let valid = true;
      try {
        checkEmail('email', email);
      } catch {
        valid = false;
      }
      f.check('email', valid, 'must be an email address such as name@example.com');
      return f.done(email);
    }
    case 'user.contact.phone_number': {
      const phone = f.text('phone', 40);
      f.check('phone', /^\+?[0-9 ()./-]{5,40}$/.test(phone) && phone.replace(/\D/g, '').length >= 5, 'must be a phone number, digits with spaces, dashes or a leading +');
      return f.done(phone);
    }
    case 'user.contact.address': {
      const line1 = f.text('line1', 200);
      const line2 = f.text('line2', 200, false);
      const postal = f.text('postal_code', 20);
      const city = f.text('city', 100);
      const country = f.text('country', 60).toUpperCase();
      f.check('country', /^[A-Z]{2}$/.test(country), 'must be a two-letter country code such as US');
      return f.done({ line1, line2, postal_code: postal, city, country });
    }
  }
}

export interface CorrectionDone {
  request: RightsRequest;
  category: string;
  /** The recipients told of the correction (their notices wait for the privacy officer to pass them on). */
  notices: Notice[];
}

export async function correct(
  deps: RightsDeps,
  db: Db,
  input: { subject: string; item: string; value: PersonalValue; actor: Actor; source: RequestSource; channel: RequestChannel; enteredBy?: string; request?: RightsRequest },
): Promise<CorrectionDone> {
  const { category, ref } = await deps.kernel.correct(db, { subject: input.subject, item: input.item, value: input.value, actor: input.actor });
  const order = orderOfRef(ref);
  const notices = await deps.kernel.recordNotices(db, { subject: input.subject, kind: 'correction', actor: input.actor, categories: [category], ...(order ? { order } : {}) });
  if (input.request) {
    // Staff carrying out a request correct item by item, then close it themselves.
    await addEvent(db, input.request.id, 'corrected', input.actor, { category, recipients_told: notices.length }, deps.now());
    return { request: input.request, category, notices };
  }
  const request = await recordDoneRequest(
    deps,
    db,
    {
      kind: 'correction',
      subject: input.subject,
      source: input.source,
      channel: input.channel,
      actor: input.actor,
      ...(input.source === 'self' ? { verification: 'signed-in' as const } : {}),
      ...(input.enteredBy ? { enteredBy: input.enteredBy } : {}),
    },
    { category, recipients_told: notices.length },
  );
  return { request, category, notices };
}
