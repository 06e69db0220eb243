// What a customer can do with their account: sign up (confirmed by email), sign in, change the
// password or the sign-in email, reset a forgotten password. Each command takes the caller's
// database handle (a transaction, except sign-in, whose failure count must outlive the answer).
import { recordCollectionConsents } from './collection-consents.ts';
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError, checkFields, validationError } from '../platform/errors.ts';
import { selfActor, systemActor, type PrivacyKernel } from '../privacy/index.ts';
import type { ActiveSession } from './sessions.ts';
import { createSession, endSessionsOf } from './sessions.ts';
import { ACCOUNT_PURPOSE, AGE, CREDENTIALS, EMAIL, NAME, PENDING_EMAIL_REF, findAccount, readDecoyHash, readPasswordHash, readProfile, writePasswordHash, type Candidate } from './identity.ts';
import type { AccountMailer } from './mail.ts';
import { customerRules, passwordProblem, staffRules, type PasswordRules } from './password-policy.ts';
import { currentParams, hashPassword, needsRehash, verifyPassword, type Argon2Params } from './passwords.ts';
import { alertStaff, noticeNewNetwork } from './alerts.ts';
import { isKnownNetwork, noteSignInNetwork } from './networks.ts';
import { recordSecurityEvent } from './security-events.ts';
import { mayMail, throttledMail } from './mail-throttle.ts';
import type { UserKind, UserRow } from './tables.ts';
import { clearEmail, normaliseEmail, recordFailure, releaseAttempt, reserveAttempt, settleFailure, settleSuccess, throttleKeys, type ThrottlePolicy } from './throttle.ts';
import { liveSetPasswordToken } from './set-password-link.ts';
import { consumeToken, issueToken } from './tokens.ts';
import { activateUser, insertUser, markPasswordChanged, userById } from './users.ts';

export interface AccountsDeps {
  kernel: PrivacyKernel;
  /** Subject id of the decoy an unknown email is checked against (identity.ts). */
  decoy: string;
  mail: AccountMailer;
  throttleSecret: Buffer;
  publicUrl: string;
  shopName: string;
  now(): Date;
  /** Lockout limits (LOGIN_LOCK_* settings); default: defaultThrottle. */
  throttle?: ThrottlePolicy;
  /** STAFF_PASSWORD_MAX_AGE_DAYS; default 90. */
  staffPasswordMaxAgeDays?: number;
  /** Argon2id costs of new hashes; default currentParams. Only tests lower them (decision 0031). */
  passwordCosts?: Argon2Params;
}

export type AgeStatement = 'adult' | 'parental-consent';
const ageStatements: readonly string[] = ['adult', 'parental-consent'] satisfies AgeStatement[];

/** The statement of age a person may make (P003-22), as sign-up, checkout and a correction check it. */
export function checkAgeStatement(field: string, value: string): AgeStatement {
  if (!ageStatements.includes(value)) throw validationError(field, 'must be adult or parental-consent');
  return value as AgeStatement;
}

const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

const fail = (field: string, message: string): never => {
  throw validationError(field, message);
};

export function checkEmail(field: string, email: string): string {
  const value = email.normalize('NFKC').trim();
  if (value.length > 254 || !EMAIL_PATTERN.test(value)) throw validationError(field, 'must be an email address such as name@example.com');
  return value;
}

function checkName(field: string, name: string): string {
  const value = name.normalize('NFKC').trim();
  if (value.length < 1 || value.length > 200) throw validationError(field, 'must be 1 to 200 characters');
  return value;
}

export function checkNewPassword(field: string, password: string, personal: string[], rules: PasswordRules = customerRules): void {
  const problem = passwordProblem(password, rules, personal);
  if (problem) throw validationError(field, problem);
}

/** Serialises work on one email address (two sign-ups at once must not make two accounts). */
export async function lockEmail(deps: AccountsDeps, db: Db, email: string): Promise<void> {
  const key = createHmac('sha256', deps.throttleSecret)
    .update(`email-lock\0${normaliseEmail(email)}`)
    .digest('hex');
  // An advisory lock reads no table: plain SQL says it best (allow-listed in test/architecture/accounts-queries.test.ts).
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(db);
}

