// The one-click unsubscribe link of a marketing message (RFC 8058, decision 0050). Its token names
// the outbox message, never the person: 16 bytes of the message's random id and an HMAC of it under
// a keyring key (`kernel.keyedDigest`), so nothing is stored for it, it cannot be guessed or
// altered, and it says nothing about the recipient to anyone who sees the URL. Whoever follows it
// acts for the message's recipient on the message's purpose: that is what holding the mail proves.
import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../platform/config.ts';
import { tablesOf, type Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import type { Unsubscribe } from './kinds.ts';
import type { CommsTables } from './tables.ts';

const DOMAIN = 'comms.unsubscribe';
const MAC_BYTES = 16;
export const UNSUBSCRIBE_TOKEN_PATTERN = '^[A-Za-z0-9_-]{43}$';
const SHAPE = new RegExp(UNSUBSCRIBE_TOKEN_PATTERN);

type Digester = Pick<PrivacyKernel, 'keyedDigest'>;

const idBytes = (outboxId: string) => Buffer.from(outboxId.replace(/-/g, ''), 'hex');
const macOf = (kernel: Digester, id: Buffer) => kernel.keyedDigest(DOMAIN, id.toString('hex')).subarray(0, MAC_BYTES);

export function unsubscribeToken(kernel: Digester, outboxId: string): string {
  const id = idBytes(outboxId);
  return Buffer.concat([id, macOf(kernel, id)]).toString('base64url');
}

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
  if (!SHAPE.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 16 + MAC_BYTES) return null;
  const id = raw.subarray(0, 16);
  if (!timingSafeEqual(raw.subarray(16), macOf(kernel, id))) return null;
  const hex = id.toString('hex');
  const messageId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const row = await tablesOf<CommsTables>(db).selectFrom('comms_outbox').select(['subject_id', 'purpose', 'kind']).where('id', '=', messageId).executeTakeFirst();
  if (row?.kind !== 'marketing') return null;
  return { messageId, subject: row.subject_id, purpose: row.purpose };
}
