// The accounts_users repository: who can sign in, of what kind, linked to a kernel subject.
import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/db/database.ts';
import type { StaffRole } from '../privacy/index.ts';
import { accountsDb, type UserKind, type UserOrigin, type UserRow, type UserStatus } from './tables.ts';

export async function insertUser(
  db: Db,
  u: { kind: UserKind; subjectId: string; status: UserStatus; role?: StaffRole | null; vendorId?: string | null; origin?: UserOrigin; now: Date },
): Promise<UserRow> {
  return accountsDb(db)
    .insertInto('accounts_users')
    .values({
      id: randomUUID(),
      kind: u.kind,
      subject_id: u.subjectId,
      status: u.status,
      role: u.role ?? null,
      vendor_id: u.vendorId ?? null,
      password_changed_at: u.now,
      created_at: u.now,
      activated_at: u.status === 'active' ? u.now : null,
      origin: u.origin ?? (u.kind === 'customer' ? 'signup' : 'invitation'),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function userById(db: Db, id: string): Promise<UserRow | null> {
  return (await accountsDb(db).selectFrom('accounts_users').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function usersOfSubjects(db: Db, subjectIds: readonly string[], kind: UserKind): Promise<UserRow[]> {
  if (subjectIds.length === 0) return [];
  return accountsDb(db)
    .selectFrom('accounts_users')
    .selectAll()
    .where('subject_id', '=', (eb) => eb.fn.any(eb.val([...subjectIds])))
    .where('kind', '=', kind)
    .orderBy('created_at')
    .execute();
}

export async function activateUser(db: Db, id: string, now: Date): Promise<boolean> {
  const rows = await accountsDb(db).updateTable('accounts_users').set({ status: 'active', activated_at: now }).where('id', '=', id).where('status', '=', 'pending').returning('id').execute();
  return rows.length > 0;
}

export async function markPasswordChanged(db: Db, id: string, now: Date): Promise<void> {
  await accountsDb(db).updateTable('accounts_users').set({ password_changed_at: now }).where('id', '=', id).execute();
}

/** The active users of a vendor, oldest first (to alert them by mail). */
export async function activeVendorUsersOf(db: Db, vendorId: string): Promise<{ id: string; subject_id: string }[]> {
  return accountsDb(db)
    .selectFrom('accounts_users')
    .select(['id', 'subject_id'])
    .where('kind', '=', 'vendor')
    .where('status', '=', 'active')
    .where('vendor_id', '=', vendorId)
    .orderBy('created_at')
    .execute();
}

/** Active staff of these roles, oldest first (to alert or remind them by mail). */
export async function activeStaffOf(db: Db, roles: readonly StaffRole[]): Promise<{ id: string; subject_id: string; role: StaffRole }[]> {
  return accountsDb(db)
    .selectFrom('accounts_users')
    .select(['id', 'subject_id', 'role'])
    .where('kind', '=', 'staff')
    .where('status', '=', 'active')
    .where('role', '=', (eb) => eb.fn.any(eb.val([...roles])))
    .orderBy('created_at')
    .$narrowType<{ role: StaffRole }>()
    .execute();
}

/** The roles of these staff ids, for labels such as "support 1a2b3c4d" (unknown ids are left out). */
export async function staffRolesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const valid = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (valid.length === 0) return new Map();
  const rows = await accountsDb(db)
    .selectFrom('accounts_users')
    .select(['id', 'role'])
    .where('id', '=', (eb) => eb.fn.any(eb.val(valid)))
    .execute();
  return new Map(rows.map((r) => [r.id, r.role ?? 'staff']));
}