const link = (deps: AccountsDeps, path: string, token: string) => `${deps.publicUrl}${path}?token=${token}`;

export type SignUpOutcome = 'created' | 'existing' | 'resent';

/** How long the set-password link of an account made at checkout works. */
export const SET_PASSWORD_MS = 7 * 86_400_000;

/** Mails the owner of an account made at checkout the link to choose a password (and so sign in): the live one again, if any (decision 0038). */
export async function mailSetPassword(deps: AccountsDeps, db: Db, user: UserRow, now: Date): Promise<void> {
  await mailSetPasswordLink(deps, db, user, await liveSetPasswordToken(deps.kernel, db, user, now, SET_PASSWORD_MS));
}

/** The set-password mail for a token already issued (a `reset-password` token of SET_PASSWORD_MS). */
export async function mailSetPasswordLink(deps: AccountsDeps, db: Db, user: UserRow, token: string): Promise<void> {
  await deps.mail(db, {
    template: 'accounts.checkout-account',
    subject: user.subject_id,
    addressRef: '',
    params: { link: link(deps, '/account/reset/confirm', token), login: `${deps.publicUrl}/account/login` },
  });
}

/**
 * Sign-up. The answer is the same whether or not the email has an account ("check your inbox"):
 * a new address gets a confirmation link, a known one a note that it already has an account.
 */
/**
 * Consents ticked on the form (`consents`) are recorded only for a new account: an address that
 * already has one gets the same answer, and nothing of the form changes that account.
 */
export async function signUp(
  allDeps: AccountsDeps,
  db: Db,
  input: { name: string; email: string; password: string; age: AgeStatement; consents?: readonly string[] },
  hash: string,
  ip?: string,
): Promise<SignUpOutcome> {
  const actor = systemActor('accounts.signup');
  const now = allDeps.now();
  await lockEmail(allDeps, db, input.email);
  // Past the allowance the same work is done, without the mail (mail-throttle.ts).
  const deps = await throttledMail(allDeps, db, input.email, ip);
  const existing = await findAccount(deps.kernel, db, input.email, 'customer', actor);
  if (existing && existing.hash === null) {
    // Made at checkout and never given a password: the sign-up's password is not taken (the link
    // proves the address first); the mail offers the set-password link again.
    await mailSetPassword(deps, db, existing.user, now);
    return 'resent';
  }
  if (existing && existing.user.status === 'pending') {
    const token = await issueToken(db, existing.user.id, 'confirm-signup', now);
    await deps.mail(db, { template: 'accounts.confirm-signup', subject: existing.user.subject_id, addressRef: '', params: { link: link(deps, '/account/confirm', token) } });
    return 'resent';
  }
  if (existing) {
    await deps.mail(db, {
      template: 'accounts.signup-existing',
      subject: existing.user.subject_id,
      addressRef: '',
      params: { login: `${deps.publicUrl}/account/login`, reset: `${deps.publicUrl}/account/reset` },
    });
    return 'existing';
  }
  const subject = await deps.kernel.createSubject(db, { kind: 'customer', actor, purpose: ACCOUNT_PURPOSE });
  await deps.kernel.write(db, {
    subject,
    actor,
    purpose: ACCOUNT_PURPOSE,
    values: { [NAME]: input.name, [EMAIL]: input.email, [CREDENTIALS]: hash, [AGE]: { statement: input.age } },
  });
  await recordCollectionConsents(deps.kernel, db, subject, input.consents ?? [], 'sign-up form');
  const user = await insertUser(db, { kind: 'customer', subjectId: subject, status: 'pending', now });
  const token = await issueToken(db, user.id, 'confirm-signup', now);
  await deps.mail(db, { template: 'accounts.confirm-signup', subject, addressRef: '', params: { link: link(deps, '/account/confirm', token) } });
  return 'created';
}

