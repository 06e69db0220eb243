// Lockout (P002-19): failed sign-ins are counted per account and per source network in the
// database, so every web process sees the same counts and a restart forgets nothing. The account
// key is a keyed digest of the normalised email as typed, not of a user id: an email that has no
// account locks exactly like one that has, so a lockout tells an attacker nothing.
import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

export interface ThrottlePolicy {
  windowMs: number;
  accountFailures: number;
  sourceFailures: number;
  lockMs: number;
}

export const defaultThrottle: ThrottlePolicy = { windowMs: 15 * 60_000, accountFailures: 5, sourceFailures: 20, lockMs: 15 * 60_000 };

/** The policy of the LOGIN_LOCK_* settings. */
export function lockoutPolicy(s: { accountFailures: number; sourceFailures: number; windowMinutes: number; lockMinutes: number }): ThrottlePolicy {
  return { accountFailures: s.accountFailures, sourceFailures: s.sourceFailures, windowMs: s.windowMinutes * 60_000, lockMs: s.lockMinutes * 60_000 };
}

export interface ThrottleKeys {
  account: Buffer;
  source: Buffer;
}

export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/** The network a request came from: the address for IPv4, its /64 for IPv6 (one subscriber's block). */
export function networkOf(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return v4[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g || '0', 16).toString(16)).join(':')}::/64`;
}

export function throttleKeys(secret: Buffer, email: string, ip: string): ThrottleKeys {
  const mac = (label: string, value: string) => createHmac('sha256', secret).update(`${label}\0${value}`).digest();
  return { account: mac('account', normaliseEmail(email)), source: mac('source', networkOf(ip)) };
}

export interface LockState {
  account: boolean;
  source: boolean;
}

export async function lockState(db: Db, keys: ThrottleKeys, now: Date): Promise<LockState> {
  const { rows } = await sql<{ scope: 'account' | 'source' }>`
    select scope from accounts_throttle
    where ((scope = 'account' and key = ${keys.account}) or (scope = 'source' and key = ${keys.source})) and locked_until > ${now}`.execute(db);
  return { account: rows.some((r) => r.scope === 'account'), source: rows.some((r) => r.scope === 'source') };
}

/** Counts one failure against both keys; returns which of them this failure locked. */
export async function recordFailure(db: Db, keys: ThrottleKeys, now: Date, policy: ThrottlePolicy = defaultThrottle): Promise<LockState> {
  const windowStart = new Date(now.getTime() - policy.windowMs);
  const lockedUntil = new Date(now.getTime() + policy.lockMs);
  const { rows } = await sql<{ scope: 'account' | 'source'; locked: boolean }>`
    insert into accounts_throttle as t (scope, key, failures, window_started_at)
    values ('account', ${keys.account}, 1, ${now}), ('source', ${keys.source}, 1, ${now})
    on conflict (scope, key) do update set
      failures = case when t.window_started_at < ${windowStart} then 1 else t.failures + 1 end,
      window_started_at = case when t.window_started_at < ${windowStart} then ${now} else t.window_started_at end
    returning scope, failures >= case scope when 'account' then ${policy.accountFailures}::int else ${policy.sourceFailures}::int end as locked`.execute(db);
  const locking = rows.filter((r) => r.locked).map((r) => r.scope);
  if (locking.length) {
    await sql`update accounts_throttle set locked_until = ${lockedUntil}, failures = 0, window_started_at = ${now}
      where (scope = 'account' and key = ${keys.account} and ${locking.includes('account')}) or (scope = 'source' and key = ${keys.source} and ${locking.includes('source')})`.execute(db);
  }
  return { account: locking.includes('account'), source: locking.includes('source') };
}

/** A successful sign-in clears the account's count (not the source's: one good password must not reset a spray). */
export async function clearAccount(db: Db, keys: ThrottleKeys): Promise<void> {
  await sql`delete from accounts_throttle where scope = 'account' and key = ${keys.account}`.execute(db);
}

/** Forgets counts whose window and lock have both passed. */
export async function sweepThrottle(db: Db, now: Date, policy: ThrottlePolicy = defaultThrottle): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with d as (delete from accounts_throttle where window_started_at < ${new Date(now.getTime() - policy.windowMs)} and (locked_until is null or locked_until < ${now}) returning 1)
    select count(*)::int as n from d`.execute(db);
  return rows[0]?.n ?? 0;
}
