// Test helpers: a kernel on a test database with its own keyring file and the demo data map.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../platform/db/database.ts';
import { startKernel, type PrivacyKernel } from './kernel.ts';

export interface TestKernel {
  kernel: PrivacyKernel;
  keyringPath: string;
  /** Moves the kernel's clock (for policy versions and retention). */
  setNow(date: Date | null): void;
}

export async function testKernel(db: Db, options: { keyringPath?: string; region?: string | null } = {}): Promise<TestKernel> {
  const keyringPath = options.keyringPath ?? join(mkdtempSync(join(tmpdir(), 'custodian-keyring-')), 'keyring.json');
  let fixed: Date | null = null;
  const kernel = await startKernel({ db, keyringPath, region: options.region ?? null, log: null, now: () => fixed ?? new Date() });
  return { kernel, keyringPath, setNow: (d) => (fixed = d) };
}
