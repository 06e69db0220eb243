// Blind indexes: exact lookup of a declared field (today only the email) without storing it. The
// digest is HMAC-SHA256 under a per-category key derived from a blind-index key of the keyring,
// which is separate from the encryption keys. Without that key a digest cannot be tested against
// guesses; no plain hash and no global salt are used. The keys are versioned and rotated, and old
// versions destroyed, so an old backup's digests stop being testable at all (decision 0023).
import { createHmac } from 'node:crypto';
import type { BlindIndexNormaliser } from '../datamap/types.ts';
import type { BlindIndexKey } from './blind-index-keys.ts';

export function normalise(kind: BlindIndexNormaliser, value: string): string {
  const v = value.normalize('NFKC').trim();
  switch (kind) {
    case 'email':
      return v.toLowerCase();
    case 'phone': {
      const digits = v.replace(/\D/g, '');
      return v.startsWith('+') ? `+${digits}` : digits;
    }
    case 'bank_account':
      return v.replace(/[\s-]/g, '').toUpperCase();
    case 'exact':
      return v;
  }
}

export interface VersionedDigest {
  version: number;
  digest: Buffer;
}

/** Where the indexer takes its keys from on every use: the keyring file as it is now. */
export interface BlindIndexKeySource {
  blindIndexKeys(): readonly Readonly<BlindIndexKey>[];
}

interface Derived {
  /** The keyring's key bytes these were derived from (a new object after every change of the file). */
  from: Buffer;
  categoryKeys: Map<string, Buffer>;
}

/**
 * Digests under the keyring's blind-index keys. Per-category keys are derived once per key version
 * and dropped (zeroed) as soon as the keyring no longer holds that version's bytes, so a destroyed
 * key leaves no derived copy behind in any process that noticed the change.
 */
export class BlindIndexer {
  readonly #source: BlindIndexKeySource;
  readonly #derived = new Map<number, Derived>();

  constructor(source: BlindIndexKeySource) {
    this.#source = source;
  }

  /** The digest under the active key, with that key's version (both from one look at the keyring). */
  activeDigest(category: string, kind: BlindIndexNormaliser, value: string): VersionedDigest {
    const keys = this.#current();
    const active = keys.find((k) => k.state === 'active')!;
    return { version: active.version, digest: this.#digest(active, category, normalise(kind, value)) };
  }

  /** The digest under the active key. */
  digest(category: string, kind: BlindIndexNormaliser, value: string): Buffer {
    return this.activeDigest(category, kind, value).digest;
  }

  /** The digest under every version the keyring holds (active and retiring): what a lookup matches. */
  digestsUnderEveryKey(category: string, kind: BlindIndexNormaliser, value: string): VersionedDigest[] {
    const normalised = normalise(kind, value);
    return this.#current().map((k) => ({ version: k.version, digest: this.#digest(k, category, normalised) }));
  }

  #current(): readonly Readonly<BlindIndexKey>[] {
    const keys = this.#source.blindIndexKeys();
    for (const [version, derived] of this.#derived) {
      if (keys.some((k) => k.version === version && k.key === derived.from)) continue;
      for (const key of derived.categoryKeys.values()) key.fill(0);
      this.#derived.delete(version);
    }
    return keys;
  }

  #digest(key: Readonly<BlindIndexKey>, category: string, normalised: string): Buffer {
    let derived = this.#derived.get(key.version);
    if (!derived) {
      derived = { from: key.key, categoryKeys: new Map() };
      this.#derived.set(key.version, derived);
    }
    let categoryKey = derived.categoryKeys.get(category);
    if (!categoryKey) {
      // The label names the derivation, not the key version: version 1's digests stay those of the single key before.
      categoryKey = createHmac('sha256', key.key).update(`custodian/blind-index/v1/${category}`).digest();
      derived.categoryKeys.set(category, categoryKey);
    }
    return createHmac('sha256', categoryKey).update(normalised, 'utf8').digest();
  }
}