/** The sign-up's own field checks (name, email shape, password strength), every failure at once. */
export function checkSignUpFields(input: { name: string; email: string; password: string }): { name: string; email: string } {
  let name = input.name;
  let email = input.email;
  checkFields([
    () => (name = checkName('body.name', input.name)),
    () => (email = checkEmail('body.email', input.email)),
    () => checkNewPassword('body.password', input.password, [input.name.normalize('NFKC').trim(), input.email.normalize('NFKC').trim()]),
  ]);
  return { name, email };
}

/** Checks and normalises sign-up input and hashes the password (before any transaction: it is slow). */
export async function prepareSignUp(
  input: { name: string; email: string; password: string; age: AgeStatement; consents?: readonly string[] },
  costs: Argon2Params = currentParams,
): Promise<{ input: typeof input; hash: string }> {
  const { name, email } = checkSignUpFields(input);
  return { input: { ...input, name, email }, hash: await hashPassword(input.password, costs) };
}

/** Confirms a sign-up link: the account becomes active and is signed in. */
export async function confirmSignUp(deps: AccountsDeps, db: Db, token: string): Promise<{ user: UserRow; token: string; session: ActiveSession }> {
  const now = deps.now();
  const userId = await consumeToken(db, token, 'confirm-signup', now);
  const user = userId ? await userById(db, userId) : null;
  if (!user || !(await activateUser(db, user.id, now))) throw invalidLink();
  const active = { ...user, status: 'active' as const, activated_at: now };
  return { user: active, ...(await createSession(db, active, now)) };
}

export function invalidLink(): AppError {
  return new AppError('LINK_INVALID');
}

export type LoginResult = { ok: true; user: UserRow } | { ok: false; reason: 'wrong' | 'locked' | 'pending' | 'deactivated'; user?: UserRow };

/**
 * Sign-in. An unknown email and a wrong password take the same path: one blind-index lookup, one
 * kernel read, one known-network query, one attempt reserved and one Argon2id verification (of the
 * decoy when there is no account). The attempt is reserved atomically BEFORE the hash is checked,
 * so concurrent guesses check at most the allowed number; it counts under the email as typed, in
 * a separate count for networks the account has signed in from before (decision 0029). Locked
 * answers do not depend on the account either.
 */
export async function logIn(deps: AccountsDeps, db: Db, input: { email: string; password: string; ip: string; kind: UserKind }): Promise<LoginResult> {
  const now = deps.now();
  let candidate: Candidate | null = null;
  if (input.email.length <= 254) candidate = await findAccount(deps.kernel, db, input.email, input.kind);
  const hash = candidate?.hash ?? (await readDecoyHash(deps.kernel, db, deps.decoy));
  const known = await isKnownNetwork(db, deps.kernel, candidate?.user ?? null, deps.decoy, input.ip);
  const keys = throttleKeys(deps.throttleSecret, input.email, input.ip, { known });
  const reserved = await reserveAttempt(db, keys, now, deps.throttle);
  if (!reserved.granted) {
    await recordSecurityEvent(db, { kind: 'login-failed', at: now, detail: { reason: 'locked', account_locked: reserved.account, source_locked: reserved.source } });
    return { ok: false, reason: 'locked' };
  }
  const matches = await verifyPassword(hash, input.password);
  if (!candidate?.hash || !matches || candidate.user.status === 'disabled' || candidate.user.status === 'erasing') {
    const locking = await settleFailure(db, keys, now, deps.throttle);
    await recordSecurityEvent(db, { kind: 'login-failed', at: now, userId: candidate?.user.id ?? null, detail: { reason: 'wrong' } });
    if (locking.account) {
      await recordSecurityEvent(db, { kind: 'login-locked', at: now, userId: candidate?.user.id ?? null });
      await alertStaff(deps, db, 'login-locked', now);
    }
    if (locking.source) {
      await recordSecurityEvent(db, { kind: 'source-locked', at: now });
      await alertStaff(deps, db, 'source-locked', now);
    }
    return { ok: false, reason: locking.account || locking.source ? 'locked' : 'wrong' };
  }
  if (candidate.user.status === 'pending') {
    await releaseAttempt(db, keys);
    return { ok: false, reason: 'pending' };
  }
  await settleSuccess(db, keys);
  // The right password of a deactivated account: the caller offers to reactivate it (rights module).
  if (candidate.user.status === 'deactivated') return { ok: false, reason: 'deactivated', user: candidate.user };
  if (await noteSignInNetwork(db, deps.kernel, candidate.user, input.ip, now)) await noticeNewNetwork(deps, db, candidate.user, now);
  const costs = deps.passwordCosts ?? currentParams;
  if (needsRehash(candidate.hash, costs)) await writePasswordHash(deps.kernel, db, candidate.user, await hashPassword(input.password, costs), systemActor('accounts.login'));
  return { ok: true, user: candidate.user };
}

