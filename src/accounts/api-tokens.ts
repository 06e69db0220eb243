// Personal API tokens (decision 0026): a staff member's own way into the staff JSON API. Made in
// the console with a freshly entered second factor, scoped to one role no wider than the member's
// (its purposes and categories a subset in the data map), expiring within 90 days, revocable, and
// stored only as the SHA-256 digest of 32 random bytes. A request with one is that member, acting
// in the token's role.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { AppError, checkFields, validationError } from '../platform/errors.ts';
import type { StaffRole, DataMap } from '../privacy/index.ts';
import { pageAt, type PageSlice } from '../web/pagination.ts';
import { accountsDb, type UserRow } from './tables.ts';
import { digestToken, randomToken } from './tokens.ts';

export const API_TOKEN_PREFIX = 'cst_';
export const API_TOKEN_SHAPE = /^cst_[A-Za-z0-9_-]{43}$/;
export const API_TOKEN_MAX_DAYS = 90;

export interface ApiTokenListing {
  id: string;
  role: StaffRole;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** The roles a member of `role` may hand a token: those whose purposes and categories lie within theirs. */
export function rolesWithin(map: DataMap, role: StaffRole): StaffRole[] {
  const mine = map.roles.get(role);
  if (!mine) return [];
  return [...map.roles.values()].filter((r) => [...r.purposes].every((p) => mine.purposes.has(p)) && [...r.categories].every((c) => mine.categories.has(c))).map((r) => r.id);
}

/** The checks of a token's role and days, to run together with the form's other checks. */
export function tokenFieldChecks(map: DataMap, memberRole: StaffRole, request: { role: string; days: number }): (() => void)[] {
  return [
    () => {
      if (!rolesWithin(map, memberRole).includes(request.role as StaffRole)) throw validationError('role', `must be your role or one within it (${rolesWithin(map, memberRole).join(', ')})`);
    },
    () => {
      if (!Number.isInteger(request.days) || request.days < 1 || request.days > API_TOKEN_MAX_DAYS) throw validationError('days', `must be a whole number of days from 1 to ${API_TOKEN_MAX_DAYS}`);
    },
  ];
}

/** Makes a token; returns it (shown once) with its id. The caller has checked the second factor. */
export async function createApiToken(db: Db, map: DataMap, member: UserRow, request: { role: string; days: number }, now: Date): Promise<{ id: string; token: string }> {
  if (member.kind !== 'staff' || !member.role) throw new AppError('FORBIDDEN', 'Only staff members make API tokens.');
  checkFields(tokenFieldChecks(map, member.role, request));
  const id = randomUUID();
  const token = `${API_TOKEN_PREFIX}${randomToken()}`;
  await accountsDb(db)
    .insertInto('accounts_api_tokens')
    .values({ id, user_id: member.id, token_hash: digestToken(token), role: request.role as StaffRole, created_at: now, expires_at: new Date(now.getTime() + request.days * 86_400_000) })
    .execute();
  return { id, token };
}

/** One page of the member's own tokens, newest first, paged in SQL, with how many there are. */
export async function listApiTokens(db: Db, member: UserRow, o: { page: number; perPage: number }): Promise<PageSlice<ApiTokenListing> & { total: number }> {
  const { total } = await accountsDb(db).selectFrom('accounts_api_tokens').select(sql<number>`count(*)::int`.as('total')).where('user_id', '=', member.id).executeTakeFirstOrThrow();
  const at = pageAt(total, o.page, o.perPage);
  const rows = await accountsDb(db)
    .selectFrom('accounts_api_tokens')
    .select(['id', 'role', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('user_id', '=', member.id)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(at.limit)
    .offset(at.offset)
    .execute();
  const items = rows.map((r) => ({
    id: r.id,
    role: r.role,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  }));
  return { items, page: at.page, pageCount: at.pageCount, total };
}

/** Revokes one of the member's own tokens (at once, for good); false when it is not theirs or already revoked. */
export async function revokeApiToken(db: Db, member: UserRow, id: string, now: Date): Promise<boolean> {
  const rows = await accountsDb(db)
    .updateTable('accounts_api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('user_id', '=', member.id)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** The active staff member of a live token, acting in the token's role; null when unknown, expired, revoked or the member is not active. */
export async function findApiToken(db: Db, map: DataMap, token: string, now: Date): Promise<{ tokenId: string; user: UserRow; expiresAt: Date } | null> {
  if (!API_TOKEN_SHAPE.test(token)) return null;
  const t = accountsDb(db);
  const r = await t
    .selectFrom('accounts_api_tokens as t')
    .innerJoin('accounts_users as u', 'u.id', 't.user_id')
    .select(['t.id as token_id', 't.role as token_role', 't.expires_at as token_expires_at', 't.last_used_at'])
    .selectAll('u')
    .where('t.token_hash', '=', digestToken(token))
    .where('t.revoked_at', 'is', null)
    .where('t.expires_at', '>', now)
    .where('u.status', '=', 'active')
    .where('u.kind', '=', 'staff')
    .executeTakeFirst();
  if (!r) return null;
  const { token_id, token_role, token_expires_at, last_used_at, ...user } = r;
  // A member whose own role was narrowed since keeps no token wider than the new role.
  if (!user.role || !rolesWithin(map, user.role).includes(token_role)) return null;
  if (!last_used_at || now.getTime() - new Date(last_used_at).getTime() > 60_000) {
    await t.updateTable('accounts_api_tokens').set({ last_used_at: now }).where('id', '=', token_id).execute();
  }
  return { tokenId: token_id, user: { ...user, role: token_role }, expiresAt: new Date(token_expires_at) };
}
