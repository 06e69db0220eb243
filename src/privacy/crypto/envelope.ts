// AES-256-GCM with associated data. A sealed blob is: version (1 byte) ‖ IV (12) ‖ tag (16) ‖
// ciphertext. The associated data binds a ciphertext to where it belongs (subject, category, row),
// so a blob copied to another row, subject or category fails to open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
}

/** Opens a sealed blob; throws when the key or the associated data is wrong or the blob was altered. */
export function open(key: Buffer, blob: Buffer, aad: Buffer): Buffer {
  if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== VERSION) throw new Error('not a sealed blob of a known version');
  const iv = blob.subarray(1, 1 + IV_BYTES);
  const tag = blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(blob.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** Associated data: a label and the parts it binds, NUL-separated (no part may contain NUL). */
export function aad(label: string, ...parts: string[]): Buffer {
  for (const p of parts) if (p.includes('\0')) throw new Error('associated data part contains NUL');
  return Buffer.from([`custodian/${label}/v1`, ...parts].join('\0'), 'utf8');
}

export const itemAad = (subjectId: string, category: string, ref: string) => aad('item', subjectId, category, ref);
export const evidenceAad = (subjectId: string, purpose: string, recipient: string) => aad('consent-evidence', subjectId, purpose, recipient);
