// Takedown (P001-06, P001-07): the person asks (signed in, or by the link we mail to the address
// we hold for them) and, in that one request, the consent is withdrawn in the kernel, every entry
// of theirs leaves the site and its words, name and company are erased. A case opens per entry
// with a 24-hour deadline to remove the copies elsewhere (brochures, social posts): staff list the
// places and tick each off. Staff are mailed at once, and the hourly `testimonials.overdue` job
// mails them again when a case passes its deadline unresolved.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { activeStaffOf, digestToken, randomToken } from '../accounts/index.ts';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import { checkFields, notFound, validationError } from '../platform/errors.ts';
import { type Actor, actorTag, type ConsentChannel, type PrivacyKernel, type StaffRole, systemActor } from '../privacy/index.ts';
import { CATEGORIES, PURPOSE, refOf, staffChannels } from './entries.ts';
import { linkMail, overdueMail, takedownMail } from './mail.ts';
import { type EntryKind, type TakedownVia, testimonialsDb } from './tables.ts';

export const DEADLINE_HOURS = 24;
export const LINK_HOURS = 48;
export const TAKEDOWN_JOB = 'testimonials.takedown';
export const OVERDUE_JOB = 'testimonials.overdue';
export const WITHDRAWN_JOB = 'testimonials.withdrawn';
/** The roles that handle takedowns (they approve entries and know where copies went). */
export const CASE_ROLES: readonly StaffRole[] = ['owner', 'marketing'];
const HOUR_MS = 3_600_000;
const RIGHTS = 'data-rights';

export interface TakedownResult {
  cases: string[];
  deadline: Date;
}

/**
 * Takes every entry of the person off the site now (consent withdrawn, entries removed, items
 * erased) and opens a case for each entry that was not removed already; mails staff. `actor` is the
 * person (signed in) or the takedown job (the mailed link verified them). Idempotent.
 */
export async function takeDown(
  kernel: PrivacyKernel,
  db: Db,
  o: { subject: string; actor: Actor; via: TakedownVia; publicUrl: string; now: Date; channel?: ConsentChannel; evidence?: string; withdrawn?: boolean },
): Promise<TakedownResult> {
  const deadline = new Date(o.now.getTime() + DEADLINE_HOURS * HOUR_MS);
  const t = testimonialsDb(db);
  const live = await t.selectFrom('testimonials_entries').select(['id', 'kind']).where('subject_id', '=', o.subject).where('state', '<>', 'removed').execute();
  // Staff act under the purpose their role has (testimonials); the person and the link's job under data rights.
  const purpose = o.actor.kind === 'staff' ? PURPOSE : RIGHTS;
  const cases: string[] = [];
  for (const entry of live) {
    await t.updateTable('testimonials_entries').set({ state: 'removed', removed_at: o.now, logo_image_id: null }).where('id', '=', entry.id).execute();
    await kernel.forget(db, { subject: o.subject, actor: o.actor, purpose, categories: [...CATEGORIES], ref: refOf(entry.id) });
    cases.push(await openCase(db, { entry: entry.id, subject: o.subject, kind: entry.kind, via: o.via, now: o.now, deadline }));
  }
  if (!o.withdrawn)
    await kernel.recordConsent(db, { subject: o.subject, purpose: PURPOSE, action: 'withdraw', channel: o.channel ?? 'web', actor: o.actor, evidence: o.evidence ?? `Takedown asked (${o.via})` });
  await t.deleteFrom('testimonials_takedown_links').where('subject_id', '=', o.subject).execute();
  await alertStaff(db, cases, deadline, o.publicUrl);
  return { cases, deadline };
}

async function openCase(db: Db, c: { entry: string; subject: string | null; kind: EntryKind; via: TakedownVia; now: Date; deadline: Date }): Promise<string> {
  const id = randomUUID();
  const row = await testimonialsDb(db)
    .insertInto('testimonials_cases')
    .values({ id, entry_id: c.entry, subject_id: c.subject, kind: c.kind, via: c.via, opened_at: c.now, deadline_at: c.deadline, resolved_at: null, resolved_by: null, overdue_alerted_at: null })
    .onConflict((oc) => oc.column('entry_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? (await testimonialsDb(db).selectFrom('testimonials_cases').select('id').where('entry_id', '=', c.entry).executeTakeFirstOrThrow()).id;
}

const utc = (d: Date) => `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

async function alertStaff(db: Db, cases: readonly string[], deadline: Date, publicUrl: string): Promise<void> {
  if (cases.length === 0) return;
  const staff = await activeStaffOf(db, CASE_ROLES);
  for (const member of staff) {
    for (const id of cases) {
      await queueMail(db, {
        template: takedownMail,
        subject: member.subject_id,
        purpose: 'account',
        params: { deadline: utc(deadline), link: `${publicUrl}/staff/testimonials#case-${id}` },
        idempotencyKey: `testimonials.takedown:${id}:${member.id}`,
      });
    }
  }
}

