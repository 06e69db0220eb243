// Unwrapped data keys, kept per process for a short while so a subject's second read in a request
// (or the next request) does not unwrap again, which with a KMS is a network call. A subject's data
// key never changes during its life, so a cached copy cannot be stale; what can change is whether
// it may still be used, and that is decided outside the cache on every use:
//  - reads and writes find the subject's wrapped-key row in the same statement that touches the
//    data, and erasure deletes that row, so in every process sharing the database an erased
//    subject's read or write finds nothing at once;
//  - a read also compares the wrapped key it found with the cached one, and every use asks the
//    keyring file (re-read when another process changed it) whether the leaf was punctured, so a
//    database restored from before an erasure does not bring a cached key back into use.
// The cache is bounded (least recently used out first) and entries expire. A timer (unref'd,
// stopped by `close`) drops expired entries, so an unwrapped key does not sit in memory longer
// than its time to live plus one sweep interval, even when no other key ever pushes it out.
//
// Ownership: `set` takes the data-key buffer it is given (callers hand it a copy if they go on
// using theirs), and `get` hands out copies. So the cache can zero every key it drops (expired,
// evicted, deleted, cleared) without ever zeroing a key an operation is still encrypting with.

export interface CachedKey {
  kind: string;
  leaf: number;
  wrapped: Buffer;
  dataKey: Buffer;
}

interface Entry extends CachedKey {
  expiresAt: number;
}

export interface KeyCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  /** How often expired entries are dropped and zeroed; default a quarter of the TTL. 0: no timer. */
  sweepEveryMs?: number;
  now?: () => number;
}

/** A copy outside Node's shared buffer pool, so zeroing it zeroes the only copy the cache made. */
export function copyKey(key: Buffer): Buffer {
  const copy = Buffer.alloc(key.length);
  key.copy(copy);
  return copy;
}

export class KeyCache {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(options: KeyCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 5000;
    this.ttlMs = options.ttlMs ?? 60_000;
    this.#now = options.now ?? (() => Date.now());
    const every = options.sweepEveryMs ?? Math.max(1000, Math.floor(this.ttlMs / 4));
    if (every > 0) {
      this.#timer = setInterval(() => this.sweep(), every);
      this.#timer.unref();
    }
  }

  get(subjectId: string): CachedKey | undefined {
    const entry = this.#entries.get(subjectId);
    if (!entry) return undefined;
    this.#entries.delete(subjectId);
    if (entry.expiresAt <= this.#now()) {
      entry.dataKey.fill(0);
      return undefined;
    }
    this.#entries.set(subjectId, entry);
    return { kind: entry.kind, leaf: entry.leaf, wrapped: entry.wrapped, dataKey: copyKey(entry.dataKey) };
  }

  /** Caches a key; the cache now owns `key.dataKey` and zeroes it when the entry goes. */
  set(subjectId: string, key: CachedKey): void {
    this.delete(subjectId);
    this.#entries.set(subjectId, { ...key, expiresAt: this.#now() + this.ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  delete(subjectId: string): void {
    const entry = this.#entries.get(subjectId);
    if (!entry) return;
    entry.dataKey.fill(0);
    this.#entries.delete(subjectId);
  }

  /** Drops and zeroes every expired entry; returns how many. */
  sweep(): number {
    const now = this.#now();
    let dropped = 0;
    for (const [subjectId, entry] of this.#entries) {
      if (entry.expiresAt > now) continue;
      entry.dataKey.fill(0);
      this.#entries.delete(subjectId);
      dropped++;
    }
    return dropped;
  }

  clear(): void {
    for (const entry of this.#entries.values()) entry.dataKey.fill(0);
    this.#entries.clear();
  }

  /** Stops the sweep timer and zeroes every key (the kernel is closing). */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
