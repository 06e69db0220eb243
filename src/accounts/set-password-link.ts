// One set-password link per person (decision 0038). An account made at checkout has no password
// until its owner follows the mailed link. A second order (or a sign-up attempt) before that mails
// the same link again, with its lifetime renewed, instead of a new one that would kill the first
// mail's link: every mail the person has works, and there is still one live token. To mail the same
// link again the token is kept sealed by the kernel under the person's key, as the outbox keeps it
// (decision 0025); the table also holds its digest, which is what a visit is checked against.
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import { SubjectErased } from '../privacy/index.ts';
import { accountsDb, type UserRow } from './tables.ts';
import { digestToken, randomToken } from './tokens.ts';

const PURPOSE = 'reset-password' as const;
const sealContext = (digest: Buffer) => `accounts_tokens:${digest.toString('hex')}`;

/** Seals a new set-password token for the user's subject (to be stored in `accounts_tokens.sealed`). */
export async function sealToken(kernel: PrivacyKernel, db: Db, subject: string, token: string): Promise<Buffer> {
  return kernel.sealSecret(db, { subject, context: sealContext(digestToken(token)), value: token });
}

/**
 * The user's live set-password token, its lifetime renewed to `lifetimeMs` from now; or a new one
 * (spending any other reset token) when none is live or its sealed copy cannot be opened.
 */
export async function liveSetPasswordToken(kernel: PrivacyKernel, db: Db, user: UserRow, now: Date, lifetimeMs: number): Promise<string> {
  const expires = new Date(now.getTime() + lifetimeMs);
  const t = accountsDb(db);
  const live = await t
    .selectFrom('accounts_tokens')
    .select(['token_hash', 'sealed'])
    .where('user_id', '=', user.id)
    .where('purpose', '=', PURPOSE)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .where('sealed', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (live?.sealed) {
    const digest = Buffer.from(live.token_hash);
    try {
      const token = await kernel.openSecret(db, { subject: user.subject_id, context: sealContext(digest), sealed: Buffer.from(live.sealed) });
      await t
        .updateTable('accounts_tokens')
        .set({ expires_at: sql<Date>`greatest(expires_at, ${expires})` })
        .where('token_hash', '=', digest)
        .execute();
      return token;
    } catch (err) {
      if (err instanceof SubjectErased) throw err;
      // A copy that no longer opens (a rotated key gone): issue a new link below.
    }
  }
  const token = randomToken();
  const sealed = await sealToken(kernel, db, user.subject_id, token);
  // One statement: the update sees the statement's snapshot, so it spends the earlier tokens, never the new one.
  await t
    .with('spent', (q) => q.updateTable('accounts_tokens').set({ used_at: now, sealed: null }).where('user_id', '=', user.id).where('purpose', '=', PURPOSE).where('used_at', 'is', null))
    .insertInto('accounts_tokens')
    .values({ token_hash: digestToken(token), user_id: user.id, purpose: PURPOSE, created_at: now, expires_at: expires, sealed })
    .execute();
  return token;
}
