// The one-click unsubscribe link of a marketing message (RFC 8058, decision 0050). Its token names
// the outbox message, never the person: the message's random id signed with a keyring key
// (src/platform/signed-ids.ts, `kernel.keyedDigest`), so nothing is stored for it, it cannot be guessed or
// altered, and it says nothing about the recipient to anyone who sees the URL. Whoever follows it
// acts for the message's recipient on the message's purpose: that is what holding the mail proves.
import type { Config } from '../platform/config.ts';
import { tablesOf, type Db } from '../platform/db/database.ts';
import { idOfSignedToken, SIGNED_ID_PATTERN, signedIdToken } from '../platform/signed-ids.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import type { Unsubscribe } from './kinds.ts';
import type { CommsTables } from './tables.ts';

export const UNSUBSCRIBE_TOKEN_PATTERN = SIGNED_ID_PATTERN;

type Digester = Pick<PrivacyKernel, 'keyedDigest'>;

const digestOf = (kernel: Digester) => (hex: string) => kernel.keyedDigest('comms.unsubscribe', hex);

export const unsubscribeToken = (kernel: Digester, outboxId: string): string => signedIdToken(digestOf(kernel), outboxId);

export function unsubscribeFor(kernel: Digester, config: Pick<Config, 'publicUrl' | 'mailFrom'>, outboxId: string): Unsubscribe {
  const token = unsubscribeToken(kernel, outboxId);
  return {
    url: `${config.publicUrl.replace(/\/$/, '')}/unsubscribe/${token}`,
    mailto: `mailto:${config.mailFrom.address}?subject=${encodeURIComponent(`unsubscribe ${token}`)}`,
  };
}

/** What a marketing message was: its recipient (subject id) and purpose; null for a token that is not one of ours. */
export interface UnsubscribeTarget {
  messageId: string;
  subject: string;
  purpose: string;
}

export async function unsubscribeTarget(db: Db, kernel: Digester, token: string): Promise<UnsubscribeTarget | null> {
  const messageId = idOfSignedToken(digestOf(kernel), token);
  if (messageId === null) return null;
  const row = await tablesOf<CommsTables>(db).selectFrom('comms_outbox').select(['subject_id', 'purpose', 'kind']).where('id', '=', messageId).executeTakeFirst();
  if (row?.kind !== 'marketing') return null;
  return { messageId, subject: row.subject_id, purpose: row.purpose };
}
