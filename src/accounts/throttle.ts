// Lockout (P002-19): failed sign-ins are counted per account and per source network in the
// database, so every web process sees the same counts and a restart forgets nothing. The account
// key is a keyed digest of the normalised email as typed, not of a user id: an email that has no
// account locks exactly like one that has, so a lockout tells an attacker nothing.
// Each attempt is reserved (`reserveAttempt`) before its password is checked and settled after,
// so concurrent guesses check at most the allowed number (decision 0029).
import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { expressionBuilder, type Expression, type ExpressionBuilder, type Kysely, type OnConflictDatabase, type OnConflictTables, type SqlBool } from 'kysely';
import { compiledOnce } from '../platform/db/compiled-once.ts';
import type { Db } from '../platform/db/database.ts';
import { accountsDb, type AccountsTables } from './tables.ts';

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
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The keys of one attempt. A sign-in from a network the account has used before counts under its
 * own account key (`known`), so failures from elsewhere cannot lock the owner out at home
 * (decision 0029).
 */
export function throttleKeys(secret: Buffer, email: string, ip: string, options: { known?: boolean } = {}): ThrottleKeys {
  const mac = (label: string, value: string) => createHmac('sha256', secret).update(`${label}\0${value}`).digest();
  return { account: mac(options.known ? 'account-known' : 'account', normaliseEmail(email)), source: mac('source', networkOf(ip)) };
}

/** Both account keys of an email (known and unknown networks): what a reset or an erasure clears. */
export function accountKeysOf(secret: Buffer, email: string): Buffer[] {
  return [false, true].map((known) => throttleKeys(secret, email, '', { known }).account);
}

export interface LockState {
  account: boolean;
  source: boolean;
}

/** Counts one failure against both keys; returns which of them this failure locked. */
export async function recordFailure(db: Db, keys: ThrottleKeys, now: Date, policy: ThrottlePolicy = defaultThrottle): Promise<LockState> {
  const windowStart = new Date(now.getTime() - policy.windowMs);
  const lockedUntil = new Date(now.getTime() + policy.lockMs);
  const t = accountsDb(db);
  const rows = await countAttempt(t, keys, now, windowStart)
    .returning((eb) => ['scope', eb('failures', '>=', limitOf(policy)).as('locked')])
    .execute();
  const locking = rows.filter((r) => r.locked).map((r) => r.scope);
  if (locking.length) {
    await t
      .updateTable('accounts_throttle')
      .set({ locked_until: lockedUntil, failures: 0, window_started_at: now })
      .where((eb) => eb.or(locking.map((scope) => eb.and({ scope, key: keys[scope] }))))
      .execute();
  }
  return { account: locking.includes('account'), source: locking.includes('source') };
}

export interface Reservation extends LockState {
  /** True when the attempt may check its password: neither key was locked or at its limit. */
  granted: boolean;
}

/**
 * Takes one attempt against both keys in one statement, BEFORE the password is checked, so N
 * concurrent guesses check at most the allowed number (decision 0029). A key that is locked or
 * whose count already reached its limit is not taken; if either was refused, the other is given
 * back. The caller then settles the attempt: `settleFailure` (it counted), or `settleSuccess` /
 * `releaseAttempt` (it is given back).
 */
export async function reserveAttempt(db: Db, keys: ThrottleKeys, now: Date, policy: ThrottlePolicy = defaultThrottle): Promise<Reservation> {
  const windowStart = new Date(now.getTime() - policy.windowMs);
  const { rows } = await db.executeQuery(
    reserveStatement(db, { account: keys.account, source: keys.source, now, windowStart, accountFailures: policy.accountFailures, sourceFailures: policy.sourceFailures }),
  );
  const account = rows.some((r) => r.scope === 'account');
  const source = rows.some((r) => r.scope === 'source');
  if (account && source) return { granted: true, account: false, source: false };
  if (account || source) await giveBack(db, keys, { account, source });
  return { granted: false, account: !account, source: !source };
}

// Every sign-in and every checkout's mail reserves an attempt: the statement is built once.
const reserveStatement = compiledOnce(
  ['account', 'source', 'now', 'windowStart', 'accountFailures', 'sourceFailures'],
  (db, p: { account: Buffer; source: Buffer; now: Date; windowStart: Date; accountFailures: number; sourceFailures: number }) =>
    countAttempt(accountsDb(db), { account: p.account, source: p.source }, p.now, p.windowStart, (eb) =>
      eb.and([
        eb.or([eb('accounts_throttle.locked_until', 'is', null), eb('accounts_throttle.locked_until', '<=', p.now)]),
        eb.or([eb('accounts_throttle.window_started_at', '<', p.windowStart), eb('accounts_throttle.failures', '<', limitOf(p))]),
      ]),
    ).returning('scope'),
);

/**
 * Counts one attempt against both keys: a key's first attempt makes its row, a later one adds to
 * it, or starts it again at 1 when its window has passed. `when` limits which rows are counted.
 */
