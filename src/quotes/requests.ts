// A quote request (P004-07): anyone asks for a quote on the public form with their name, email,
// optional phone, organisation and the system to quote for. The requester is a kernel subject: the
// signed-in customer, or else a new `correspondent` (the form proves nothing about an address).
// What they typed is kept under `quotes` at the ref `quote:<case>` (one year, the data map's
// retention). The case row keeps only ids, state and times, and the digest of a random token whose
// link (mailed, sealed in the outbox) shows the request and the quote and removes them.
//
// Removing (the requester's link): a correspondent is erased in the kernel (crypto-shredded) and
// their case deleted; a customer's request items are forgotten and the case deleted, their account
// untouched. The rights module's erasure reaches the cases through the holder (holder.ts).
import { randomUUID } from 'node:crypto';
import { checkEmail, digestToken, randomToken } from '../accounts/index.ts';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, checkFields, validationError } from '../platform/errors.ts';
import { type PrivacyKernel, selfActor, SubjectErased, systemActor } from '../privacy/index.ts';
import { CONTENT, EMAIL, NAME, ORGANISATION, PHONE, REQUEST_CATEGORIES, requestReceivedMail } from './mail.ts';
import { quotesDb } from './tables.ts';

export const REQUEST_JOB = 'quotes.request';
const REQUEST_ACTOR = systemActor(REQUEST_JOB);
export const QUOTES = 'quotes';
export const limits = { name: 200, organisation: 200, phone: 40, system: 4000, products: 1000 } as const;
export const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const refOf = (caseId: string) => `quote:${caseId}`;
export const sealContextOf = (caseId: string) => `quotes_cases:${caseId}`;
export const viewLink = (publicUrl: string, token: string) => `${publicUrl.replace(/\/$/, '')}/quote/view?token=${token}`;

export interface RequestInput {
  name: string;
  email: string;
  phone: string;
  organisation: string;
  system: string;
  products: string;
}

export interface CheckedRequest {
  name: string;
  email: string;
  phone: string;
  organisation: string;
  system: string;
  products: string;
}

const oneLine = (s: string) => s.normalize('NFKC').replace(/\s+/g, ' ').trim();

/** The checked request; every wrong field named at once. */
export function checkRequest(input: RequestInput): CheckedRequest {
  const out: CheckedRequest = {
    name: oneLine(input.name),
    email: '',
    phone: oneLine(input.phone),
    organisation: oneLine(input.organisation),
    system: input.system.replace(/\r\n/g, '\n').trim(),
    products: oneLine(input.products),
  };
  checkFields([
    () => {
      if (out.name === '' || out.name.length > limits.name) throw validationError('name', `is required, at most ${limits.name} characters`);
    },
    () => {
      out.email = checkEmail('email', input.email);
    },
    () => {
      if (out.phone !== '' && !/^\+?[0-9 ().-]{5,40}$/.test(out.phone)) throw validationError('phone', 'must be a phone number (digits, spaces, + ( ) . -), or left empty');
    },
    () => {
      if (out.organisation === '' || out.organisation.length > limits.organisation) throw validationError('organisation', `is required, at most ${limits.organisation} characters`);
    },
    () => {
      if (out.system === '' || out.system.length > limits.system)
        throw validationError('system', `describe the system to quote for (site, equipment, quantities), at most ${limits.system} characters`);
    },
    () => {
      if (out.products.length > limits.products) throw validationError('products', `at most ${limits.products} characters`);
    },
  ]);
  return out;
}

/** Files the request in the caller's transaction; returns the case id. */
export async function fileRequest(
  kernel: PrivacyKernel,
  db: Db,
  r: CheckedRequest,
  o: { signedInSubject: string | null; publicUrl: string; currency: string; now: Date },
): Promise<{ id: string; number: number }> {
  const subject = o.signedInSubject ?? (await kernel.createSubject(db, { kind: 'correspondent', actor: REQUEST_ACTOR, purpose: QUOTES }));
  const id = randomUUID();
  const token = randomToken();
  const values: Record<string, string | Record<string, string>> = { [NAME]: r.name, [EMAIL]: r.email, [ORGANISATION]: r.organisation, [CONTENT]: { system: r.system, products: r.products } };
  if (r.phone !== '') values[PHONE] = r.phone;
  // The person gives their own details: they act as themselves.
  await kernel.write(db, { subject, actor: selfActor(subject), purpose: QUOTES, ref: refOf(id), values });
  const token_sealed = await kernel.sealSecret(db, { subject, context: sealContextOf(id), value: token });
  const row = await quotesDb(db)
    .insertInto('quotes_cases')
    .values({
      id,
      subject_id: subject,
      by_customer: o.signedInSubject !== null,
      token_hash: digestToken(token),
      token_sealed,
      created_at: o.now,
      follow_up_on: null,
      reminded_for: null,
      currency: o.currency,
      valid_until: null,
      quoted_at: null,
      closed_at: null,
    })
    .returning('number')
    .executeTakeFirstOrThrow();
  await queueMail(
    db,
    {
      subject,
      purpose: QUOTES,
      template: requestReceivedMail,
      params: { number: String(row.number), link: viewLink(o.publicUrl, token) },
      addressRef: refOf(id),
      personalRef: refOf(id),
      idempotencyKey: `quotes.received:${id}`,
    },
    { kernel },
  );
  return { id, number: row.number };
}

export async function caseByToken(db: Db, token: string) {
  if (!TOKEN.test(token)) return undefined;
  return quotesDb(db).selectFrom('quotes_cases').selectAll().where('token_hash', '=', digestToken(token)).executeTakeFirst();
}

/** The link token of a case, opened from its seal (for the quote mail). */
export async function tokenOf(kernel: PrivacyKernel, db: Db, c: { id: string; subject_id: string; token_sealed: Buffer }): Promise<string> {
  return kernel.openSecret(db, { subject: c.subject_id, context: sealContextOf(c.id), sealed: Buffer.from(c.token_sealed) });
}

/** What the requester typed, read as themselves (their own link). */
export async function readRequest(kernel: PrivacyKernel, db: Db, c: { id: string; subject_id: string }, actor = selfActor(c.subject_id)) {
  const record = await kernel.read(db, { subject: c.subject_id, actor, purpose: QUOTES, categories: [...REQUEST_CATEGORIES], ref: refOf(c.id) });
  const v = record.values;
  const content = (v[CONTENT] ?? {}) as { system?: string; products?: string };
  const text = (x: unknown) => (typeof x === 'string' ? x : '');
  return { name: text(v[NAME]), email: text(v[EMAIL]), phone: text(v[PHONE]), organisation: text(v[ORGANISATION]), system: text(content.system), products: text(content.products) };
}

export type RequestView = Awaited<ReturnType<typeof readRequest>>;

/** Removes one case and its requester's data for it: by the requester's link (P004-07). */
export async function removeByToken(kernel: PrivacyKernel, db: Db, token: string): Promise<void> {
  const c = await caseByToken(db, token);
  if (!c) throw new AppError('LINK_INVALID', 'This link is not valid any more: the request was removed already.');
  const person = selfActor(c.subject_id);
  try {
    if (c.by_customer) {
      await kernel.forget(db, { subject: c.subject_id, actor: person, purpose: QUOTES, categories: [...REQUEST_CATEGORIES], ref: refOf(c.id) });
    } else {
      await kernel.erase(db, { subject: c.subject_id, actor: person });
    }
  } catch (err) {
    if (!(err instanceof SubjectErased)) throw err;
  }
  await quotesDb(db).deleteFrom('quotes_cases').where('id', '=', c.id).execute();
}
