// Test helpers for the keyring file, never imported by the shop.
import { readFileSync, writeFileSync } from 'node:fs';

/** Rewrites a keyring file as the format-1 file Custodian wrote before versioned blind-index keys. */
export function downgradeToFormat1(path: string): Buffer {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
  const [only] = raw.blind_index_keys as { key: string }[];
  const { blind_index_keys: _dropped, ...rest } = raw;
  writeFileSync(path, `${JSON.stringify({ ...rest, format: 'custodian-keyring/1', blind_index_key: only!.key }, null, 1)}\n`, { mode: 0o600 });
  return Buffer.from(only!.key, 'base64');
}
