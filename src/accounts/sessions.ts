// Server-side sessions (P000-18, P002-10): the cookie holds only 32 random bytes; the database
// holds their SHA-256 digest, the user and the expiry. A sign-in always issues a new token
// (rotation), a password change ends every session of the user.
import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/db/database.ts';
import { selfActor, staffActor, vendorActor, type Actor } from '../privacy/index.ts';
import { accountsDb, type SessionStage, type UserKind, type UserRow } from './tables.ts';
import { digestToken, randomToken } from './tokens.ts';

export interface SessionLifetime {
  idleMs: number;
  absoluteMs: number;
}

export const sessionLifetimes: Record<UserKind, SessionLifetime> = {
  customer: { idleMs: 7 * 86_400_000, absoluteMs: 30 * 86_400_000 },
  staff: { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 },
  vendor: { idleMs: 60 * 60_000, absoluteMs: 12 * 3_600_000 },
};

// last_seen_at is written at most this often, so reading a page is not a write every time.
const TOUCH_EVERY_MS = 60_000;

export type { SessionStage } from './tables.ts';

export interface ActiveSession {
  id: string;
  user: UserRow;
  expiresAt: Date;
  stage: SessionStage;
  /** The kernel actor of this signed-in person, minted here where they were authenticated. */
  actor: Actor;
  /** 'token': a staff member's personal API token (no cookie; never opens a console page). */
  via: 'cookie' | 'token';
}

/** The actor of an authenticated user: the person themself, a staff member in their role, or their vendor. */
export function actorOfUser(user: UserRow): Actor {
  if (user.kind === 'staff') return staffActor(user.id, user.role!);
  if (user.kind === 'vendor') return vendorActor(user.vendor_id!);
  return selfActor(user.subject_id);
}

export async function createSession(db: Db, user: UserRow, now: Date, stage: SessionStage = 'full'): Promise<{ token: string; session: ActiveSession }> {
  const token = randomToken();
  const life = sessionLifetimes[user.kind];
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + life.absoluteMs);
  await accountsDb(db)
    .insertInto('accounts_sessions')
    .values({ id, token_hash: digestToken(token), user_id: user.id, created_at: now, last_seen_at: now, idle_expires_at: new Date(now.getTime() + life.idleMs), expires_at: expiresAt, stage })
    .execute();
  return { token, session: { id, user, expiresAt, stage, actor: actorOfUser(user), via: 'cookie' } };
}

/** The live session of this cookie token, with its active user; null when unknown, expired or the user is not active. */
export async function findSession(db: Db, token: string, now: Date): Promise<ActiveSession | null> {
  const t = accountsDb(db);
  const r = await t
    .selectFrom('accounts_sessions as s')
    .innerJoin('accounts_users as u', 'u.id', 's.user_id')
    .select(['s.id as session_id', 's.last_seen_at', 's.expires_at as expires_at_s', 's.stage'])
    .selectAll('u')
    .where('s.token_hash', '=', digestToken(token))
    .where('s.expires_at', '>', now)
    .where('s.idle_expires_at', '>', now)
    .where('u.status', '=', 'active')
    .executeTakeFirst();
  if (!r) return null;
  const { session_id, last_seen_at, expires_at_s, stage, ...user } = r;
  if (now.getTime() - new Date(last_seen_at).getTime() > TOUCH_EVERY_MS) {
    const idle = new Date(Math.min(now.getTime() + sessionLifetimes[user.kind].idleMs, new Date(expires_at_s).getTime()));
    await t.updateTable('accounts_sessions').set({ last_seen_at: now, idle_expires_at: idle }).where('id', '=', session_id).execute();
  }
  return { id: session_id, user, expiresAt: new Date(expires_at_s), stage, actor: actorOfUser(user), via: 'cookie' };
}

export async function endSession(db: Db, token: string): Promise<void> {
  await accountsDb(db).deleteFrom('accounts_sessions').where('token_hash', '=', digestToken(token)).execute();
}

/** Ends every session of the user, except `keep` (a session id) when given. */
export async function endSessionsOf(db: Db, userId: string, keep?: string): Promise<number> {
  const { numDeletedRows } = await accountsDb(db)
    .deleteFrom('accounts_sessions')
    .where('user_id', '=', userId)
    .$if(Boolean(keep), (q) => q.where('id', '<>', keep!))
    .executeTakeFirstOrThrow();
  return Number(numDeletedRows);
}

export async function sweepSessions(db: Db, now: Date): Promise<number> {
  const { numDeletedRows } = await accountsDb(db)
    .deleteFrom('accounts_sessions')
    .where((eb) => eb.or([eb('expires_at', '<', now), eb('idle_expires_at', '<', now)]))
    .executeTakeFirstOrThrow();
  return Number(numDeletedRows);
}

/** Ends every session of every user of this vendor (its suspension): they are signed out at once. */
export async function endVendorSessions(db: Db, vendorId: string): Promise<number> {
  const t = accountsDb(db);
  const { numDeletedRows } = await t
    .deleteFrom('accounts_sessions')
    .where('user_id', 'in', t.selectFrom('accounts_users').select('id').where('kind', '=', 'vendor').where('vendor_id', '=', vendorId))
    .executeTakeFirstOrThrow();
  return Number(numDeletedRows);
}
