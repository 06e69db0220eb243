// Where an account's personal data lives: in the privacy kernel, under the user's subject id
// (decision 0014). Email and name at ref '', the Argon2id hash as user.authorization.credentials at
// ref '', an email waiting for confirmation at ref 'pending'. Lookups go through the email blind index.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { systemActor, type Actor, type PrivacyKernel } from '../privacy/index.ts';
import { accountsDb, type UserKind, type UserRow } from './tables.ts';
import { hashPassword, needsRehash, type Argon2Params } from './passwords.ts';
import { normaliseEmail } from './throttle.ts';
import { usersOfSubjects } from './users.ts';

export const NAME = 'user.name';
export const EMAIL = 'user.contact.email';
export const CREDENTIALS = 'user.authorization.credentials';
export const AGE = 'user.demographic.age_range';
export const ACCOUNT_PURPOSE = 'account';
export const PENDING_EMAIL_REF = 'pending';

export const loginActor = systemActor('accounts.login');

export interface Candidate {
  user: UserRow;
  /** The stored Argon2id PHC string; null for an account made at checkout whose owner has not chosen a password yet. */
  hash: string | null;
  email: string;
}

/**
 * The account of `kind` whose current email is `email`, with its password hash; null when none.
 * The blind index also finds emails waiting for confirmation; those do not count, nor do accounts being erased.
 */
export async function findAccount(kernel: PrivacyKernel, db: Db, email: string, kind: UserKind, actor: Actor = loginActor): Promise<Candidate | null> {
  const subjects = await kernel.findSubjects(db, { category: EMAIL, value: email, actor, purpose: ACCOUNT_PURPOSE });
  // An account being erased is gone for every purpose: its email may start a new account at once.
  for (const user of (await usersOfSubjects(db, subjects, kind)).filter((u) => u.status !== 'erasing')) {
    const record = await kernel.read(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, categories: [EMAIL, CREDENTIALS], ref: '' });
    const current = record.values[EMAIL];
    const hash = record.values[CREDENTIALS];
    if (typeof current === 'string' && normaliseEmail(current) === normaliseEmail(email)) return { user, hash: typeof hash === 'string' ? hash : null, email: current };
  }
  return null;
}

/**
 * The decoy: a kernel subject with a random address and an Argon2id hash of a random password,
 * linked to no account. Signing in with an unknown email reads and verifies it, so an unknown and
 * a known email take the same steps (one lookup, one kernel read, one verification).
 */
export async function ensureDecoy(kernel: PrivacyKernel, db: Db, costs: Argon2Params): Promise<string> {
  const actor = systemActor('accounts.decoy');
  return db.transaction().execute(async (trx) => {
    // An advisory lock reads no table: plain SQL says it best (allow-listed in test/architecture/accounts-queries.test.ts).
    await sql`select pg_advisory_xact_lock(7200301014)`.execute(trx);
    const t = accountsDb(trx);
    let subject = (await t.selectFrom('accounts_decoy').select('subject_id').executeTakeFirst())?.subject_id;
    if (!subject) {
      subject = await kernel.createSubject(trx, { kind: 'customer', actor, purpose: ACCOUNT_PURPOSE });
      // Nobody: no campaign may list it (an opt-out purpose reaches every active customer).
      await kernel.restrict(trx, { subject, actor });
      await t.insertInto('accounts_decoy').values({ subject_id: subject }).execute();
    } else {
      const stored = (await kernel.read(trx, { subject, actor, purpose: ACCOUNT_PURPOSE, categories: [CREDENTIALS], ref: '' })).values[CREDENTIALS];
      if (typeof stored === 'string' && !needsRehash(stored, costs)) return subject;
    }
    const random = randomBytes(18).toString('base64url');
    await kernel.write(trx, {
      subject,
      actor,
      purpose: ACCOUNT_PURPOSE,
      values: { [NAME]: 'decoy', [EMAIL]: `decoy-${random}@invalid`, [CREDENTIALS]: await hashPassword(randomBytes(18).toString('base64url'), costs) },
    });
    return subject;
  });
}

/** The decoy's password hash, read through the kernel exactly as an account's is. */
export async function readDecoyHash(kernel: PrivacyKernel, db: Db, decoy: string): Promise<string> {
  const record = await kernel.read(db, { subject: decoy, actor: loginActor, purpose: ACCOUNT_PURPOSE, categories: [EMAIL, CREDENTIALS], ref: '' });
  return String(record.values[CREDENTIALS]);
}

export interface Profile {
  name: string;
  email: string;
}

export async function readProfile(kernel: PrivacyKernel, db: Db, user: UserRow, actor: Actor): Promise<Profile> {
  const record = await kernel.read(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, categories: [NAME, EMAIL], ref: '' });
  return { name: String(record.values[NAME] ?? ''), email: String(record.values[EMAIL] ?? '') };
}

export async function readPasswordHash(kernel: PrivacyKernel, db: Db, user: UserRow, actor: Actor): Promise<string> {
  const record = await kernel.read(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, categories: [CREDENTIALS], ref: '' });
  const hash = record.values[CREDENTIALS];
  if (typeof hash !== 'string') throw new Error('accounts: the user has no password hash');
  return hash;
}

export async function writePasswordHash(kernel: PrivacyKernel, db: Db, user: UserRow, hash: string, actor: Actor): Promise<void> {
  await kernel.write(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, values: { [CREDENTIALS]: hash } });
}
