// The rate limit's store (@fastify/rate-limit's `store` option) over a module's RequestCounter, so
// its counts are kept where the counter keeps them (the database: every process counts against one
// limit, decision 0066). A route with its own limit counts under its own key prefix.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RequestCounter } from '../platform/module.ts';

class CounterStore implements FastifyRateLimitStore {
  readonly #counter: RequestCounter;
  readonly #prefix: string;

  constructor(counter: RequestCounter, prefix: string) {
    this.#counter = counter;
    this.#prefix = prefix;
  }

  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
    this.#counter.hit(this.#prefix + key, timeWindow).then(
      ({ hits, ttlMs }) => callback(null, { current: hits, ttl: ttlMs }),
      (err: Error) => callback(err),
    );
  }

  child(options: unknown): FastifyRateLimitStore {
    // The plugin hands a route's merged settings, its route under `routeInfo` (as its Redis store reads it).
    const route = (options as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo ?? {};
    return new CounterStore(this.#counter, `${this.#prefix}${String(route.method ?? '')} ${String(route.url ?? '')}\0`);
  }
}

/** The store class the plugin constructs (`new store(settings)`), counting with `counter`. */
export function counterStore(counter: RequestCounter): FastifyRateLimitStoreCtor {
  return class extends CounterStore {
    constructor() {
      super(counter, '');
    }
  };
}
