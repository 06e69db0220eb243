// The mailing list (P004-06): anyone signs up with a name and an address on the public form and
// confirms by the mailed link (double opt-in). Until then the two values are kept under
// `mailing-list-signup` (a week) and only the confirmation is mailed. Confirming records the
// person's consent to `mailing-list` and `newsletters` (channel web, the policy version in force)
// and keeps the values under `mailing-list` (its retention). Leaving erases the member.
//
// A signup is a subject of its own (kind mailing-list-member), even when the address is a
// customer's: the form proves nothing until the link is followed, and a customer's newsletters are
// their privacy centre's toggle. Following the link proves the address, so a confirmed signup
// replaces an earlier member with the same address rather than mailing them twice.
import { digestToken, randomToken } from '../accounts/index.ts';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import { type PrivacyKernel, type RetentionStore, selfActor, SubjectErased, systemActor } from '../privacy/index.ts';
import { confirmMail, EMAIL, NAME } from './mail.ts';
import { mailingDb } from './tables.ts';

export const SIGNUP_JOB = 'mailing.signup';
const SIGNUP_ACTOR = systemActor(SIGNUP_JOB);
/** The actor of the erasures of lapsed signups (a declared job, datamap/jobs.yml). */
const SWEEP_ACTOR = systemActor('mailing.sweep');
export const SIGNUP_PURPOSE = 'mailing-list-signup';
export const LIST_PURPOSE = 'mailing-list';
export const NEWSLETTERS = 'newsletters';
const LINK_DAYS = 7;
const DAY_MS = 86_400_000;

export async function signUpForList(kernel: PrivacyKernel, db: Db, input: { name: string; email: string; publicUrl: string; now: Date }): Promise<string> {
  const subject = await kernel.createSubject(db, { kind: 'mailing-list-member', actor: SIGNUP_ACTOR, purpose: SIGNUP_PURPOSE });
  // The person gives their own name and address: the new subject acts as itself.
  await kernel.write(db, { subject, actor: selfActor(subject), purpose: SIGNUP_PURPOSE, values: { [NAME]: input.name, [EMAIL]: input.email } });
  const token = randomToken();
  await mailingDb(db)
    .insertInto('mailing_members')
    .values({ subject_id: subject, token_hash: digestToken(token), created_at: input.now, expires_at: new Date(input.now.getTime() + LINK_DAYS * DAY_MS), confirmed_at: null })
    .execute();
  await queueMail(
    db,
    {
      subject,
      purpose: SIGNUP_PURPOSE,
      template: confirmMail,
      params: { link: `${input.publicUrl.replace(/\/$/, '')}/mailing-list/confirm?token=${token}` },
      idempotencyKey: `mailing.confirm:${subject}`,
    },
    { kernel },
  );
  return subject;
}

/** Whether a confirmation token is one waiting to be used (for the page with the button). */
export async function confirmationWaiting(db: Db, token: string, now: Date): Promise<boolean> {
  const row = await mailingDb(db).selectFrom('mailing_members').select('subject_id').where('token_hash', '=', digestToken(token)).where('expires_at', '>', now).executeTakeFirst();
  return row !== undefined;
}

/** Spends the token and puts the person on the list; LINK_INVALID when it was used, expired or never issued. */
export async function confirmMember(kernel: PrivacyKernel, db: Db, token: string, now: Date): Promise<void> {
  const row = await mailingDb(db)
    .updateTable('mailing_members')
    .set({ token_hash: null, confirmed_at: now })
    .where('token_hash', '=', digestToken(token))
    .where('expires_at', '>', now)
    .returning('subject_id')
    .executeTakeFirst();
  if (!row) throw new AppError('LINK_INVALID');
  const subject = row.subject_id;
  const person = selfActor(subject);
  const values = (await kernel.read(db, { subject, actor: person, purpose: SIGNUP_PURPOSE, categories: [NAME, EMAIL] })).values;
  const email = String(values[EMAIL] ?? '');

  const evidence = 'mailing-list signup confirmed by the mailed link';
  for (const purpose of [LIST_PURPOSE, NEWSLETTERS]) await kernel.recordConsent(db, { subject, purpose, action: 'grant', channel: 'web', actor: person, evidence });
  // Kept from now on for the list, with the list's retention.
  await kernel.write(db, { subject, actor: person, purpose: LIST_PURPOSE, values: { [NAME]: values[NAME] ?? '', [EMAIL]: email } });

  // An earlier member with this address is the same person (the link proves the address): replaced.
  // Last, because an erasure cannot be rolled back (the key is shredded before the commit).
  const same = (await kernel.findSubjects(db, { category: EMAIL, value: email, actor: SIGNUP_ACTOR, purpose: LIST_PURPOSE })).filter((s) => s !== subject);
  if (same.length) {
    const earlier = await mailingDb(db).selectFrom('mailing_members').select('subject_id').where('subject_id', 'in', same).where('confirmed_at', 'is not', null).execute();
    for (const { subject_id } of earlier) await removeMember(kernel, db, subject_id, 'web', 'replaced by a new confirmed signup with the same address');
  }
}

export async function isMember(db: Db, subject: string): Promise<boolean> {
  return (await mailingDb(db).selectFrom('mailing_members').select('subject_id').where('subject_id', '=', subject).executeTakeFirst()) !== undefined;
}

/**
 * Takes a member off the list, as themselves (they followed a link from our mail): their consents
 * withdrawn, then the member erased in the kernel (name and address shredded) and their row gone.
 * Their consent ledger stays, pseudonymous, as the record of what they chose.
 */
export async function removeMember(kernel: PrivacyKernel, db: Db, subject: string, channel: 'web' | 'email', evidence: string): Promise<void> {
  const person = selfActor(subject);
  try {
    for (const purpose of [LIST_PURPOSE, NEWSLETTERS]) await kernel.recordConsent(db, { subject, purpose, action: 'withdraw', channel, actor: person, evidence });
    await kernel.erase(db, { subject, actor: person });
  } catch (err) {
    if (!(err instanceof SubjectErased)) throw err;
  }
  await mailingDb(db).deleteFrom('mailing_members').where('subject_id', '=', subject).execute();
}

/**
 * Signups nobody confirmed within the data map's retention of a signup (`mailing-list-signup`, a
 * week), counted from the signup: the kernel's retention engine erases each (the subject and the
 * row), batch by batch in its own transaction (decision 0065).
 */
export const unconfirmedRetention: RetentionStore = {
  name: 'mailing.unconfirmed-signups',
  description: 'Mailing-list signups whose confirmation link was never used: the name and address, and the row.',
  category: 'user.contact.email',
  purpose: SIGNUP_PURPOSE,
  action: 'purge',
  async purge({ db, kernel }, cutoff, limit) {
    const lapsed = await mailingDb(db)
      .selectFrom('mailing_members')
      .select('subject_id')
      .where('confirmed_at', 'is', null)
      .where('created_at', '<', cutoff)
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const { subject_id } of lapsed) {
      await kernel.erase(db, { subject: subject_id, actor: SWEEP_ACTOR });
      await mailingDb(db).deleteFrom('mailing_members').where('subject_id', '=', subject_id).where('confirmed_at', 'is', null).execute();
    }
    return lapsed.length;
  },
};
