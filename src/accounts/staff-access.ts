// What a staff member may read of a customer: exactly what the data map grants their role, under
// a purpose they name. The kernel decides and audits every read; a refusal is also recorded here
// as an intrusion signal ("read outside a role", P002-19).
import type { Db } from '../platform/db/database.ts';
import { staffActor, type PersonalRecord, isPrivacyRefusal } from '../privacy/index.ts';
import type { AccountsDeps } from './customers.ts';
import { alertStaff } from './alerts.ts';
import { recordSecurityEvent } from './security-events.ts';
import type { UserRow } from './tables.ts';

export async function readAsStaff(deps: AccountsDeps, db: Db, staff: UserRow, request: { subject: string; purpose: string; categories: string[] }): Promise<PersonalRecord> {
  const actor = staffActor(staff.id, staff.role!);
  try {
    return await deps.kernel.read(db, { subject: request.subject, actor, purpose: request.purpose, categories: request.categories });
  } catch (err) {
    if (isPrivacyRefusal(err)) {
      await readOutsideRole(deps, db, staff, request.purpose, err.reason);
    }
    throw err;
  }
}

/** Customers whose email is `email` (exact, through the blind index), looked up by a staff member under a purpose. */
export async function findCustomersAsStaff(deps: AccountsDeps, db: Db, staff: UserRow, request: { email: string; purpose: string }): Promise<string[]> {
  const actor = staffActor(staff.id, staff.role!);
  try {
    return await deps.kernel.findSubjects(db, { category: 'user.contact.email', value: request.email, actor, purpose: request.purpose });
  } catch (err) {
    if (isPrivacyRefusal(err)) {
      await readOutsideRole(deps, db, staff, request.purpose, err.reason);
    }
    throw err;
  }
}

async function readOutsideRole(deps: AccountsDeps, db: Db, staff: UserRow, purpose: string, reason: string): Promise<void> {
  const at = deps.now();
  await recordSecurityEvent(db, { kind: 'read-outside-role', at, userId: staff.id, detail: { role: staff.role!, purpose, reason } });
  await alertStaff(deps, db, 'read-outside-role', at);
}
