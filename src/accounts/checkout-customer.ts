// The customer of a guest checkout (P000-10): the account of the email typed at checkout, or a new
// pending one. The caller cannot tell which: both answers have the same shape, both take the same
// kind of work (a blind-index lookup, a few kernel statements and one queued mail, no password
// hashing), and the difference is told only to the mailbox's owner. An existing account's data is
// never changed here; the order keeps its own copies under `order:<id>` refs (checkout does that).
import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/db/database.ts';
import { compiledOnce } from '../platform/db/compiled-once.ts';
import { validationError } from '../platform/errors.ts';
import { systemActor } from '../privacy/index.ts';
import { checkAgeStatement, checkEmail, lockEmail, mailSetPassword, mailSetPasswordLink, SET_PASSWORD_MS, type AccountsDeps, type AgeStatement } from './customers.ts';
import { ACCOUNT_PURPOSE, AGE, EMAIL, NAME, findAccount } from './identity.ts';
import { throttledMail } from './mail-throttle.ts';
import { accountsDb, type UserRow } from './tables.ts';
import { networkDigest } from './networks.ts';
import { digestToken, randomToken } from './tokens.ts';
import { sealToken } from './set-password-link.ts';

export interface CheckoutCustomerInput {
  name: string;
  email: string;
  /** The buyer's statement of age (P003-22): of age, or a parent consents. */
  age: AgeStatement;
  /** The buyer's address: its network becomes the account's first known network (never stored as such). */
  ip: string;
}

export interface CheckoutCustomer {
  /** The kernel subject the order's personal items are written to. */
  subject: string;
  userId: string;
  /** True when the account was made now. Do not show it to the buyer: it tells whether an email has an account. */
  created: boolean;
}

/** Finds or makes the buyer's customer account, inside the checkout's transaction. */
export async function customerForCheckout(allDeps: AccountsDeps, db: Db, input: CheckoutCustomerInput): Promise<CheckoutCustomer> {
  const actor = systemActor('accounts.checkout');
  const now = allDeps.now();
  const email = checkEmail('body.email', input.email);
  const name = input.name.normalize('NFKC').trim();
  if (name.length < 1 || name.length > 200) throw validationError('body.name', 'must be 1 to 200 characters');
  checkAgeStatement('body.age', input.age);
  await lockEmail(allDeps, db, email);
  // Anyone can type any address at checkout: past the allowance the order goes on without the mail (mail-throttle.ts).
  const deps = await throttledMail(allDeps, db, email, input.ip);
  const existing = await findAccount(deps.kernel, db, email, 'customer', actor);
  if (existing) {
    if (existing.hash === null && existing.user.status === 'pending') await mailSetPassword(deps, db, existing.user, now);
    else
      await deps.mail(db, {
        template: 'accounts.checkout-existing',
        subject: existing.user.subject_id,
        addressRef: '',
        params: { login: `${deps.publicUrl}/account/login`, reset: `${deps.publicUrl}/account/reset` },
      });
    return { subject: existing.user.subject_id, userId: existing.user.id, created: false };
  }
  const subject = await deps.kernel.createSubject(db, { kind: 'customer', actor, purpose: ACCOUNT_PURPOSE, values: { [NAME]: name, [EMAIL]: email, [AGE]: { statement: input.age } } });
  const { user, token } = await insertCheckoutUser(deps, db, subject, input.ip, now);
  await mailSetPasswordLink(deps, db, user, token);
  return { subject, userId: user.id, created: true };
}

const insertCheckoutUserStatement = compiledOnce(
  ['id', 'subject', 'now', 'network', 'tokenHash', 'expiresAt', 'sealed'],
  (db, p: { id: string; subject: string; now: Date; network: Buffer; tokenHash: Buffer; expiresAt: Date; sealed: Buffer }) =>
    accountsDb(db)
      .with('u', (q) =>
        q
          .insertInto('accounts_users')
          .values({
            id: p.id,
            kind: 'customer',
            subject_id: p.subject,
            status: 'pending',
            role: null,
            vendor_id: null,
            password_changed_at: p.now,
            created_at: p.now,
            activated_at: null,
            origin: 'checkout',
          })
          .returningAll(),
      )
      .with('n', (q) => q.insertInto('accounts_known_networks').values({ user_id: p.id, network: p.network, first_seen_at: p.now, last_seen_at: p.now }))
      .with('t', (q) => q.insertInto('accounts_tokens').values({ token_hash: p.tokenHash, user_id: p.id, purpose: 'reset-password', created_at: p.now, expires_at: p.expiresAt, sealed: p.sealed }))
      .selectFrom('u')
      .selectAll(),
  { prepared: true },
);

/**
 * The new account, its first known network and its set-password token in one statement (one round
 * trip instead of four). The same rows as `insertUser`, `noteSignInNetwork` and `issueToken` write:
 * a new user has no earlier token to spend and no other network, so no "new network" event is due.
 */
async function insertCheckoutUser(deps: AccountsDeps, db: Db, subject: string, ip: string, now: Date): Promise<{ user: UserRow; token: string }> {
  const id = randomUUID();
  const token = randomToken();
  const sealed = await sealToken(deps.kernel, db, subject, token);
  const network = await networkDigest(deps.kernel, db, subject, ip);
  const { rows } = await db.executeQuery(insertCheckoutUserStatement(db, { id, subject, now, network, tokenHash: digestToken(token), expiresAt: new Date(now.getTime() + SET_PASSWORD_MS), sealed }));
  return { user: rows[0]!, token };
}
