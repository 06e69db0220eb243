// The key of one backup file (decision 0063): derived with HKDF-SHA256 from the keyring's keyed-
// digest root (never rotated, so an old backup stays readable with today's keyring), a per-file
// random salt and the label "custodian/backup/v1". A backup alone is therefore unreadable; restoring
// needs the keyring, which the operator keeps apart, and whose shredder is what makes old backups
// forget the people erased since (decision 0010).
import { createHmac, hkdfSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { PrivacySetupError } from './refusals.ts';
import { FileKeyring } from './crypto/keyring.ts';

const LABEL = 'custodian/backup/v1';

export interface BackupKey {
  key: Buffer;
  /** 16 hex digits that tell "this keyring made this backup" apart from "the file was changed". */
  check: string;
}

/** The key of the backup file with `salt`, from the keyring at `keyringPath`; refuses (never creates) a missing keyring. */
export function backupKey(keyringPath: string, salt: Buffer): BackupKey {
  if (!existsSync(keyringPath)) {
    throw new PrivacySetupError(`The keyring ${keyringPath} does not exist: a backup is made and read with the shop's keyring (set KEYRING_PATH to it).`);
  }
  const keyring = FileKeyring.open(keyringPath);
  const key = Buffer.from(hkdfSync('sha256', keyring.digestKey(), salt, LABEL, 32));
  const check = createHmac('sha256', key).update(`${LABEL}/key-check`).digest('hex').slice(0, 16);
  return { key, check };
}
