// Correction (P001-10, P004-18): the person (or staff handling their request) replaces one stored
// item: a name, an address, a phone number (an email changes through the account, which confirms
// the new address). The kernel keeps the item's purpose and policy version and audits the change;
// every recipient that received that category (for that order, when the item is an order's copy)
// gets a ledgered correction notice, which the privacy officer passes on; the person is shown who.
import type { Db } from '../platform/db/database.ts';
import { validationError } from '../platform/errors.ts';
import type { Actor } from '../privacy/actors.ts';
import type { Notice } from '../privacy/disclosure/notices.ts';
import type { PersonalValue } from '../privacy/store/items.ts';
import type { RightsDeps } from './deps.ts';
import { addEvent, recordDoneRequest, type RightsRequest } from './requests.ts';
import type { RequestChannel, RequestSource } from './tables.ts';

/** The categories a person corrects here, with how their form reads. */
export const correctable = {
  'user.name': 'name',
  'user.contact.address': 'address',
  'user.contact.phone_number': 'phone',
} as const;
export type CorrectableCategory = keyof typeof correctable;

export function isCorrectable(category: string): category is CorrectableCategory {
  return Object.hasOwn(correctable, category);
}

/** The order an item belongs to, from its ref (`order:<id>` or `order:<id>:<item>`), or null. */
export function orderOfRef(ref: string): string | null {
  return /^order:([0-9a-f-]{36})(?::|$)/.exec(ref)?.[1] ?? null;
}

const text = (field: string, value: unknown, max: number, required = true): string => {
  const v = typeof value === 'string' ? value.normalize('NFKC').trim() : '';
  if (required && v === '') throw validationError(field, 'is required');
  if (v.length > max) throw validationError(field, `must be at most ${max} characters`);
  if (/[\u0000-\u001f]/.test(v)) throw validationError(field, 'must not hold control characters');
  return v;
};

/** The new value of an item of this category, from a form or JSON body; bad input names its field. */
export function valueFromInput(category: CorrectableCategory, input: Record<string, unknown>): PersonalValue {
  switch (category) {
    case 'user.name':
      return text('name', input.name, 200);
    case 'user.contact.phone_number': {
      const phone = text('phone', input.phone, 40);
      if (!/^\+?[0-9 ()./-]{5,40}$/.test(phone) || phone.replace(/\D/g, '').length < 5) throw validationError('phone', 'must be a phone number, digits with spaces, dashes or a leading +');
      return phone;
    }
    case 'user.contact.address': {
      const country = text('country', input.country, 2).toUpperCase();
      if (!/^[A-Z]{2}$/.test(country)) throw validationError('country', 'must be a two-letter country code such as US');
      return {
        line1: text('line1', input.line1, 200),
        line2: text('line2', input.line2, 200, false),
        postal_code: text('postal_code', input.postal_code, 20),
        city: text('city', input.city, 100),
        country,
      };
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
    { kind: 'correction', subject: input.subject, source: input.source, channel: input.channel, actor: input.actor, ...(input.source === 'self' ? { verification: 'signed-in' as const } : {}), ...(input.enteredBy ? { enteredBy: input.enteredBy } : {}) },
    { category, recipients_told: notices.length },
  );
  return { request, category, notices };
}
