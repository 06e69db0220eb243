// Staff accounts (P002-22, P003-07): created by an owner (or, for the first owner, by the
// `custodian staff create` command), each with one role from the data map. The new member gets a
// mailed link to choose their own password, which must meet the staff rules; nobody else ever
// knows it. Their name and email are kernel items of a subject of kind 'staff'.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { checkFields, conflict, notFound, validationError } from '../platform/errors.ts';
import { SubjectErased, staffRoles, systemActor, type Actor, type StaffRole } from '../privacy/index.ts';
import type { AccountsDeps } from './customers.ts';
import { checkEmail } from './customers.ts';
import { ACCOUNT_PURPOSE, CREDENTIALS, EMAIL, NAME, readProfile, writePasswordHash } from './identity.ts';
import { hashPassword } from './passwords.ts';
import { accountsDb, type UserRow } from './tables.ts';
import { endSessionsOf } from './sessions.ts';
import { issueToken, randomToken } from './tokens.ts';
import { insertUser } from './users.ts';

/** How long an invitation link works. */
export const INVITATION_MS = 72 * 3_600_000;

export function checkRole(field: string, role: string): StaffRole {
  if (!(staffRoles as readonly string[]).includes(role)) throw validationError(field, `must be one of ${staffRoles.join(', ')}`);
  return role as StaffRole;
}

/** A new staff member's fields (role, email shape, name), every failure at once. */
export function checkStaffFields(input: { name: string; email: string; role: string }): { role: StaffRole; email: string; name: string } {
  let role = input.role as StaffRole;
  let email = input.email;
  const name = input.name.normalize('NFKC').trim();
  checkFields([
    () => (role = checkRole('body.role', input.role)),
    () => (email = checkEmail('body.email', input.email)),
    () => {
      if (name.length < 1 || name.length > 200) throw validationError('body.name', 'must be 1 to 200 characters');
    },
  ]);
  return { role, email, name };
}

/** Creates a staff member and mails them a link to set their password; returns the user and that link. */
export async function createStaff(deps: AccountsDeps, db: Db, input: { name: string; email: string; role: string; actor: Actor }): Promise<{ user: UserRow; link: string }> {
  const { role, email, name } = checkStaffFields(input);
  const now = deps.now();
  if (await findStaffByEmail(deps, db, email, input.actor)) throw conflict('A staff member already signs in with this email.', 'body.email');
  const subject = await deps.kernel.createSubject(db, { kind: 'staff', actor: input.actor, purpose: ACCOUNT_PURPOSE });
  await deps.kernel.write(db, { subject, actor: input.actor, purpose: ACCOUNT_PURPOSE, values: { [NAME]: name, [EMAIL]: email } });
  const user = await insertUser(db, { kind: 'staff', subjectId: subject, status: 'active', role, now });
  const token = await issueToken(db, user.id, 'reset-password', now, INVITATION_MS);
  const link = `${deps.publicUrl}/staff/password/set?token=${token}`;
  await deps.mail(db, { template: 'accounts.staff-invitation', subject, addressRef: '', params: { link, role } });
  return { user, link };
}

/** A staff member by email, whether or not they have set a password yet. */
async function findStaffByEmail(deps: AccountsDeps, db: Db, email: string, actor: Actor): Promise<UserRow | null> {
  const subjects = await deps.kernel.findSubjects(db, { category: EMAIL, value: email, actor, purpose: ACCOUNT_PURPOSE });
  if (subjects.length === 0) return null;
  const rows = await accountsDb(db)
    .selectFrom('accounts_users')
    .selectAll()
    .where('kind', '=', 'staff')
    .where('subject_id', '=', (eb) => eb.fn.any(eb.val(subjects)))
    .execute();
  for (const user of rows) {
    const profile = await readProfile(deps.kernel, db, user, actor);
    if (profile.email.trim().toLowerCase() === email.trim().toLowerCase()) return user;
  }
  return null;
}

export interface StaffListing {
  id: string;
  role: StaffRole;
  status: string;
  name: string;
  email: string;
  passwordChangedAt: Date;
}

/** Every staff member with name and email, read by `actor` (an owner) under 'account': each read is audited. */
export async function listStaff(deps: AccountsDeps, db: Db, actor: Actor): Promise<StaffListing[]> {
  const rows = await accountsDb(db).selectFrom('accounts_users').selectAll().where('kind', '=', 'staff').orderBy('created_at').execute();
  const out: StaffListing[] = [];
  for (const user of rows) {
    const profile = await readProfile(deps.kernel, db, user, actor);
    out.push({ id: user.id, role: user.role!, status: user.status, name: profile.name, email: profile.email, passwordChangedAt: user.password_changed_at });
  }
  return out;
}

