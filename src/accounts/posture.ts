// What the security self-check (src/security) may know of staff accounts: for each active staff
// member, the role, whether a second factor is set up and when the password last changed. Whether
// the second factor exists is read through the kernel as the declared job `security.selfcheck`
// (audited); the secret itself never leaves this file.
import type { Db } from '../platform/db/database.ts';
import { type PrivacyKernel, type StaffRole, systemActor } from '../privacy/index.ts';
import { totpOf } from './second-factor.ts';
import { accountsDb } from './tables.ts';

export interface StaffPosture {
  id: string;
  role: StaffRole;
  secondFactor: boolean;
  passwordChangedAt: Date;
}

export async function staffPosture(kernel: PrivacyKernel, db: Db): Promise<StaffPosture[]> {
  const actor = systemActor('security.selfcheck');
  const rows = await accountsDb(db).selectFrom('accounts_users').selectAll().where('kind', '=', 'staff').where('status', '=', 'active').orderBy('created_at').execute();
  const out: StaffPosture[] = [];
  for (const user of rows) {
    const secondFactor = (await totpOf(kernel, db, user, actor)) !== null;
    out.push({ id: user.id, role: user.role as StaffRole, secondFactor, passwordChangedAt: user.password_changed_at });
  }
  return out;
}
