// Password hashing: Argon2id (node:crypto, RFC 9106) with the parameters stored in every hash as a
// PHC string, so they can be raised later and old hashes still verify (and are re-hashed at the
// next successful login). Verification compares in constant time.
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Argon2Params {
  /** Memory in KiB. */
  memory: number;
  /** Passes over memory. */
  passes: number;
  parallelism: number;
}

// OWASP's minimum recommendation for Argon2id (19 MiB, 2 passes, 1 lane); see bench/auth.ts for its cost here.
export const currentParams: Argon2Params = { memory: 19_456, passes: 2, parallelism: 1 };

const SALT_BYTES = 16;
const TAG_BYTES = 32;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, params: Argon2Params, tagLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      'argon2id',
      { message: Buffer.from(password.normalize('NFKC'), 'utf8'), nonce: salt, parallelism: params.parallelism, tagLength, memory: params.memory, passes: params.passes },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: Argon2Params = currentParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const tag = await derive(password, salt, params, TAG_BYTES);
  return `$argon2id$v=19$m=${params.memory},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(tag)}`;
}

export interface ParsedHash {
  params: Argon2Params;
  salt: Buffer;
  tag: Buffer;
}

export function parseHash(phc: string): ParsedHash | null {
  const m = PHC.exec(phc);
  if (!m) return null;
  const params = { memory: Number(m[1]), passes: Number(m[2]), parallelism: Number(m[3]) };
  if (params.memory < 8 * params.parallelism || params.memory > 4_194_304 || params.passes < 1 || params.passes > 100 || params.parallelism < 1 || params.parallelism > 16) return null;
  return { params, salt: Buffer.from(m[4]!, 'base64'), tag: Buffer.from(m[5]!, 'base64') };
}

/** Counts Argon2id verifications, for the test that proves unknown and known emails do the same work. */
export const verifyCounter = { count: 0, lastParams: null as Argon2Params | null };

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  const parsed = parseHash(phc);
  if (!parsed) throw new Error('accounts: a stored password hash is not an Argon2id PHC string');
  verifyCounter.count++;
  verifyCounter.lastParams = parsed.params;
  const tag = await derive(password, parsed.salt, parsed.params, parsed.tag.length);
  return timingSafeEqual(tag, parsed.tag);
}

export function needsRehash(phc: string, params: Argon2Params = currentParams): boolean {
  const parsed = parseHash(phc);
  return !parsed || parsed.params.memory !== params.memory || parsed.params.passes !== params.passes || parsed.params.parallelism !== params.parallelism;
}
