// What every kernel operation needs: the data map, the keys, the root database handle (for audit
// rows that must outlive the caller's transaction) and the clock.
import type { Db } from '../platform/db/database.ts';
import type { Logger } from '../platform/logger.ts';
import { BlindIndexer } from './crypto/blind-index.ts';
import { KeyCache, type KeyCacheOptions } from './crypto/key-cache.ts';
import type { FileKeyring, MasterKeyProvider } from './crypto/keyring.ts';
import type { DataMap } from './datamap/types.ts';

export interface KernelContext {
  map: DataMap;
  keyring: FileKeyring;
  masterKeys: MasterKeyProvider;
  blind: BlindIndexer;
  rootDb: Db;
  /** Where the sealer records the audit chain's head outside the database (audit/anchor.ts); null: nowhere. */
  anchorPath: string | null;
  log: Logger | null;
  now(): Date;
  /** Unwrapped data keys by subject id: bounded, short-lived, checked on every use (crypto/key-cache.ts). */
  keyCache: KeyCache;
  /** Audit writes running outside a caller's transaction (refusals); awaited by `flush`. */
  pending: Set<Promise<void>>;
  /** The subjects each running transaction created (store/subjects.ts `dataKeyForUse`); an entry goes with its transaction. */
  createdIn: WeakMap<Db, Set<string>>;
}

export function newContext(options: {
  map: DataMap;
  keyring: FileKeyring;
  masterKeys?: MasterKeyProvider;
  rootDb: Db;
  anchorPath?: string | null;
  log?: Logger | null;
  now?: () => Date;
  keyCache?: KeyCacheOptions;
}): KernelContext {
  return {
    map: options.map,
    keyring: options.keyring,
    masterKeys: options.masterKeys ?? options.keyring,
    blind: new BlindIndexer(options.keyring),
    rootDb: options.rootDb,
    anchorPath: options.anchorPath ?? null,
    log: options.log ?? null,
    now: options.now ?? (() => new Date()),
    keyCache: new KeyCache(options.keyCache),
    pending: new Set(),
    createdIn: new WeakMap(),
  };
}
