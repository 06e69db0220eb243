// The one sandbox secret both sides share: SANDBOX_PROCESSOR_SECRET, or one generated once into
// DATA_DIR/sandbox-processor-secret (0600), the way the staff API token is. The shop's adapter and
// the processor read the same file, so `npm start`, `npm run worker` and `npm run sandbox-processor`
// agree without any setup.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../platform/config.ts';

export function sandboxSecret(config: Pick<Config, 'dataDir' | 'payments'>): string {
  if (config.payments.sandboxSecret) return config.payments.sandboxSecret;
  const path = join(config.dataDir, 'sandbox-processor-secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw err;
  }
}

/** The sandbox's own storage, beside (not inside) the shop's database. */
export function sandboxDir(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'sandbox-processor');
}

/** The webhook secret both sides derive from the one sandbox secret when none is given. */
export function sandboxWebhookSecret(secretKey: string): string {
  return createHmac('sha256', secretKey).update('sandbox-processor/webhook-signing').digest('base64url');
}
