// The staff API token until staff accounts exist: from STAFF_API_TOKEN, or generated once and kept
// in DATA_DIR/staff-api-token, readable only by the shop's user.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';

export function staffTokenPath(config: Config): string {
  return join(config.dataDir, 'staff-api-token');
}

export function resolveStaffToken(config: Config): string {
  if (config.staffApiToken) return config.staffApiToken;
  const path = staffTokenPath(config);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return token;
}
