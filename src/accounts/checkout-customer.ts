// The customer of a guest checkout (P000-10): the account of the email typed at checkout, or a new
// pending one. The caller cannot tell which: both answers have the same shape, both take the same
// kind of work (a blind-index lookup, a few kernel statements and one queued mail, no password
// hashing), and the difference is told only to the mailbox's owner. An existing account's data is
// never changed here; the order keeps its own copies under `order:<id>` refs (checkout does that).
import type { Db } from '../platform/db/database.ts';
import { validationError } from '../platform/errors.ts';
import { systemActor } from '../privacy/actors.ts';
import { checkEmail, lockEmail, mailSetPassword, type AccountsDeps, type AgeStatement } from './customers.ts';
import { ACCOUNT_PURPOSE, AGE, EMAIL, NAME, findAccount } from './identity.ts';
import { noteSignInNetwork } from './networks.ts';
import { insertUser } from './users.ts';

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

const ages: readonly string[] = ['adult', 'parental-consent'];

/** Finds or makes the buyer's customer account, inside the checkout's transaction. */
export async function customerForCheckout(deps: AccountsDeps, db: Db, input: CheckoutCustomerInput): Promise<CheckoutCustomer> {
  const actor = systemActor('accounts.checkout');
  const now = deps.now();
  const email = checkEmail('body.email', input.email);
  const name = input.name.normalize('NFKC').trim();
  if (name.length < 1 || name.length > 200) throw validationError('body.name', 'must be 1 to 200 characters');
  if (!ages.includes(input.age)) throw validationError('body.age', 'must be adult or parental-consent');
  await lockEmail(deps, db, email);
  const existing = await findAccount(deps.kernel, db, email, 'customer', actor);
  if (existing) {
    if (existing.hash === null && existing.user.status === 'pending') await mailSetPassword(deps, db, existing.user, now);
    else await deps.mail(db, { template: 'accounts.checkout-existing', subject: existing.user.subject_id, addressRef: '', params: { login: `${deps.publicUrl}/account/login`, reset: `${deps.publicUrl}/account/reset` } });
    return { subject: existing.user.subject_id, userId: existing.user.id, created: false };
  }
  const subject = await deps.kernel.createSubject(db, { kind: 'customer', actor, purpose: ACCOUNT_PURPOSE });
  await deps.kernel.write(db, { subject, actor, purpose: ACCOUNT_PURPOSE, values: { [NAME]: name, [EMAIL]: email, [AGE]: { statement: input.age } } });
  const user = await insertUser(db, { kind: 'customer', subjectId: subject, status: 'pending', origin: 'checkout', now });
  await noteSignInNetwork(db, deps.throttleSecret, user, input.ip, now);
  await mailSetPassword(deps, db, user, now);
  return { subject, userId: user.id, created: true };
}
