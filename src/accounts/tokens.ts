// Single-use tokens for links in mail (confirm a sign-up, reset a password, confirm a new email):
// 32 random bytes, sent once, stored only as their SHA-256 digest, valid until used or expired.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../platform/db/database.ts';
import { preparedQuery } from '../platform/db/prepared.ts';
import { accountsDb, type TokenPurpose } from './tables.ts';

export const TOKEN_PATTERN = '^[A-Za-z0-9_-]{43}$';
export const TOKEN_SHAPE = new RegExp(TOKEN_PATTERN);

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function digestToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export const tokenLifetimeMs: Record<TokenPurpose, number> = {
  'confirm-signup': 24 * 3_600_000,
  'reset-password': 3_600_000,
  'change-email': 24 * 3_600_000,
};

/** A new token for the user; earlier unused tokens of the same purpose stop working. */
export async function issueToken(db: Db, userId: string, purpose: TokenPurpose, now: Date, lifetimeMs: number = tokenLifetimeMs[purpose]): Promise<string> {
  const token = randomToken();
  // One statement: the update sees the statement's snapshot, so it spends the earlier tokens, never the new one.
  const query = accountsDb(db)
    .with('spent', (q) => q.updateTable('accounts_tokens').set({ used_at: now }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null))
    .insertInto('accounts_tokens')
    .values({ token_hash: digestToken(token), user_id: userId, purpose, created_at: now, expires_at: new Date(now.getTime() + lifetimeMs) });
  await db.executeQuery(preparedQuery(query));
  return token;
}

/** Uses a token: returns its user id once, or null when unknown, used, expired or for another purpose. */
export async function consumeToken(db: Db, token: string, purpose: TokenPurpose, now: Date): Promise<string | null> {
  const row = await accountsDb(db)
    .updateTable('accounts_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', digestToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/** Whether a token would be accepted (for showing its form), without using it. */
export async function tokenIsLive(db: Db, token: string, purpose: TokenPurpose, now: Date): Promise<boolean> {
  if (!TOKEN_SHAPE.test(token)) return false;
  const rows = await accountsDb(db)
    .selectFrom('accounts_tokens')
    .select((eb) => eb.lit(1).as('ok'))
    .where('token_hash', '=', digestToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
  return rows.length > 0;
}
