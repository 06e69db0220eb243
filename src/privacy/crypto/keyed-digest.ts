// Keyed digests for modules that must recognise a value again without keeping it, such as the
// network a person signs in from (accounts, "sign-in from a new network"). The key lives in the
// keyring file, outside the database, like the blind-index keys: a stolen database (or backup)
// holds digests that cannot be tested against guesses, and every IPv4 address or short value stays
// out of reach even though there are few enough of them to try all (decision 0025).
//
// One root key in the keyring; each domain (a module's use, e.g. `accounts.network`) gets its own
// derived key, so digests of one use cannot be matched against another's. The key is not rotated:
// what a module keeps under it is kept only as long as the data map's retention for that use.
import { createHmac } from 'node:crypto';
import { validationError } from '../../platform/errors.ts';
import type { FileKeyring } from './keyring.ts';

const DOMAIN = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;

export function keyedDigest(keyring: FileKeyring, domain: string, value: string): Buffer {
  if (!DOMAIN.test(domain) || domain.length > 64) throw validationError('domain', 'must be a module-qualified name such as accounts.network');
  const derived = createHmac('sha256', keyring.digestKey()).update(`custodian/keyed-digest/v1\0${domain}`).digest();
  try {
    return createHmac('sha256', derived).update(value, 'utf8').digest();
  } finally {
    derived.fill(0);
  }
}
