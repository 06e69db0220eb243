// Vendor users: people at a vendor who sign in to the vendor portal, each scoped to one vendor
// (accounts_users.vendor_id). An owner adds them; their name and email are kernel items of a
// subject of kind 'vendor-contact'; like staff, they choose their own password from a mailed link.
import type { Db } from '../platform/db/database.ts';
import { conflict, notFound, validationError } from '../platform/errors.ts';
import { systemActor, type Actor } from '../privacy/index.ts';
import { getVendorById } from '../commerce/catalogue/index.ts';
import type { AccountsDeps } from './customers.ts';
import { checkEmail } from './customers.ts';
import { ACCOUNT_PURPOSE, EMAIL, NAME, findAccount } from './identity.ts';
import { INVITATION_MS } from './staff.ts';
import type { UserRow } from './tables.ts';
import { issueToken } from './tokens.ts';
import { insertUser } from './users.ts';

export async function createVendorUser(deps: AccountsDeps, db: Db, input: { name: string; email: string; vendorId: string; actor: Actor }): Promise<{ user: UserRow; link: string }> {
  const vendor = await getVendorById(db, input.vendorId);
  if (!vendor) throw notFound('The vendor');
  const email = checkEmail('body.email', input.email);
  const name = input.name.normalize('NFKC').trim();
  if (name.length < 1 || name.length > 200) throw validationError('body.name', 'must be 1 to 200 characters');
  if (await findAccount(deps.kernel, db, email, 'vendor', systemActor('accounts.vendor-users'))) throw conflict('A vendor user already signs in with this email.', 'body.email');
  const now = deps.now();
  const subject = await deps.kernel.createSubject(db, { kind: 'vendor-contact', actor: input.actor, purpose: ACCOUNT_PURPOSE });
  await deps.kernel.write(db, { subject, actor: input.actor, purpose: ACCOUNT_PURPOSE, values: { [NAME]: name, [EMAIL]: email } });
  const user = await insertUser(db, { kind: 'vendor', subjectId: subject, status: 'active', vendorId: vendor.id, now });
  const token = await issueToken(db, user.id, 'reset-password', now, INVITATION_MS);
  const link = `${deps.publicUrl}/vendor/password/set?token=${token}`;
  await deps.mail(db, { template: 'accounts.vendor-invitation', subject, addressRef: '', params: { link, vendor: vendor.name } });
  return { user, link };
}
