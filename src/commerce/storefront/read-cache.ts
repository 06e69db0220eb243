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
  key: string;
  value: V;
  expiresAt: number;
  // Neighbours in recency order: a hit relinks its entry without touching the Map (deleting and
  // re-inserting a key, the Map-order way, churned the Map's table on every hit of a hot page).
  younger: Entry<V> | null;
  older: Entry<V> | null;
}

export class ReadCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  #youngest: Entry<V> | null = null;
  #oldest: Entry<V> | null = null;
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
        this.#touch(entry);
        return Promise.resolve(entry.value);
      }
      this.#remove(entry);
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
    this.#youngest = null;
    this.#oldest = null;
    this.#loading.clear();
  }

  #store(key: string, value: V): void {
    const existing = this.#entries.get(key);
    if (existing !== undefined) this.#remove(existing);
    const entry: Entry<V> = { key, value, expiresAt: this.#now() + this.#maxAgeMs, younger: null, older: null };
    this.#entries.set(key, entry);
    this.#link(entry);
    while (this.#entries.size > this.#maxEntries && this.#oldest !== null) this.#remove(this.#oldest);
  }

  /** Makes `entry` the most recently used. */
  #touch(entry: Entry<V>): void {
    if (this.#youngest === entry) return;
    this.#unlink(entry);
    this.#link(entry);
  }

  #link(entry: Entry<V>): void {
    entry.older = this.#youngest;
    entry.younger = null;
    if (this.#youngest !== null) this.#youngest.younger = entry;
    this.#youngest = entry;
    if (this.#oldest === null) this.#oldest = entry;
  }

  #unlink(entry: Entry<V>): void {
    if (entry.younger !== null) entry.younger.older = entry.older;
    else this.#youngest = entry.older;
    if (entry.older !== null) entry.older.younger = entry.younger;
    else this.#oldest = entry.younger;
    entry.younger = null;
    entry.older = null;
  }

  #remove(entry: Entry<V>): void {
    this.#unlink(entry);
    this.#entries.delete(entry.key);
  }
}
