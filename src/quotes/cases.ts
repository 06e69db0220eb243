// The sales side of a quote request (P004-07): the case list by state (new, quoted, follow-up
// due, won, lost), follow-up notes (their text a kernel item of the requester under `quotes`, at
// `quote:<case>:note:<id>`) and a follow-up date, and the quote document: lines from the catalogue
// or free text, totals, a validity date, mailed to the requester as a link to the printable page.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { getProductById } from '../commerce/catalogue/index.ts';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError, checkFields, notFound, validationError } from '../platform/errors.ts';
import type { Actor, PrivacyKernel } from '../privacy/index.ts';
import { CONTENT, NAME, ORGANISATION, quoteSentMail } from './mail.ts';
import { QUOTES, refOf, tokenOf, viewLink } from './requests.ts';
import { type CaseStatus, quotesDb } from './tables.ts';

export const caseStates = ['new', 'quoted', 'follow-up', 'won', 'lost'] as const;
export type CaseState = (typeof caseStates)[number];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const isDay = (s: string) => DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

export async function getCase(db: Db, id: string) {
  if (!UUID.test(id)) return undefined;
  return quotesDb(db).selectFrom('quotes_cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export type QuoteCase = NonNullable<Awaited<ReturnType<typeof getCase>>>;

export async function caseOf(db: Db, id: string): Promise<QuoteCase> {
  const c = await getCase(db, id);
  if (!c) throw notFound('This quote case');
  return c;
}

/** Whether a case is due for a follow-up on `today`. */
export const followUpDue = (c: { status: CaseStatus; follow_up_on: string | null }, today: string) =>
  (c.status === 'new' || c.status === 'quoted') && c.follow_up_on !== null && c.follow_up_on <= today;

/** The cases in one state, newest first, with the requester's name and organisation read for the staff member (one audited statement). */
export async function listCases(kernel: PrivacyKernel, db: Db, state: CaseState, actor: Actor, today: string) {
  let q = quotesDb(db).selectFrom('quotes_cases').selectAll();
  q = state === 'follow-up' ? q.where('status', 'in', ['new', 'quoted']).where('follow_up_on', '<=', today) : q.where('status', '=', state);
  const rows = await q.orderBy('created_at', 'desc').limit(200).execute();
  const people = rows.length ? await kernel.readMany(db, { actor, purpose: QUOTES, categories: [NAME, ORGANISATION], items: rows.map((r) => ({ subject: r.subject_id, ref: refOf(r.id) })) }) : [];
  return rows.map((r, i) => {
    const read = people[i];
    const values: Record<string, unknown> = read?.ok ? read.record.values : {};
    const text = (x: unknown) => (typeof x === 'string' ? x : '');
    return { ...r, name: text(values[NAME]), organisation: text(values[ORGANISATION]) };
  });
}

export async function countByState(db: Db, today: string): Promise<Record<CaseState, number>> {
  const { rows } = await sql<{ status: CaseStatus; n: number; due: number }>`
    select status, count(*)::int as n, count(*) filter (where follow_up_on <= ${today} and status in ('new', 'quoted'))::int as due
    from quotes_cases group by status`.execute(db);
  const out: Record<CaseState, number> = { new: 0, quoted: 0, 'follow-up': 0, won: 0, lost: 0 };
  for (const r of rows) {
    out[r.status] = r.n;
    out['follow-up'] += r.due;
  }
  return out;
}

// ---- Follow-up notes and date.

export async function addFollowUp(kernel: PrivacyKernel, db: Db, c: QuoteCase, input: { note: string; date: string }, actor: Actor, tag: string, now: Date): Promise<void> {
  const note = input.note.replace(/\r\n/g, '\n').trim();
  const date = input.date.trim();
  checkFields([
    () => {
      if (note.length > 4000) throw validationError('note', 'at most 4000 characters');
    },
    () => {
      if (date !== '' && !isDay(date)) throw validationError('date', 'must be a date (YYYY-MM-DD), or empty for none');
    },
    () => {
      if (note === '' && date === (c.follow_up_on ?? '')) throw validationError('note', 'write a note or change the follow-up date');
    },
  ]);
  if (note !== '') {
    const id = randomUUID();
    await quotesDb(db).insertInto('quotes_notes').values({ id, case_id: c.id, at: now, by_tag: tag }).execute();
    await kernel.write(db, { subject: c.subject_id, actor, purpose: QUOTES, ref: `${refOf(c.id)}:note:${id}`, values: { [CONTENT]: note } });
  }
  if (date !== (c.follow_up_on ?? ''))
    await quotesDb(db)
      .updateTable('quotes_cases')
      .set({ follow_up_on: date === '' ? null : date })
      .where('id', '=', c.id)
      .execute();
}

export async function notesOf(kernel: PrivacyKernel, db: Db, c: QuoteCase, actor: Actor) {
  const rows = await quotesDb(db).selectFrom('quotes_notes').selectAll().where('case_id', '=', c.id).orderBy('at').execute();
  if (rows.length === 0) return [];
  const read = await kernel.readMany(db, { actor, purpose: QUOTES, categories: [CONTENT], items: rows.map((r) => ({ subject: c.subject_id, ref: `${refOf(c.id)}:note:${r.id}` })) });
  return rows.map((r, i) => {
    const one = read[i];
    const v = one?.ok ? one.record.values[CONTENT] : undefined;
    return { at: r.at, by: r.by_tag, text: typeof v === 'string' ? v : '' };
  });
}

// ---- Status.

export async function setStatus(db: Db, c: QuoteCase, status: string, now: Date): Promise<void> {
  if (status !== 'won' && status !== 'lost') throw validationError('status', 'choose won or lost');
  if (c.status !== 'quoted' && c.status !== 'new') throw new AppError('CONFLICT', 'This case is closed already.');
  await quotesDb(db).updateTable('quotes_cases').set({ status, closed_at: now }).where('id', '=', c.id).execute();
}

// ---- The quote document.

export async function linesOf(db: Db, caseId: string) {
  return quotesDb(db).selectFrom('quotes_lines').selectAll().where('case_id', '=', caseId).orderBy('position').execute();
}

export type QuoteLine = Awaited<ReturnType<typeof linesOf>>[number];

export const totalOf = (lines: readonly { quantity: number; unit_minor: number }[]) => lines.reduce((sum, l) => sum + l.quantity * l.unit_minor, 0);

export interface LineInput {
  product: string;
  description: string;
  quantity: string;
  price: string;
}

/** Parses a price typed in major units ("1234.50") into minor units. */
function minorOf(price: string): number | null {
  const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(price.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export async function addLine(db: Db, c: QuoteCase, input: LineInput): Promise<void> {
  if (c.status !== 'new' && c.status !== 'quoted') throw new AppError('CONFLICT', 'This case is closed: its quote cannot change.');
  let description = input.description.replace(/\s+/g, ' ').trim();
  let unit: number | null = input.price.trim() === '' ? null : minorOf(input.price);
  let productId: string | null = null;
  const quantity = /^\d{1,6}$/.test(input.quantity.trim()) ? Number(input.quantity.trim()) : 0;
  const [productPart = '', variantPart = ''] = input.product.split(':');
  const product = UUID.test(productPart) ? await getProductById(db, productPart) : undefined;
  checkFields([
    () => {
      if (input.product !== '' && !product) throw validationError('product', 'choose a product of the catalogue, or free text');
    },
    () => {
      if (quantity < 1 || quantity > 100000) throw validationError('quantity', 'must be a whole number from 1 to 100000');
    },
    () => {
      if (input.price.trim() !== '' && unit === null) throw validationError('price', 'must be an amount such as 1250.00');
    },
    () => {
      if (!product && (description === '' || description.length > 200)) throw validationError('description', 'describe the line (1 to 200 characters), or choose a product');
    },
    () => {
      if (!product && unit === null) throw validationError('price', 'give the unit price of a free-text line');
    },
  ]);
  if (product) {
    const variant = product.variants.find((v) => v.id === variantPart) ?? product.variants[0];
    if (variant && variant.currency !== c.currency) throw validationError('product', `is priced in ${variant.currency}; this quote is in ${c.currency}`);
    productId = product.id;
    if (description === '') description = (variant && product.variants.length > 1 ? `${product.name} — ${variant.name}` : product.name).slice(0, 200);
    unit ??= variant?.price_minor ?? null;
    if (unit === null) throw validationError('price', 'this product has no price: give one');
  }
  const position =
    ((
      await quotesDb(db)
        .selectFrom('quotes_lines')
        .select((eb) => eb.fn.max('position').as('p'))
        .where('case_id', '=', c.id)
        .executeTakeFirst()
    )?.p ?? 0) + 1;
  await quotesDb(db).insertInto('quotes_lines').values({ id: randomUUID(), case_id: c.id, position, product_id: productId, description, quantity, unit_minor: unit! }).execute();
}

export async function removeLine(db: Db, c: QuoteCase, lineId: string): Promise<void> {
  if (c.status !== 'new' && c.status !== 'quoted') throw new AppError('CONFLICT', 'This case is closed: its quote cannot change.');
  if (!UUID.test(lineId)) throw validationError('line', 'no such line');
  await quotesDb(db).deleteFrom('quotes_lines').where('case_id', '=', c.id).where('id', '=', lineId).execute();
}

/** Sends the quote: checks it, marks the case quoted and mails the requester the link to the document. */
export async function sendQuote(kernel: PrivacyKernel, db: Db, c: QuoteCase, input: { validUntil: string }, publicUrl: string, now: Date): Promise<void> {
  if (c.status !== 'new' && c.status !== 'quoted') throw new AppError('CONFLICT', 'This case is closed: its quote cannot be sent.');
  const validUntil = input.validUntil.trim();
  const lines = await linesOf(db, c.id);
  checkFields([
    () => {
      if (!isDay(validUntil) || validUntil < dayOf(now)) throw validationError('validUntil', 'must be a date (YYYY-MM-DD), today or later');
    },
    () => {
      if (lines.length === 0) throw validationError('product', 'add at least one line before sending the quote');
    },
  ]);
  await quotesDb(db).updateTable('quotes_cases').set({ status: 'quoted', valid_until: validUntil, quoted_at: now }).where('id', '=', c.id).execute();
  const token = await tokenOf(kernel, db, c);
  await queueMail(
    db,
    {
      subject: c.subject_id,
      purpose: QUOTES,
      template: quoteSentMail,
      params: { number: String(c.number), validUntil, link: viewLink(publicUrl, token) },
      addressRef: refOf(c.id),
      personalRef: refOf(c.id),
      idempotencyKey: `quotes.quote:${c.id}:${now.toISOString()}`,
    },
    { kernel },
  );
}
