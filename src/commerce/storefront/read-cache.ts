// A bounded, least-recently-used cache of storefront reads, emptied whenever the catalogue
// changes. Why serving from it is safe:
// - Every catalogue write sends NOTIFY 'catalogue_changed' inside its transaction. PostgreSQL
//   (and PGlite) deliver a NOTIFY only after that transaction commits, to every listening
//   session, so every process (web and worker, on any machine) empties its cache once the change
//   is visible, and never for a change that rolled back.
// - A read that started before the change may finish after the notification arrived. Each clear
//   starts a new generation, and a load only stores its result if no clear happened while it ran,
//   so such an old read is served to the request that asked for it and never cached.
// - If notifications stop arriving (a lost LISTEN connection), entries still expire after
//   `maxAgeMs`, which bounds how stale a page can get.
// Only present values are cached: an unknown key (a mistyped slug) costs a query, not a slot.

export interface ReadCacheOptions {
  maxEntries: number;
  maxAgeMs: number;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class ReadCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  // Loads under way, so a burst of requests for one cold key runs one query.
  readonly #loading = new Map<string, Promise<V | undefined>>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #generation = 0;

  constructor(options: ReadCacheOptions) {
    if (options.maxEntries < 1) throw new Error('maxEntries must be at least 1');
    this.#maxEntries = options.maxEntries;
    this.#maxAgeMs = options.maxAgeMs;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value of `key`, or the result of `load()` (cached unless undefined). */
  get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      if (entry.expiresAt > this.#now()) {
        // Re-inserting moves the key to the young end of the Map's insertion order.
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        return Promise.resolve(entry.value);
      }
      this.#entries.delete(key);
    }
    const pending = this.#loading.get(key);
    if (pending !== undefined) return pending;

    const generation = this.#generation;
    const loading = load().then(
      (value) => {
        if (this.#generation === generation) {
          this.#loading.delete(key);
          if (value !== undefined) this.#store(key, value);
        }
        return value;
      },
      (err: unknown) => {
        if (this.#generation === generation) this.#loading.delete(key);
        throw err;
      },
    );
    this.#loading.set(key, loading);
    return loading;
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
    this.#loading.clear();
  }

  #store(key: string, value: V): void {
    this.#entries.set(key, { value, expiresAt: this.#now() + this.#maxAgeMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}
