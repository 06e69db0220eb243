// How long a failed job waits before its next attempt: doubling from `baseMs` per attempt, capped
// at `maxMs`, plus up to 25 % random jitter so jobs that failed together do not retry together.
// Because the jitter is under 100 %, each delay is still longer than the one before (until the cap).

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 5_000, maxMs: 3_600_000 };

/** Delay after failed attempt number `attempt` (1 = the first try failed). */
export function retryDelayMs(attempt: number, backoff: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (1 + 0.25 * random()));
}
