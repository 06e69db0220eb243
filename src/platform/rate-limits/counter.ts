// The rate limit's counts in the database, so every web process on it counts against the same
// limit (decision 0066). One statement per request: an upsert of the client's row that adds one to
// its count, or starts a new window at one when the row's window has ended, and returns the count
// and the window's end. The row lock serialises concurrent requests of one client, so no two
// processes see the same count. A window starts at a client's first request (as the plugin's own
// per-process store does). The client's key (its address) is kept only as an HMAC under a key
// derived from the keyring, which every process of the shop shares.
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { tablesOf, type Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import type { RequestCounter } from '../module.ts';
import type { RateLimitsTables } from './tables.ts';

export const KEY_DOMAIN = 'rate-limits.client';

export interface CounterOptions {
  db: Db;
  /** The HMAC key of the client keys, the same in every process (the keyring's keyed digest); read on the first hit. */
  digestKey: () => Buffer;
  now?: () => number;
}

export function databaseCounter(options: CounterOptions): RequestCounter {
  const now = options.now ?? Date.now;
  let key: Buffer | null = null;
  return {
    async hit(client, windowMs) {
      key ??= options.digestKey();
      const at = now();
      const digest = createHmac('sha256', key).update(client).digest();
      const { rows } = await sql<{ hits: number; window_end: Date }>`${prepared}insert into rate_limits as r (key_digest, window_end, hits)
        values (${digest}, ${new Date(at + windowMs)}, 1)
        on conflict (key_digest) do update set
          hits = case when r.window_end <= ${new Date(at)} then 1 else r.hits + 1 end,
          window_end = case when r.window_end <= ${new Date(at)} then excluded.window_end else r.window_end end
        returning hits, window_end`.execute(options.db);
      const row = rows[0]!;
      return { hits: row.hits, ttlMs: Math.max(0, new Date(row.window_end).getTime() - at) };
    },
  };
}

/** Deletes the rows whose window has ended (a client's next request starts a new one anyway); returns how many. */
export async function deleteEndedWindows(db: Db, now: Date = new Date()): Promise<number> {
  const result = await tablesOf<RateLimitsTables>(db).deleteFrom('rate_limits').where('window_end', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
