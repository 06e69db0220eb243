// Testimonials and the customer list: a person's words quoted with their consent (shown with their
// first name or initial only, P001-06) and a company listed with its contact's consent (P001-07).
// The consent is the kernel's (`testimonials`, recorded before anything is written: the kernel
// refuses the write otherwise); the words, the name shown and the company name are kernel items
// under the entry's ref, so a withdrawal stops every read of them at once, the public page's too.
import { randomUUID } from 'node:crypto';
import { checkEmail, EMAIL, NAME } from '../accounts/index.ts';
import type { Db } from '../platform/db/database.ts';
import { checkFields, notFound, validationError } from '../platform/errors.ts';
import { type Actor, actorTag, type PrivacyKernel, systemActor } from '../privacy/index.ts';
import { type EntryChannel, type EntryKind, type EntryState, type ShownAs, testimonialsDb } from './tables.ts';

export const PURPOSE = 'testimonials';
export const WORDS = 'user.content.public';
export const FIRST_NAME = 'user.name.first';
export const COMPANY = 'user.contact.organization';
export const CATEGORIES = [WORDS, FIRST_NAME, COMPANY] as const;
export const PUBLISH_JOB = 'testimonials.publish';
export const LIMITS = { words: 1200, firstName: 40, company: 120, evidence: 2000 } as const;
export const shownAsChoices: readonly ShownAs[] = ['first-name', 'initial'];
export const staffChannels = ['email', 'phone', 'paper', 'in-person'] as const;

/** The kernel ref of an entry's items. */
export const refOf = (entry: string) => `testimonial:${entry}`;

/** The first word of a full name: what a testimonial may show at most (never the full name). */
export function firstNameOf(fullName: string): string {
  return fullName.normalize('NFKC').trim().split(/\s+/)[0]?.slice(0, LIMITS.firstName) ?? '';
}

/** How the person is named under their words: the first name, or its initial and a full stop. */
export function shownName(firstName: string, shownAs: ShownAs): string {
  return shownAs === 'initial' ? `${Array.from(firstName)[0]?.toLocaleUpperCase() ?? ''}.` : firstName;
}

const clean = (s: string) => s.normalize('NFKC').replace(/\r\n?/g, '\n').trim();

function checkWords(words: string): string {
  const w = clean(words);
  if (w === '') throw validationError('words', 'write what you want us to quote');
  if (w.length > LIMITS.words) throw validationError('words', `must be at most ${LIMITS.words} characters`);
  return w;
}

function checkCompany(company: string): string {
  const c = clean(company).replace(/\s+/g, ' ');
  if (c === '') throw validationError('company', 'give the company’s name as it should be listed');
  if (c.length > LIMITS.company) throw validationError('company', `must be at most ${LIMITS.company} characters`);
  return c;
}

function checkShownAs(value: string): ShownAs {
  if (!(shownAsChoices as readonly string[]).includes(value)) throw validationError('shown_as', 'choose your first name or your initial');
  return value as ShownAs;
}

/** The consent box: unticked by default; without it nothing is kept. */
function checkConsent(value: string, field = 'consent'): void {
  if (value !== 'yes') throw validationError(field, 'tick the box to agree that we show this on our site, or do not send the form');
}

interface NewEntry {
  kind: EntryKind;
  subject: string;
  actor: Actor;
  channel: EntryChannel;
  evidence: string;
  values: Record<string, string>;
  shownAs: ShownAs | null;
  logo: string | null;
  now: Date;
}

async function addEntry(kernel: PrivacyKernel, db: Db, e: NewEntry): Promise<string> {
  const id = randomUUID();
  await kernel.recordConsent(db, { subject: e.subject, purpose: PURPOSE, action: 'grant', channel: e.channel, actor: e.actor, evidence: e.evidence });
  await kernel.write(db, { subject: e.subject, actor: e.actor, purpose: PURPOSE, ref: refOf(id), values: e.values });
  await testimonialsDb(db)
    .insertInto('testimonials_entries')
    .values({
      id,
      subject_id: e.subject,
      kind: e.kind,
      shown_as: e.shownAs,
      logo_image_id: e.logo,
      channel: e.channel,
      recorded_by: actorTag(e.actor),
      created_at: e.now,
      approved_at: null,
      approved_by: null,
      removed_at: null,
    })
    .execute();
  return id;
}

/** The signed-in customer's first name, from their account (for the form's choice and the entry). */
export async function ownFirstName(kernel: PrivacyKernel, db: Db, actor: Actor, subject: string): Promise<string> {
  const record = await kernel.read(db, { subject, actor, purpose: 'account', categories: [NAME] });
  return firstNameOf(String(record.values[NAME] ?? ''));
}

