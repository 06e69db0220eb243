// Server-side sessions (P000-18, P002-10): the cookie holds only 32 random bytes; the database
// holds their SHA-256 digest, the user and the expiry. A sign-in always issues a new token
// (rotation), a password change ends every session of the user.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import { selfActor, staffActor, vendorActor, type Actor } from '../privacy/index.ts';
import type { UserKind, UserRow } from './tables.ts';
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

/** 'full': signed in. Staff start at 'second-factor' (code still to enter) or 'enrol' (second factor still to set up). */
export type SessionStage = 'full' | 'second-factor' | 'enrol';

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
  await sql`insert into accounts_sessions (id, token_hash, user_id, created_at, last_seen_at, idle_expires_at, expires_at, stage)
    values (${id}::uuid, ${digestToken(token)}, ${user.id}::uuid, ${now}, ${now}, ${new Date(now.getTime() + life.idleMs)}, ${expiresAt}, ${stage})`.execute(db);
  return { token, session: { id, user, expiresAt, stage, actor: actorOfUser(user), via: 'cookie' } };
}

/** The live session of this cookie token, with its active user; null when unknown, expired or the user is not active. */
export async function findSession(db: Db, token: string, now: Date): Promise<ActiveSession | null> {
  const { rows } = await sql<UserRow & { session_id: string; last_seen_at: Date; expires_at_s: Date; stage: SessionStage }>`
    select s.id as session_id, s.last_seen_at, s.expires_at as expires_at_s, s.stage, u.*
    from accounts_sessions s join accounts_users u on u.id = s.user_id
    where s.token_hash = ${digestToken(token)} and s.expires_at > ${now} and s.idle_expires_at > ${now} and u.status = 'active'`.execute(db);
  const r = rows[0];
  if (!r) return null;
  const { session_id, last_seen_at, expires_at_s, stage, ...user } = r;
  if (now.getTime() - new Date(last_seen_at).getTime() > TOUCH_EVERY_MS) {
    const idle = new Date(Math.min(now.getTime() + sessionLifetimes[user.kind].idleMs, new Date(expires_at_s).getTime()));
    await sql`update accounts_sessions set last_seen_at = ${now}, idle_expires_at = ${idle} where id = ${session_id}::uuid`.execute(db);
  }
  return { id: session_id, user: user as UserRow, expiresAt: new Date(expires_at_s), stage, actor: actorOfUser(user as UserRow), via: 'cookie' };
}

export async function endSession(db: Db, token: string): Promise<void> {
  await sql`delete from accounts_sessions where token_hash = ${digestToken(token)}`.execute(db);
}

/** Ends every session of the user, except `keep` (a session id) when given. */
export async function endSessionsOf(db: Db, userId: string, keep?: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with d as (delete from accounts_sessions where user_id = ${userId}::uuid ${keep ? sql`and id <> ${keep}::uuid` : sql``} returning 1)
    select count(*)::int as n from d`.execute(db);
  return rows[0]?.n ?? 0;
}

export async function sweepSessions(db: Db, now: Date): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with d as (delete from accounts_sessions where expires_at < ${now} or idle_expires_at < ${now} returning 1)
    select count(*)::int as n from d`.execute(db);
  return rows[0]?.n ?? 0;
}
