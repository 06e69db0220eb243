// A link token that names a row by its UUID and cannot be guessed or altered: the id's 16 bytes
// and the first 16 bytes of a keyed digest of it, base64url (43 characters). Nothing is stored for
// it and it says nothing about a person. The digest is the caller's (the privacy kernel's
// `keyedDigest` under a domain of its own), so the key stays in the keyring. Used by the
// unsubscribe link of marketing mail (comms) and a service contact's removal link (services).
import { timingSafeEqual } from 'node:crypto';

export const SIGNED_ID_PATTERN = '^[A-Za-z0-9_-]{43}$';
const SHAPE = new RegExp(SIGNED_ID_PATTERN);
const MAC_BYTES = 16;

/** The keyed digest of an id's 32 hex digits, e.g. `(hex) => kernel.keyedDigest('comms.unsubscribe', hex)`. */
export type IdDigest = (idHex: string) => Buffer;

const macOf = (digest: IdDigest, id: Buffer) => digest(id.toString('hex')).subarray(0, MAC_BYTES);

export function signedIdToken(digest: IdDigest, uuid: string): string {
  const id = Buffer.from(uuid.replace(/-/g, ''), 'hex');
  return Buffer.concat([id, macOf(digest, id)]).toString('base64url');
}

/** The UUID a token names, or null for a token this digest did not sign. */
export function idOfSignedToken(digest: IdDigest, token: string): string | null {
  if (!SHAPE.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 16 + MAC_BYTES) return null;
  const id = raw.subarray(0, 16);
  if (!timingSafeEqual(raw.subarray(16), macOf(digest, id))) return null;
  const hex = id.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