export interface QuoteInput {
  words: string;
  shown_as: string;
  consent: string;
}

/** The customer shares their words from their account; staff approve before anything is shown. */
export async function submitQuote(kernel: PrivacyKernel, db: Db, input: QuoteInput, who: { subject: string; actor: Actor; now: Date }): Promise<string> {
  let words = '';
  let shownAs = 'first-name' as ShownAs;
  checkFields([
    () => {
      words = checkWords(input.words);
    },
    () => {
      shownAs = checkShownAs(input.shown_as);
    },
    () => checkConsent(input.consent),
  ]);
  const first = await ownFirstName(kernel, db, who.actor, who.subject);
  if (first === '') throw validationError('shown_as', 'your account has no name to show: add it in your account first');
  return addEntry(kernel, db, {
    kind: 'quote',
    subject: who.subject,
    actor: who.actor,
    channel: 'web',
    evidence: `Form “Share your experience”: box ticked to show these words with the ${shownAs === 'initial' ? 'initial' : 'first name'}`,
    values: { [WORDS]: words, [FIRST_NAME]: shownName(first, shownAs) },
    shownAs,
    logo: null,
    now: who.now,
  });
}

export interface CompanyInput {
  company: string;
  /** The company form's own box (two forms share the account page). */
  company_consent: string;
}

/** The customer lists their company (name and, optionally, the logo already stored through media). */
export async function submitCompany(kernel: PrivacyKernel, db: Db, input: CompanyInput, storeLogo: () => Promise<string | null>, who: { subject: string; actor: Actor; now: Date }): Promise<string> {
  let company = '';
  checkFields([
    () => {
      company = checkCompany(input.company);
    },
    () => checkConsent(input.company_consent, 'company_consent'),
  ]);
  const logo = await storeLogo();
  return addEntry(kernel, db, {
    kind: 'company',
    subject: who.subject,
    actor: who.actor,
    channel: 'web',
    evidence: `Form “List our company”: box ticked to list the company name${logo ? ' and logo' : ''}`,
    values: { [COMPANY]: company },
    shownAs: null,
    logo,
    now: who.now,
  });
}

export interface StaffRecordInput {
  kind: string;
  email: string;
  words: string;
  first_name: string;
  shown_as: string;
  company: string;
  channel: string;
  evidence: string;
}

/** Staff record what a customer agreed to by mail, phone or on paper, with what proves it (the DPO reviews it). */
export async function recordForCustomer(kernel: PrivacyKernel, db: Db, input: StaffRecordInput, storeLogo: () => Promise<string | null>, who: { actor: Actor; now: Date }): Promise<string> {
  const kind = input.kind === 'company' ? 'company' : 'quote';
  let email = '';
  let words = '';
  let first = '';
  let shownAs = 'first-name' as ShownAs;
  let company = '';
  let evidence = '';
  checkFields([
    () => {
      email = checkEmail('email', input.email);
    },
    () => {
      if (kind === 'quote') words = checkWords(input.words);
    },
    () => {
      if (kind !== 'quote') return;
      first = firstNameOf(input.first_name);
      if (first === '' || clean(input.first_name).split(/\s+/).length > 1) throw validationError('first_name', 'give the first name alone (never the full name)');
    },
    () => {
      if (kind === 'quote') shownAs = checkShownAs(input.shown_as);
    },
    () => {
      if (kind === 'company') company = checkCompany(input.company);
    },
    () => {
      if (!(staffChannels as readonly string[]).includes(input.channel)) throw validationError('channel', `must be one of ${staffChannels.join(', ')}`);
    },
    () => {
      evidence = input.evidence.trim();
      if (evidence === '' || evidence.length > LIMITS.evidence) throw validationError('evidence', 'say what proves their consent (the mail’s date and subject, a call note), at most 2000 characters');
    },
  ]);
  const people = await kernel.findSubjects(db, { category: EMAIL, value: email, actor: who.actor, purpose: 'support' });
  if (people.length === 0) throw validationError('email', 'no customer with this address is on file');
  const logo = kind === 'company' ? await storeLogo() : null;
  return addEntry(kernel, db, {
    kind,
    subject: people[0]!,
    actor: who.actor,
    channel: input.channel as EntryChannel,
    evidence,
    values: kind === 'quote' ? { [WORDS]: words, [FIRST_NAME]: shownName(first, shownAs) } : { [COMPANY]: company },
    shownAs: kind === 'quote' ? shownAs : null,
    logo,
    now: who.now,
  });
}

