// The keyring's blind-index keys: a short list of versions, one active (new digests are made under
// it) and at most one retiring (its rows are still found until they are re-indexed under the active
// one, then it is destroyed). A backup's digests can be tested only while the keyring still holds
// the version they were made under; destroying versions on a schedule is what makes a backup stop
// confirming anyone's email (decision 0023).
import { randomBytes } from 'node:crypto';

export type BlindIndexKeyState = 'active' | 'retiring';

export interface BlindIndexKey {
  version: number;
  key: Buffer;
  createdAt: string;
  state: BlindIndexKeyState;
}

/** Rotation refused: the previous key is still retiring (its rows are not all re-indexed yet). */
export class BlindIndexRotationRefused extends Error {
  constructor() {
    super('A blind-index key is still retiring; it must be destroyed before the next rotation.');
    this.name = 'BlindIndexRotationRefused';
  }
}

export function newBlindIndexKeys(createdAt: string): BlindIndexKey[] {
  return [{ version: 1, key: randomBytes(32), createdAt, state: 'active' }];
}

export function activeBlindIndexKey(keys: readonly BlindIndexKey[]): BlindIndexKey {
  return keys.find((k) => k.state === 'active')!;
}

/** Checks a list read from the file: 32-byte keys, unique versions, one active, at most one retiring. */
export function checkBlindIndexKeys(keys: BlindIndexKey[]): BlindIndexKey[] {
  const versions = new Set<number>();
  for (const k of keys) {
    if (!Number.isSafeInteger(k.version) || k.version < 1 || versions.has(k.version)) throw new Error('bad blind index key version');
    if (k.key.length !== 32 || !['active', 'retiring'].includes(k.state)) throw new Error('bad blind index key entry');
    versions.add(k.version);
  }
  const active = keys.filter((k) => k.state === 'active');
  if (active.length !== 1) throw new Error('exactly one blind index key must be active');
  // Rotation allows one retiring version, the one before the active: the versions held are always one
  // contiguous range, which lets a query find rows under versions no longer held with two index ranges.
  const retiring = keys.filter((k) => k.state === 'retiring');
  if (retiring.length > 1 || retiring.some((k) => k.version !== active[0]!.version - 1)) throw new Error('only the version before the active blind index key may be retiring');
  return keys.sort((a, b) => a.version - b.version);
}

export function parseBlindIndexKeys(raw: unknown): BlindIndexKey[] {
  if (!Array.isArray(raw)) throw new Error('blind index keys missing');
  return checkBlindIndexKeys(
    raw.map((k: Record<string, unknown>) => ({
      version: Number(k.version),
      key: Buffer.from(String(k.key), 'base64'),
      createdAt: String(k.created_at),
      state: k.state as BlindIndexKeyState,
    })),
  );
}

export function serialiseBlindIndexKeys(keys: readonly BlindIndexKey[]): unknown[] {
  return keys.map((k) => ({ version: k.version, key: k.key.toString('base64'), created_at: k.createdAt, state: k.state }));
}

/**
 * Makes a new active version; the active one becomes retiring. Returns null (nothing changed) when
 * `expectedActive` is given and is no longer the active version: another process rotated first.
 */
export function rotateBlindIndexKeys(keys: BlindIndexKey[], createdAt: string, expectedActive?: number): number | null {
  const active = activeBlindIndexKey(keys);
  if (expectedActive !== undefined && active.version !== expectedActive) return null;
  // Keeps the list at active + one retiring, so lookups test at most two digests and a version's
  // window ends when the rotation after next is due, never later.
  if (keys.some((k) => k.state === 'retiring')) throw new BlindIndexRotationRefused();
  active.state = 'retiring';
  const version = active.version + 1;
  keys.push({ version, key: randomBytes(32), createdAt, state: 'active' });
  return version;
}

/** Zeroes and removes a retiring version. Returns false when it is not there (already destroyed). */
export function destroyBlindIndexKey(keys: BlindIndexKey[], version: number): boolean {
  const index = keys.findIndex((k) => k.version === version);
  if (index < 0) return false;
  if (keys[index]!.state === 'active') throw new Error('the active blind index key cannot be destroyed');
  keys[index]!.key.fill(0);
  keys.splice(index, 1);
  return true;
}