/** Whether `password` is the user's own; a wrong one counts as a failed sign-in of their email. */
export async function confirmOwnPassword(deps: AccountsDeps, db: Db, user: UserRow, password: string, ip: string): Promise<boolean> {
  const actor = selfActor(user.subject_id);
  if (await verifyPassword(await readPasswordHash(deps.kernel, db, user, actor), password)) return true;
  const profile = await readProfile(deps.kernel, db, user, actor);
  await recordFailure(db, throttleKeys(deps.throttleSecret, profile.email, ip), deps.now(), deps.throttle);
  await recordSecurityEvent(db, { kind: 'login-failed', at: deps.now(), userId: user.id, detail: { reason: 'wrong-confirmation-password' } });
  return false;
}

/** Password change: the old password stops working at once and every session ends; a new one is issued here. */
export async function changePassword(deps: AccountsDeps, db: Db, session: ActiveSession, input: { current: string; next: string; ip: string }): Promise<{ token: string; session: ActiveSession }> {
  const { user } = session;
  const actor = selfActor(user.subject_id);
  const now = deps.now();
  const profile = await readProfile(deps.kernel, db, user, actor);
  const wrongCurrent = !(await verifyPassword(await readPasswordHash(deps.kernel, db, user, actor), input.current));
  if (wrongCurrent) {
    await recordFailure(db, throttleKeys(deps.throttleSecret, profile.email, input.ip), now, deps.throttle);
    await recordSecurityEvent(db, { kind: 'login-failed', at: now, userId: user.id, detail: { reason: 'wrong-current-password' } });
  }
  // Every problem at once: a wrong current password and a weak new one are named together.
  checkFields([
    () => wrongCurrent && fail('body.current_password', 'is not your current password'),
    () => checkNewPassword('body.new_password', input.next, [profile.name, profile.email], user.kind === 'staff' ? staffRules : customerRules),
    () => input.next === input.current && fail('body.new_password', 'must differ from the current password'),
  ]);
  await writePasswordHash(deps.kernel, db, user, await hashPassword(input.next, deps.passwordCosts), actor);
  await markPasswordChanged(db, user.id, now);
  await endSessionsOf(db, user.id);
  await deps.mail(db, { template: 'accounts.password-changed', subject: user.subject_id, addressRef: '', params: { reset: `${deps.publicUrl}/account/reset` } });
  return createSession(db, { ...user, password_changed_at: now }, now);
}

/**
 * Asks to change the sign-in email: the new address gets a confirmation link, the old one a
 * notice. If the new address already has an account, it is told so instead (same answer here).
 */