function countAttempt(t: Kysely<AccountsTables>, keys: ThrottleKeys, now: Date, windowStart: Date, when?: (eb: ConflictBuilder) => Expression<SqlBool>) {
  return t
    .insertInto('accounts_throttle')
    .values([
      { scope: 'account', key: keys.account, failures: 1, window_started_at: now },
      { scope: 'source', key: keys.source, failures: 1, window_started_at: now },
    ])
    .onConflict((oc) => {
      const update = oc.columns(['scope', 'key']).doUpdateSet((eb) => {
        const windowPassed = eb('accounts_throttle.window_started_at', '<', windowStart);
        return {
          failures: eb
            .case()
            .when(windowPassed)
            .then(1)
            .else(eb('accounts_throttle.failures', '+', 1))
            .end(),
          window_started_at: eb.case().when(windowPassed).then(now).else(eb.ref('accounts_throttle.window_started_at')).end(),
        };
      });
      return when ? update.where(when) : update;
    });
}

type ConflictBuilder = ExpressionBuilder<OnConflictDatabase<AccountsTables, 'accounts_throttle'>, OnConflictTables<'accounts_throttle'>>;

const throttleRow = expressionBuilder<AccountsTables, 'accounts_throttle'>();

/** The failures that lock a key: the account's limit or the source's, by the row's scope. */
function limitOf(policy: Pick<ThrottlePolicy, 'accountFailures' | 'sourceFailures'>): Expression<number> {
  const int = (n: number) => throttleRow.cast<number>(throttleRow.val(n), 'integer');
  return throttleRow.case('accounts_throttle.scope').when('account').then(int(policy.accountFailures)).else(int(policy.sourceFailures)).end();
}

async function giveBack(db: Db, keys: ThrottleKeys, which: { account: boolean; source: boolean }): Promise<void> {
  const scopes = (['account', 'source'] as const).filter((scope) => which[scope]);
  await accountsDb(db)
    .updateTable('accounts_throttle')
    .set((eb) => ({ failures: eb.fn('greatest', [eb('failures', '-', 1), eb.lit(0)]) }))
    .where((eb) => eb.or(scopes.map((scope) => eb.and({ scope, key: keys[scope] }))))
    .execute();
}

/** A reserved attempt that failed: it stays counted; returns which keys it brought to their limit (now locked). */
export async function settleFailure(db: Db, keys: ThrottleKeys, now: Date, policy: ThrottlePolicy = defaultThrottle): Promise<LockState> {
  const lockedUntil = new Date(now.getTime() + policy.lockMs);
  const rows = await accountsDb(db)
    .updateTable('accounts_throttle')
    .set({ locked_until: lockedUntil, failures: 0, window_started_at: now })
    .where((eb) =>
      eb.or([
        eb.and([eb('scope', '=', 'account'), eb('key', '=', keys.account), eb('failures', '>=', policy.accountFailures)]),
        eb.and([eb('scope', '=', 'source'), eb('key', '=', keys.source), eb('failures', '>=', policy.sourceFailures)]),
      ]),
    )
    .returning('scope')
    .execute();
  return { account: rows.some((r) => r.scope === 'account'), source: rows.some((r) => r.scope === 'source') };
}

/** A reserved attempt that proved nothing either way (e.g. an unconfirmed account): both keys get it back. */
export async function releaseAttempt(db: Db, keys: ThrottleKeys): Promise<void> {
  await giveBack(db, keys, { account: true, source: true });
}

/**
 * A reserved attempt that succeeded: the account's count is cleared, the source gets only this
 * attempt back (one good password must not reset a spray from its network).
 */
export async function settleSuccess(db: Db, keys: ThrottleKeys): Promise<void> {
  await clearAccount(db, keys);
  await giveBack(db, keys, { account: false, source: true });
}

/** A successful sign-in clears the account's count (not the source's: one good password must not reset a spray). */
export async function clearAccount(db: Db, keys: ThrottleKeys): Promise<void> {
  await deleteAccountKey(db, keys.account);
}

/** Clears both account counts of an email (a completed reset proves the address). */
export async function clearEmail(db: Db, secret: Buffer, email: string): Promise<void> {
  for (const key of accountKeysOf(secret, email)) await deleteAccountKey(db, key);
}

/** Forgets the count of one account key. */
export async function deleteAccountKey(db: Db, key: Buffer): Promise<void> {
  await accountsDb(db).deleteFrom('accounts_throttle').where('scope', '=', 'account').where('key', '=', key).execute();
}

/** Forgets counts whose window and lock have both passed. */
export async function sweepThrottle(db: Db, now: Date, policy: ThrottlePolicy = defaultThrottle): Promise<number> {
  const { numDeletedRows } = await accountsDb(db)
    .deleteFrom('accounts_throttle')
    .where('window_started_at', '<', new Date(now.getTime() - policy.windowMs))
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirstOrThrow();
  return Number(numDeletedRows);
}
