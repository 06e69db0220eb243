// The accounts_users repository: who can sign in, of what kind, linked to a kernel subject.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { StaffRole } from '../privacy/index.ts';
import type { UserKind, UserOrigin, UserRow, UserStatus } from './tables.ts';

export async function insertUser(
  db: Db,
  u: { kind: UserKind; subjectId: string; status: UserStatus; role?: StaffRole | null; vendorId?: string | null; origin?: UserOrigin; now: Date },
): Promise<UserRow> {
  const { rows } = await sql<UserRow>`
    insert into accounts_users (id, kind, subject_id, status, role, vendor_id, password_changed_at, created_at, activated_at, origin)
    values (${randomUUID()}::uuid, ${u.kind}, ${u.subjectId}::uuid, ${u.status}, ${u.role ?? null}, ${u.vendorId ?? null}::uuid, ${u.now}, ${u.now}, ${u.status === 'active' ? u.now : null}, ${u.origin ?? (u.kind === 'customer' ? 'signup' : 'invitation')})
    returning *`.execute(db);
  return rows[0]!;
}

export async function userById(db: Db, id: string): Promise<UserRow | null> {
  const { rows } = await sql<UserRow>`select * from accounts_users where id = ${id}::uuid`.execute(db);
  return rows[0] ?? null;
}

export async function usersOfSubjects(db: Db, subjectIds: readonly string[], kind: UserKind): Promise<UserRow[]> {
  if (subjectIds.length === 0) return [];
  const { rows } = await sql<UserRow>`
    select * from accounts_users where subject_id = any(${[...subjectIds]}::uuid[]) and kind = ${kind} order by created_at`.execute(db);
  return rows;
}

export async function activateUser(db: Db, id: string, now: Date): Promise<boolean> {
  const { rows } = await sql`update accounts_users set status = 'active', activated_at = ${now} where id = ${id}::uuid and status = 'pending' returning id`.execute(db);
  return rows.length > 0;
}

export async function markPasswordChanged(db: Db, id: string, now: Date): Promise<void> {
  await sql`update accounts_users set password_changed_at = ${now} where id = ${id}::uuid`.execute(db);
}

/** Active staff of these roles, oldest first (to alert or remind them by mail). */
export async function activeStaffOf(db: Db, roles: readonly StaffRole[]): Promise<{ id: string; subject_id: string; role: StaffRole }[]> {
  const { rows } = await sql<{ id: string; subject_id: string; role: StaffRole }>`
    select id, subject_id, role from accounts_users where kind = 'staff' and status = 'active' and role = any(${[...roles]}::text[]) order by created_at`.execute(db);
  return rows;
}

/** The roles of these staff ids, for labels such as "support 1a2b3c4d" (unknown ids are left out). */
export async function staffRolesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const valid = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (valid.length === 0) return new Map();
  const { rows } = await sql<{ id: string; role: string | null }>`select id, role from accounts_users where id = any(${valid}::uuid[])`.execute(db);
  return new Map(rows.map((r) => [r.id, r.role ?? 'staff']));
}
