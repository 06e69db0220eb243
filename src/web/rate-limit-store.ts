// The rate limit's store (@fastify/rate-limit's `store` option) over a module's RequestCounter, so
// its counts are kept where the counter keeps them (the database: every process counts against one
// limit, decision 0066). A route with its own limit counts under its own key prefix.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RequestCounter } from '../platform/module.ts';

/** Told of a count that failed; called at most once a minute per store family. */
export type CountFailed = (err: Error) => void;

class CounterStore implements FastifyRateLimitStore {
  readonly #counter: RequestCounter;
  readonly #prefix: string;
  readonly #failed: CountFailed;

  constructor(counter: RequestCounter, prefix: string, failed: CountFailed) {
    this.#counter = counter;
    this.#prefix = prefix;
    this.#failed = failed;
  }

  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
    this.#counter.hit(this.#prefix + key, timeWindow).then(
      ({ hits, ttlMs }) => callback(null, { current: hits, ttl: ttlMs }),
      (err: Error) => {
        this.#failed(err);
        callback(err);
      },
    );
  }

  child(options: unknown): FastifyRateLimitStore {
    // The plugin hands a route's merged settings, its route under `routeInfo` (as its Redis store reads it).
    const route = (options as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo ?? {};
    return new CounterStore(this.#counter, `${this.#prefix}${String(route.method ?? '')} ${String(route.url ?? '')}\0`, this.#failed);
  }
}

/**
 * The store class the plugin constructs (`new store(settings)`), counting with `counter`. A failed
 * count is passed to the plugin (which lets the request through under `skipOnError`) and reported
 * to `failed` at most once a minute, so an outage does not write a log line per request.
 */
export function counterStore(counter: RequestCounter, failed: CountFailed, now: () => number = Date.now): FastifyRateLimitStoreCtor {
  let lastReported = Number.NEGATIVE_INFINITY;
  const report: CountFailed = (err) => {
    const at = now();
    if (at - lastReported < 60_000) return;
    lastReported = at;
    failed(err);
  };
  return class extends CounterStore {
    constructor() {
      super(counter, '', report);
    }
  };
}
