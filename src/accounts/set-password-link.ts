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
import type { UserRow } from './tables.ts';
import { digestToken, randomToken } from './tokens.ts';

const PURPOSE = 'reset-password';
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
  const { rows } = await sql<{ token_hash: Buffer; sealed: Buffer }>`
    select token_hash, sealed from accounts_tokens
    where user_id = ${user.id}::uuid and purpose = ${PURPOSE} and used_at is null and expires_at > ${now} and sealed is not null
    order by created_at desc limit 1 for update`.execute(db);
  const live = rows[0];
  if (live) {
    try {
      const token = await kernel.openSecret(db, { subject: user.subject_id, context: sealContext(Buffer.from(live.token_hash)), sealed: Buffer.from(live.sealed) });
      await sql`update accounts_tokens set expires_at = greatest(expires_at, ${expires}) where token_hash = ${live.token_hash}`.execute(db);
      return token;
    } catch (err) {
      if (err instanceof SubjectErased) throw err;
      // A copy that no longer opens (a rotated key gone): issue a new link below.
    }
  }
  const token = randomToken();
  const sealed = await sealToken(kernel, db, user.subject_id, token);
  await sql`with spent as (
      update accounts_tokens set used_at = ${now}, sealed = null where user_id = ${user.id}::uuid and purpose = ${PURPOSE} and used_at is null
    )
    insert into accounts_tokens (token_hash, user_id, purpose, created_at, expires_at, sealed)
    values (${digestToken(token)}, ${user.id}::uuid, ${PURPOSE}, ${now}, ${expires}, ${sealed})`.execute(db);
  return token;
}
