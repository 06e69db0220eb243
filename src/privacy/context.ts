// What every kernel operation needs: the data map, the keys, the root database handle (for audit
// rows that must outlive the caller's transaction) and the clock.
import type { Db } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import { BlindIndexer } from './crypto/blind-index.ts';
import type { FileKeyring, MasterKeyProvider } from './crypto/keyring.ts';
import type { DataMap } from './datamap/types.ts';

export interface CachedKey {
  kind: string;
  wrapped: Buffer;
  dataKey: Buffer;
}

export interface KernelContext {
  map: DataMap;
  keyring: FileKeyring;
  masterKeys: MasterKeyProvider;
  blind: BlindIndexer;
  rootDb: Db;
  log: Logger | null;
  now(): Date;
  /** Unwrapped data keys by subject id (bounded; an entry is used only while its wrapped key still matches the database). */
  keyCache: Map<string, CachedKey>;
  keyCacheSize: number;
  /** Audit writes running outside a caller's transaction (refusals); awaited by `flush`. */
  pending: Set<Promise<void>>;
}

export function newContext(options: {
  map: DataMap;
  keyring: FileKeyring;
  masterKeys?: MasterKeyProvider;
  rootDb: Db;
  log?: Logger | null;
  now?: () => Date;
  keyCacheSize?: number;
}): KernelContext {
  return {
    map: options.map,
    keyring: options.keyring,
    masterKeys: options.masterKeys ?? options.keyring,
    blind: new BlindIndexer(options.keyring.blindIndexKey()),
    rootDb: options.rootDb,
    log: options.log ?? null,
    now: options.now ?? (() => new Date()),
    keyCache: new Map(),
    keyCacheSize: options.keyCacheSize ?? 10_000,
    pending: new Set(),
  };
}

export function cacheKey(ctx: KernelContext, subjectId: string, entry: CachedKey): void {
  ctx.keyCache.delete(subjectId);
  ctx.keyCache.set(subjectId, entry);
  if (ctx.keyCache.size > ctx.keyCacheSize) {
    const oldest = ctx.keyCache.keys().next().value;
    if (oldest !== undefined) ctx.keyCache.delete(oldest);
  }
}
