// The module's keys. The CSRF key is made once per database so every web process agrees; it
// protects nothing personal (a CSRF token also needs the visitor's cookie). The throttle key
// digests emails and networks, which can be recovered from their digests by trying every likely
// value, so it is not kept in the database: it is derived from the kernel's keyring (decision 0025).
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';

export type SecretName = 'csrf';

export async function loadSecret(db: Db, name: SecretName): Promise<Buffer> {
  await sql`insert into accounts_secrets (name, value) values (${name}, ${randomBytes(32)}) on conflict (name) do nothing`.execute(db);
  const { rows } = await sql<{ value: Buffer }>`select value from accounts_secrets where name = ${name}`.execute(db);
  return Buffer.from(rows[0]!.value);
}

/** The key of the lockout counters' digests (throttle.ts), kept in the keyring, never in the database. */
export function throttleSecret(kernel: Pick<PrivacyKernel, 'keyedDigest'>): Buffer {
  return kernel.keyedDigest('accounts.throttle', 'throttle-key/v1');
}
