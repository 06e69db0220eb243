// The module's keys. The CSRF key is made once per database so every web process agrees; it
// protects nothing personal (a CSRF token also needs the visitor's cookie). The throttle key
// digests emails and networks, which can be recovered from their digests by trying every likely
// value, so it is not kept in the database: it is derived from the kernel's keyring (decision 0025).
import { randomBytes } from 'node:crypto';
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import { accountsDb } from './tables.ts';

export type SecretName = 'csrf';

export async function loadSecret(db: Db, name: SecretName): Promise<Buffer> {
  const t = accountsDb(db);
  await t
    .insertInto('accounts_secrets')
    .values({ name, value: randomBytes(32) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const { value } = await t.selectFrom('accounts_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return Buffer.from(value);
}

/** The key of the lockout counters' digests (throttle.ts), kept in the keyring, never in the database. */
export function throttleSecret(kernel: Pick<PrivacyKernel, 'keyedDigest'>): Buffer {
  return kernel.keyedDigest('accounts.throttle', 'throttle-key/v1');
}
