// The privacy officer acting from the command line (`custodian audit verify --re-anchor`,
// decision 0027): authenticated as at the staff sign-in's second step, by their sign-in email and a
// code from their authenticator app (or a recovery code), and only while they are an active staff
// member with role dpo. Accounts mints the actor, as it does for a session.
import type { Db } from '../platform/db/database.ts';
import { validationError } from '../platform/errors.ts';
import { staffActor, systemActor, type Actor, type PrivacyKernel } from '../privacy/index.ts';
import { findAccount } from './identity.ts';
import { checkSecondFactor } from './second-factor.ts';

const job = systemActor('cli.privacy-officer');

export async function privacyOfficerActor(kernel: PrivacyKernel, db: Db, input: { email: string; code: string; now: Date }): Promise<Actor> {
  const account = await findAccount(kernel, db, input.email, 'staff', job);
  const refused = () => validationError('dpo', 'and --code do not identify an active privacy officer (staff role dpo) with this second-factor code');
  if (account?.user.status !== 'active' || account.user.role !== 'dpo') throw refused();
  if (!(await checkSecondFactor(kernel, db, account.user, input.code, input.now))) throw refused();
  return staffActor(account.user.id, 'dpo');
}