/**
 * The people who turned testimonials off in the privacy centre (or anywhere else but a takedown):
 * the kernel hides their entries from the public pages at once; this job, every few minutes,
 * erases those entries and opens their cases, due 24 hours after the withdrawal, and mails staff.
 */
export async function takeDownWithdrawn(kernel: PrivacyKernel, db: Db, publicUrl: string): Promise<number> {
  const actor = systemActor(WITHDRAWN_JOB);
  const subjects = await testimonialsDb(db).selectFrom('testimonials_entries').select('subject_id').distinct().where('state', '<>', 'removed').where('subject_id', 'is not', null).execute();
  let taken = 0;
  for (const { subject_id: subject } of subjects) {
    if (!subject) continue;
    const states = await kernel.consentState(db, { subject, actor, purpose: RIGHTS });
    const withdrawal = states.find((s) => s.purpose === PURPOSE && s.state === 'withdrawn');
    if (!withdrawal) continue;
    await db.transaction().execute((trx) => takeDown(kernel, trx, { subject, actor, via: 'privacy-centre', publicUrl, now: withdrawal.since, withdrawn: true }));
    taken++;
  }
  return taken;
}

/** A case of this entry opened by an erasure (the person is gone; the copies elsewhere must go too). */
export async function openErasureCases(db: Db, subject: string, publicUrl: string, now: Date): Promise<void> {
  const t = testimonialsDb(db);
  const live = await t.selectFrom('testimonials_entries').select(['id', 'kind', 'approved_at']).where('subject_id', '=', subject).where('state', '<>', 'removed').execute();
  const deadline = new Date(now.getTime() + DEADLINE_HOURS * HOUR_MS);
  const cases: string[] = [];
  for (const e of live) if (e.approved_at) cases.push(await openCase(db, { entry: e.id, subject: null, kind: e.kind, via: 'erasure', now, deadline }));
  await alertStaff(db, cases, deadline, publicUrl);
}

// ---- The mailed link, for a visitor who is not signed in.

/**
 * A visitor asks from the public page: when `email` is the address we hold for the entry's person,
 * we mail that person a link (the answer is the same either way: it tells no one whose entry it is).
 */
export async function mailTakedownLink(kernel: PrivacyKernel, db: Db, o: { entry: string; email: string; publicUrl: string; now: Date }): Promise<boolean> {
  const entry = await testimonialsDb(db).selectFrom('testimonials_entries').select(['subject_id', 'state']).where('id', '=', o.entry).executeTakeFirst();
  if (entry?.state !== 'published') throw notFound('This entry');
  const people = await kernel.findSubjects(db, { category: 'user.contact.email', value: o.email, actor: systemActor(TAKEDOWN_JOB), purpose: RIGHTS });
  if (!people.includes(entry.subject_id)) return false;
  const token = randomToken();
  await testimonialsDb(db)
    .insertInto('testimonials_takedown_links')
    .values({ token_hash: digestToken(token), entry_id: o.entry, subject_id: entry.subject_id, created_at: o.now, expires_at: new Date(o.now.getTime() + LINK_HOURS * HOUR_MS) })
    .execute();
  await queueMail(db, { template: linkMail, subject: entry.subject_id, purpose: RIGHTS, params: { link: `${o.publicUrl}/testimonials/remove?token=${token}` } }, { kernel });
  return true;
}

/** The owner takes an entry's person off the site on their request by mail, phone or post, with what proves it (the DPO reviews it). */
export async function takeDownForPerson(kernel: PrivacyKernel, db: Db, o: { entry: string; channel: string; evidence: string; actor: Actor; publicUrl: string; now: Date }): Promise<TakedownResult> {
  const entry = await testimonialsDb(db).selectFrom('testimonials_entries').select(['subject_id', 'state']).where('id', '=', o.entry).executeTakeFirst();
  if (!entry || entry.state === 'removed') throw notFound('This entry');
  const evidence = o.evidence.trim();
  checkFields([
    () => {
      if (!(staffChannels as readonly string[]).includes(o.channel)) throw validationError('channel', `must be one of ${staffChannels.join(', ')}`);
    },
    () => {
      if (evidence === '' || evidence.length > 2000) throw validationError('evidence', 'say what proves the request (the mail’s date and subject, a call note), at most 2000 characters');
    },
  ]);
  return takeDown(kernel, db, { subject: entry.subject_id, actor: o.actor, via: 'staff', publicUrl: o.publicUrl, now: o.now, channel: o.channel as ConsentChannel, evidence });
}

/** The person of a mailed link still valid, or null. */
export async function linkHolder(db: Db, token: string, now: Date): Promise<string | null> {
  const row = await testimonialsDb(db).selectFrom('testimonials_takedown_links').select('subject_id').where('token_hash', '=', digestToken(token)).where('expires_at', '>', now).executeTakeFirst();
  return row?.subject_id ?? null;
}