/**
 * How staff members are named to `reader` on a record of who did what (a change log): their names,
 * read under 'account' (each read audited), when the reader's role may read staff names; otherwise
 * each one's role. A member no longer known, or erased, is "former staff member".
 */
export async function staffLabels(deps: AccountsDeps, db: Db, ids: readonly string[], reader: Actor): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return out;
  const rows = await accountsDb(db).selectFrom('accounts_users').selectAll().where('kind', '=', 'staff').where('id', 'in', wanted).execute();
  const grant = reader.kind === 'staff' ? deps.kernel.map.roles.get(reader.role) : undefined;
  const mayRead = grant?.purposes.has(ACCOUNT_PURPOSE) === true && grant.categories.has(NAME);
  for (const user of rows) {
    if (!mayRead) {
      out.set(user.id, `a staff member (${user.role})`);
      continue;
    }
    try {
      const record = await deps.kernel.read(db, { subject: user.subject_id, actor: reader, purpose: ACCOUNT_PURPOSE, categories: [NAME], ref: '' });
      out.set(user.id, String(record.values[NAME] ?? `a staff member (${user.role})`));
    } catch (err) {
      if (!(err instanceof SubjectErased)) throw err;
    }
  }
  for (const id of wanted) if (!out.has(id)) out.set(id, 'former staff member');
  return out;
}

/**
 * An owner changes a staff member's role or disables them (every session of theirs ends at once).
 * There is always at least one active owner: the last one can be neither demoted nor disabled.
 */
export async function updateStaff(db: Db, input: { id: string; role?: string; status?: 'active' | 'disabled'; by: UserRow }): Promise<UserRow> {
  const role = input.role === undefined ? undefined : checkRole('body.role', input.role);
  // An advisory lock reads no table: plain SQL says it best (allow-listed in test/architecture/accounts-queries.test.ts).
  await sql`select pg_advisory_xact_lock(7200301015)`.execute(db);
  const t = accountsDb(db);
  const user = await t.selectFrom('accounts_users').selectAll().where('id', '=', input.id).where('kind', '=', 'staff').executeTakeFirst();
  if (!user) throw notFound('The staff member');
  const nextRole = role ?? user.role!;
  const nextStatus = input.status ?? (user.status === 'disabled' ? 'disabled' : 'active');
  if (user.role === 'owner' && user.status === 'active' && (nextRole !== 'owner' || nextStatus !== 'active')) {
    const owners = await t
      .selectFrom('accounts_users')
      .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('n'))
      .where('kind', '=', 'staff')
      .where('role', '=', 'owner')
      .where('status', '=', 'active')
      .executeTakeFirst();
    if ((owners?.n ?? 0) <= 1) throw conflict('The shop needs at least one active owner.', role !== undefined && nextRole !== 'owner' ? 'body.role' : 'body.status');
  }
  const updated = await t.updateTable('accounts_users').set({ role: nextRole, status: nextStatus }).where('id', '=', user.id).returningAll().executeTakeFirstOrThrow();
  if (nextStatus === 'disabled' || nextRole !== user.role) await endSessionsOf(db, user.id);
  return updated;
}

/**
 * For a staff member who forgot their password or lost their second factor: both are wiped (the
 * password replaced by a random one nobody knows), their sessions end, and a new invitation link
 * is mailed. Only that link lets them back in, and they set up a new second factor after it.
 */
export async function reinviteStaff(deps: AccountsDeps, db: Db, input: { id: string }): Promise<{ user: UserRow; link: string }> {
  const user = await accountsDb(db).selectFrom('accounts_users').selectAll().where('id', '=', input.id).where('kind', '=', 'staff').where('status', '=', 'active').executeTakeFirst();
  if (!user) throw notFound('The active staff member');
  const actor = systemActor('accounts.reinvite');
  await writePasswordHash(deps.kernel, db, user, await hashPassword(randomToken(), deps.passwordCosts), actor);
  await deps.kernel.write(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, ref: 'totp', values: { [CREDENTIALS]: null } });
  await endSessionsOf(db, user.id);
  const token = await issueToken(db, user.id, 'reset-password', deps.now(), INVITATION_MS);
  const link = `${deps.publicUrl}/staff/password/set?token=${token}`;
  await deps.mail(db, { template: 'accounts.staff-invitation', subject: user.subject_id, addressRef: '', params: { link, role: user.role! } });
  return { user, link };
}
