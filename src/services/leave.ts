// The removal link in every mail to a service contact (P004-08). Its token names the contact row,
// never the person: the row's 16-byte id and an HMAC of it under a keyring key
// (`kernel.keyedDigest`, as comms' unsubscribe tokens), so nothing is stored for it, it cannot be
// guessed or altered, and the URL says nothing about the contact. Whoever follows it acts for the
// contact: holding the mail proves it. It is queued as a sealed parameter, never plain in the outbox.
import { timingSafeEqual } from 'node:crypto';
import type { PrivacyKernel } from '../privacy/index.ts';

const DOMAIN = 'services.contact-leave';
const MAC_BYTES = 16;
export const LEAVE_TOKEN_PATTERN = '^[A-Za-z0-9_-]{43}$';
const SHAPE = new RegExp(LEAVE_TOKEN_PATTERN);

type Digester = Pick<PrivacyKernel, 'keyedDigest'>;

const macOf = (kernel: Digester, id: Buffer) => kernel.keyedDigest(DOMAIN, id.toString('hex')).subarray(0, MAC_BYTES);

export function leaveToken(kernel: Digester, contactId: string): string {
  const id = Buffer.from(contactId.replace(/-/g, ''), 'hex');
  return Buffer.concat([id, macOf(kernel, id)]).toString('base64url');
}

export const leaveUrl = (kernel: Digester, publicUrl: string, contactId: string) => `${publicUrl.replace(/\/$/, '')}/services/leave/${leaveToken(kernel, contactId)}`;

/** The contact row a token names, or null for a token that is not one of ours. */
export function contactOfToken(kernel: Digester, token: string): string | null {
  if (!SHAPE.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 16 + MAC_BYTES) return null;
  const id = raw.subarray(0, 16);
  if (!timingSafeEqual(raw.subarray(16), macOf(kernel, id))) return null;
  const hex = id.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
