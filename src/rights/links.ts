// Links mailed for a request: "confirm it was you" (verify) and "your copy of your data" (download).
// 32 random bytes in the link, stored only as their SHA-256 digest, valid until their expiry; a
// verify link works once, a download link until it expires.
import { sql } from 'kysely';
import { digestToken, randomToken, TOKEN_SHAPE } from '../accounts/index.ts';
import type { Db } from '../platform/db/database.ts';

export type LinkPurpose = 'verify' | 'download';

export const linkLifetimeMs: Record<LinkPurpose, number> = { verify: 14 * 86_400_000, download: 7 * 86_400_000 };

export async function issueLink(db: Db, requestId: string, purpose: LinkPurpose, now: Date): Promise<{ token: string; expires: Date }> {
  const token = randomToken();
  const expires = new Date(now.getTime() + linkLifetimeMs[purpose]);
  await sql`insert into rights_links (token_hash, request_id, purpose, expires_at) values (${digestToken(token)}, ${requestId}::uuid, ${purpose}, ${expires})`.execute(db);
  return { token, expires };
}

/** The request a live link belongs to, or null; `use` spends a verify link. */
export async function requestOfLink(db: Db, token: string, purpose: LinkPurpose, now: Date, use = false): Promise<string | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const { rows } = use
    ? await sql<{
        request_id: string;
      }>`update rights_links set used_at = ${now} where token_hash = ${digestToken(token)} and purpose = ${purpose} and used_at is null and expires_at > ${now} returning request_id`.execute(db)
    : await sql<{ request_id: string }>`select request_id from rights_links where token_hash = ${digestToken(token)} and purpose = ${purpose} and used_at is null and expires_at > ${now}`.execute(db);
  return rows[0]?.request_id ?? null;
}