/** Follows the mailed link: the person is verified by it; the takedown runs as the takedown job. */
export async function takeDownByLink(kernel: PrivacyKernel, db: Db, o: { token: string; publicUrl: string; now: Date }): Promise<TakedownResult> {
  const subject = await linkHolder(db, o.token, o.now);
  if (!subject) throw validationError('token', 'this link is not valid any more: it was used already or has expired');
  return takeDown(kernel, db, { subject, actor: systemActor(TAKEDOWN_JOB), via: 'mailed-link', publicUrl: o.publicUrl, now: o.now });
}

// ---- Cases: the places copies went, ticked off; resolving.

export interface CaseRow {
  id: string;
  kind: EntryKind;
  via: TakedownVia;
  opened_at: Date;
  deadline_at: Date;
  resolved_at: Date | null;
  overdue_alerted_at: Date | null;
  places: { id: string; place: string; done_at: Date | null }[];
}

export async function listCases(db: Db, limit = 200): Promise<CaseRow[]> {
  const cases = await testimonialsDb(db)
    .selectFrom('testimonials_cases')
    .select(['id', 'kind', 'via', 'opened_at', 'deadline_at', 'resolved_at', 'overdue_alerted_at'])
    .orderBy(sql`resolved_at is null`, 'desc')
    .orderBy('deadline_at', 'asc')
    .limit(limit)
    .execute();
  if (cases.length === 0) return [];
  const places = await testimonialsDb(db)
    .selectFrom('testimonials_case_places')
    .select(['id', 'case_id', 'place', 'done_at'])
    .where(
      'case_id',
      'in',
      cases.map((c) => c.id),
    )
    .orderBy('added_at')
    .execute();
  return cases.map((c) => ({ ...c, places: places.filter((p) => p.case_id === c.id).map(({ case_id: _, ...p }) => p) }));
}

async function openCaseRow(db: Db, id: string) {
  const row = await testimonialsDb(db).selectFrom('testimonials_cases').select(['id', 'resolved_at']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('This takedown case');
  if (row.resolved_at) throw validationError('case', 'this case is resolved already');
  return row;
}

export async function addPlace(db: Db, caseId: string, place: string, now: Date): Promise<void> {
  await openCaseRow(db, caseId);
  const p = place.normalize('NFKC').replace(/\s+/g, ' ').trim();
  checkFields([
    () => {
      if (p === '' || p.length > 200) throw validationError('place', 'say where a copy is (a brochure, a social post), at most 200 characters');
    },
  ]);
  await testimonialsDb(db).insertInto('testimonials_case_places').values({ id: randomUUID(), case_id: caseId, place: p, added_at: now, done_at: null }).execute();
}

export async function markPlaceDone(db: Db, caseId: string, placeId: string, now: Date): Promise<void> {
  await openCaseRow(db, caseId);
  const done = await testimonialsDb(db)
    .updateTable('testimonials_case_places')
    .set({ done_at: now })
    .where('id', '=', placeId)
    .where('case_id', '=', caseId)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) throw notFound('This place');
}

/** Resolves a case once every listed place is ticked off. */
export async function resolveCase(db: Db, caseId: string, actor: Actor, now: Date): Promise<void> {
  await openCaseRow(db, caseId);
  const left = await testimonialsDb(db).selectFrom('testimonials_case_places').select('id').where('case_id', '=', caseId).where('done_at', 'is', null).execute();
  if (left.length) throw validationError('case', `tick off every place first (${left.length} left)`);
  await testimonialsDb(db)
    .updateTable('testimonials_cases')
    .set({ resolved_at: now, resolved_by: actorTag(actor) })
    .where('id', '=', caseId)
    .execute();
}

/** Open cases and how many are past their deadline (the staff page's notice). */
export async function caseCounts(db: Db, now: Date): Promise<{ open: number; overdue: number }> {
  const { rows } = await sql<{ open: number; overdue: number }>`
    select count(*)::int as open, (count(*) filter (where deadline_at <= ${now}))::int as overdue
    from testimonials_cases where resolved_at is null`.execute(db);
  return rows[0] ?? { open: 0, overdue: 0 };
}

/** The hourly job: each unresolved case past its deadline alerts the case roles once. */
export async function alertOverdue(db: Db, publicUrl: string, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string; deadline_at: Date }>`
      update testimonials_cases set overdue_alerted_at = ${now}
      where resolved_at is null and overdue_alerted_at is null and deadline_at <= ${now}
      returning id, deadline_at`.execute(trx);
    if (rows.length === 0) return 0;
    const staff = await activeStaffOf(trx, CASE_ROLES);
    for (const c of rows) {
      for (const member of staff) {
        await queueMail(trx, {
          template: overdueMail,
          subject: member.subject_id,
          purpose: 'account',
          params: { deadline: utc(c.deadline_at), link: `${publicUrl}/staff/testimonials#case-${c.id}` },
          idempotencyKey: `testimonials.overdue:${c.id}:${member.id}`,
        });
      }
    }
    return rows.length;
  });
}