export async function requestEmailChange(deps: AccountsDeps, db: Db, session: ActiveSession, input: { email: string; password: string; ip: string }): Promise<void> {
  const { user } = session;
  const actor = selfActor(user.subject_id);
  const now = deps.now();
  const profile = await readProfile(deps.kernel, db, user, actor);
  const wrongPassword = !(await verifyPassword(await readPasswordHash(deps.kernel, db, user, actor), input.password));
  if (wrongPassword) await recordFailure(db, throttleKeys(deps.throttleSecret, profile.email, input.ip), now, deps.throttle);
  let email = input.email;
  checkFields([() => (email = checkEmail('body.new_email', input.email)), () => wrongPassword && fail('body.password', 'is not your current password')]);
  if (normaliseEmail(email) === normaliseEmail(profile.email)) throw validationError('body.new_email', 'is already your sign-in email');
  await deps.kernel.write(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, ref: PENDING_EMAIL_REF, values: { [EMAIL]: email } });
  await lockEmail(deps, db, email);
  const taken = await findAccount(deps.kernel, db, email, 'customer', systemActor('accounts.email-change'));
  if (taken) {
    await deps.mail(db, { template: 'accounts.email-in-use', subject: user.subject_id, addressRef: PENDING_EMAIL_REF, params: {} });
  } else {
    const token = await issueToken(db, user.id, 'change-email', now);
    await deps.mail(db, { template: 'accounts.confirm-email-change', subject: user.subject_id, addressRef: PENDING_EMAIL_REF, params: { link: link(deps, '/account/email/confirm', token) } });
  }
  await deps.mail(db, { template: 'accounts.email-change-notice', subject: user.subject_id, addressRef: '', params: { reset: `${deps.publicUrl}/account/reset` } });
}

/** Confirms the new sign-in email from its link. */
export async function confirmEmailChange(deps: AccountsDeps, db: Db, token: string): Promise<UserRow> {
  const actor = systemActor('accounts.email-change');
  const now = deps.now();
  const userId = await consumeToken(db, token, 'change-email', now);
  const user = userId ? await userById(db, userId) : null;
  if (user?.status !== 'active') throw invalidLink();
  const pending = (await deps.kernel.read(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, categories: [EMAIL], ref: PENDING_EMAIL_REF })).values[EMAIL];
  if (typeof pending !== 'string') throw invalidLink();
  await lockEmail(deps, db, pending);
  const taken = await findAccount(deps.kernel, db, pending, 'customer', actor);
  if (taken && taken.user.id !== user.id) throw new AppError('CONFLICT', 'This email address now belongs to another account.');
  await deps.kernel.write(db, { subject: user.subject_id, actor, purpose: ACCOUNT_PURPOSE, values: { [EMAIL]: pending } });
  return user;
}

/** Sends a reset link if the email has an active account (and the mail allowance has room); the answer never says whether it has. */
export async function requestReset(deps: AccountsDeps, db: Db, input: { email: string; ip?: string }): Promise<void> {
  const email = checkEmail('body.email', input.email);
  if (!(await mayMail(deps, db, email, input.ip))) return;
  const found = await findAccount(deps.kernel, db, email, 'customer', systemActor('accounts.reset'));
  // A pending account may set its password by this link too: the link proves the address.
  if (!found || found.user.status === 'disabled') return;
  const token = await issueToken(db, found.user.id, 'reset-password', deps.now());
  await deps.mail(db, { template: 'accounts.reset-password', subject: found.user.subject_id, addressRef: '', params: { link: link(deps, '/account/reset/confirm', token) } });
}

/** Sets a new password from a reset link: every session ends, the lockout of that email lifts. */
export async function completeReset(deps: AccountsDeps, db: Db, input: { token: string; password: string }): Promise<{ user: UserRow; token: string; session: ActiveSession }> {
  const actor = systemActor('accounts.reset');
  const now = deps.now();
  const userId = await consumeToken(db, input.token, 'reset-password', now);
  const found = userId ? await userById(db, userId) : null;
  if (!found || found.status === 'disabled') throw invalidLink();
  // The link proves the address, so it also confirms a pending account (made at sign-up or checkout).
  if (found.status === 'pending') await activateUser(db, found.id, now);
  const user: UserRow = found.status === 'pending' ? { ...found, status: 'active', activated_at: now } : found;
  const profile = await readProfile(deps.kernel, db, user, actor);
  checkNewPassword('body.new_password', input.password, [profile.name, profile.email], user.kind === 'staff' ? staffRules : customerRules);
  await writePasswordHash(deps.kernel, db, user, await hashPassword(input.password, deps.passwordCosts), actor);
  await markPasswordChanged(db, user.id, now);
  await endSessionsOf(db, user.id);
  await clearEmail(db, deps.throttleSecret, profile.email);
  const fresh = { ...user, password_changed_at: now };
  return { user: fresh, ...(await createSession(db, fresh, now)) };
}
