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
// The cache is bounded (least recently used out first) and entries expire, so an unwrapped key
// does not sit in memory longer than the traffic that needs it.

export interface CachedKey {
  kind: string;
  leaf: number;
  wrapped: Buffer;
  dataKey: Buffer;
}

interface Entry extends CachedKey {
  expiresAt: number;
}

export class KeyCache {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: { maxEntries?: number; ttlMs?: number; now?: () => number } = {}) {
    this.maxEntries = options.maxEntries ?? 5000;
    this.ttlMs = options.ttlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  get(subjectId: string): CachedKey | undefined {
    const entry = this.#entries.get(subjectId);
    if (!entry) return undefined;
    this.#entries.delete(subjectId);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(subjectId, entry);
    return entry;
  }

  set(subjectId: string, key: CachedKey): void {
    this.#entries.delete(subjectId);
    this.#entries.set(subjectId, { ...key, expiresAt: this.#now() + this.ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  delete(subjectId: string): void {
    this.#entries.delete(subjectId);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