export interface EntryRow {
  id: string;
  subject_id: string;
  kind: EntryKind;
  state: EntryState;
  shown_as: ShownAs | null;
  logo_image_id: string | null;
  channel: EntryChannel;
  created_at: Date;
  approved_at: Date | null;
  removed_at: Date | null;
}

const entryColumns = ['id', 'subject_id', 'kind', 'state', 'shown_as', 'logo_image_id', 'channel', 'created_at', 'approved_at', 'removed_at'] as const;

export async function getEntry(db: Db, id: string): Promise<EntryRow> {
  const row = await testimonialsDb(db).selectFrom('testimonials_entries').select(entryColumns).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This entry');
  return row;
}

export async function entriesOf(db: Db, subject: string): Promise<EntryRow[]> {
  return testimonialsDb(db).selectFrom('testimonials_entries').select(entryColumns).where('subject_id', '=', subject).orderBy('created_at', 'desc').execute();
}

export async function entriesIn(db: Db, states: readonly EntryState[], limit = 200): Promise<EntryRow[]> {
  return testimonialsDb(db)
    .selectFrom('testimonials_entries')
    .select(entryColumns)
    .where('state', 'in', [...states])
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Staff approve an entry for the site (owner, marketing). */
export async function approve(db: Db, id: string, actor: Actor, now: Date): Promise<void> {
  const done = await testimonialsDb(db)
    .updateTable('testimonials_entries')
    .set({ state: 'published', approved_at: now, approved_by: actorTag(actor) })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) throw validationError('entry', 'only an entry waiting for approval can be approved');
}

export interface Shown {
  entry: EntryRow;
  words: string;
  name: string;
  company: string;
}

/** The entries' values as `actor` may read them; an entry whose consent is gone (or items erased) is left out. */
export async function withValues(kernel: PrivacyKernel, db: Db, entries: readonly EntryRow[], actor: Actor): Promise<Shown[]> {
  if (entries.length === 0) return [];
  const results = await kernel.readMany(db, { actor, purpose: PURPOSE, categories: [...CATEGORIES], items: entries.map((e) => ({ subject: e.subject_id, ref: refOf(e.id) })) });
  const shown: Shown[] = [];
  results.forEach((r, i) => {
    if (!r.ok) return;
    const v = r.record.values;
    const entry = entries[i]!;
    if (entry.kind === 'quote' && (typeof v[WORDS] !== 'string' || typeof v[FIRST_NAME] !== 'string')) return;
    if (entry.kind === 'company' && typeof v[COMPANY] !== 'string') return;
    shown.push({ entry, words: String(v[WORDS] ?? ''), name: String(v[FIRST_NAME] ?? ''), company: String(v[COMPANY] ?? '') });
  });
  return shown;
}

const PUBLISHER = systemActor(PUBLISH_JOB);

/** What the public pages show: published entries of one kind, read under the publishing job's grant (consent checked by the kernel). */
export async function published(kernel: PrivacyKernel, db: Db, kind: EntryKind, limit = 100): Promise<Shown[]> {
  const rows = await testimonialsDb(db)
    .selectFrom('testimonials_entries')
    .select(entryColumns)
    .where('state', '=', 'published')
    .where('held', '=', false)
    .where('kind', '=', kind)
    .orderBy('approved_at', 'desc')
    .limit(limit)
    .execute();
  return withValues(kernel, db, rows, PUBLISHER);
}

/**
 * DEMO SHOP ONLY (src/demo/testimonials.ts): an entry the demo person agreed to on the web, already
 * approved. Consent and items go through the kernel as the person's own, exactly as the form does.
 */
export async function addPublishedDemoEntry(
  kernel: PrivacyKernel,
  db: Db,
  e: { kind: EntryKind; subject: string; actor: Actor; values: Record<string, string>; shownAs: ShownAs | null; logo: string | null; now: Date },
): Promise<string> {
  const id = await addEntry(kernel, db, { ...e, channel: 'web', evidence: 'Demo shop: a made-up customer who agreed on the form' });
  await testimonialsDb(db).updateTable('testimonials_entries').set({ state: 'published', approved_at: e.now, approved_by: 'system:demo.testimonials' }).where('id', '=', id).execute();
  return id;
}

/** Whether the shop has any entry (the demo loads its own only into a shop with none). */
export async function hasEntries(db: Db): Promise<boolean> {
  return (await testimonialsDb(db).selectFrom('testimonials_entries').select('id').limit(1).execute()).length > 0;
}
