// Idempotent commands: the first request with a key runs, and its result is stored in the same
// transaction as its writes; a later request with that key gets the stored result; one running at
// the same time waits for the first (the primary key's row lock), then gets its result, or a 409 if
// it waited too long; the same key with another request is a 422. A result of 500 or more is not
// stored (the row is deleted before commit), so a retry after a failure runs again (decision 0018).
import { createHash, createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { tablesOf, type Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import { AppError, validationError } from '../errors.ts';
import type { IdempotencyTables, IdempotentBody } from './tables.ts';

export type { IdempotentBody } from './tables.ts';

export interface IdempotentResult {
  /** HTTP status of the answer; 500 or more means "failed, may be retried" and is not kept. */
  status: number;
  body: IdempotentBody;
}

export interface IdempotencyRequest {
  /** What the key is for, e.g. 'checkout'; keys of different scopes never meet. */
  scope: string;
  /** The client's key (a form's hidden field, an `Idempotency-Key` header). */
  key: string;
  /**
   * Who made the key: an opaque, unguessable id of the cart, session or actor it came from (e.g.
   * the cart cookie). The same key from another owner is another request, so a key seen elsewhere
   * never replays someone else's answer (decision 0029).
   */
  owner: string;
  /** `fingerprint(key, request)`. */
  requestHash: Buffer;
}

export interface IdempotencyOptions {
  /** How long a stored result answers repeats. */
  ttlSeconds?: number;
  /** How long a repeat waits for a first request still running before answering 409. */
  waitMs?: number;
}

export const DEFAULT_TTL_SECONDS = 24 * 3600;
export const DEFAULT_WAIT_MS = 20_000;
const KEY_SHAPE = /^[\x21-\x7e]{8,255}$/;
// Never a final status: marks the row of a first request still inside its transaction.
const RUNNING = 102;

/** Throws a 400 naming `field` unless `value` is a usable key (8–255 visible ASCII characters). */
export function checkIdempotencyKey(value: unknown, field: string): string {
  if (typeof value !== 'string' || !KEY_SHAPE.test(value)) {
    throw validationError(field, 'must be 8 to 255 visible ASCII characters (a random id per attempt)');
  }
  return value;
}

/** A stable JSON text: object keys sorted, so the same request always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** HMAC of the request under the key: the table holds only the key's digest, so it proves nothing about the request to whoever lacks the key. */
export function fingerprint(key: string, request: unknown): Buffer {
  return createHmac('sha256', key).update(canonicalJson(request)).digest();
}

/** The key as its owner's: what the table stores (a digest; neither the key nor the owner is kept). */
const digest = (owner: string, key: string) => createHash('sha256').update(`${owner}\0${key}`).digest();

/**
 * A short stable id for this owner's key, for the commands it runs that need their own
 * idempotency key downstream (a payment's): bounded length whatever the client's key, and
 * distinct per owner. `label` keeps ids of different uses apart.
 */
export function ownedKeyId(label: string, owner: string, key: string): string {
  return createHash('sha256').update(`${label}\0${owner}\0${key}`).digest('base64url');
}

function isLockTimeout(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '55P03';
}

export async function withIdempotency(
  db: Db,
  request: IdempotencyRequest,
  run: (trx: Db) => Promise<IdempotentResult>,
  options: IdempotencyOptions = {},
): Promise<{ result: IdempotentResult; replayed: boolean }> {
  if (!request.owner) throw new Error('an idempotency key needs its owner');
  const keyDigest = digest(request.owner, request.key);
  const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const waitMs = Math.max(1, Math.round(options.waitMs ?? DEFAULT_WAIT_MS));
  return db.transaction().execute(async (trx) => {
    const t = tablesOf<IdempotencyTables>(trx);
    // One round trip: the insert's source row sets this transaction's lock_timeout (so a duplicate
    // waits for the first at most waitMs), and the inserted row's RETURNING puts the earlier value
    // back. A conflict returns no row: the rare path (a replay) puts it back itself.
    const claim = async (): Promise<boolean> => {
      try {
        const { rows } = await sql<{ scope: string }>`${prepared}with prior as (select current_setting('lock_timeout') as lock_timeout),
          waiting as (select set_config('lock_timeout', ${String(waitMs)}, true) from prior)
          insert into idempotency_keys (scope, key_digest, request_hash, response_status, response_body, expires_at)
          select ${request.scope}, ${keyDigest}, ${request.requestHash}, ${sql.lit(RUNNING)}, '{}', now() + make_interval(secs => ${ttl}) from waiting
          on conflict (scope, key_digest) do nothing
          returning scope, set_config('lock_timeout', (select lock_timeout from prior), true) as lock_timeout`.execute(trx);
        if (rows.length > 0) return true;
        await sql`set local lock_timeout to default`.execute(trx);
        return false;
      } catch (err) {
        if (isLockTimeout(err)) throw new AppError('IDEMPOTENCY_IN_PROGRESS');
        throw err;
      }
    };

    let claimed = await claim();
    if (!claimed) {
      const stored = await t
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'response_status', 'response_body', sql<boolean>`expires_at <= now()`.as('expired')])
        .where('scope', '=', request.scope)
        .where('key_digest', '=', keyDigest)
        .executeTakeFirst();
      if (!stored || stored.expired) {
        // An expired key is as good as unused.
        await t.deleteFrom('idempotency_keys').where('scope', '=', request.scope).where('key_digest', '=', keyDigest).execute();
        claimed = await claim();
        if (!claimed) throw new AppError('IDEMPOTENCY_IN_PROGRESS');
      } else {
        if (!Buffer.from(stored.request_hash).equals(request.requestHash)) throw new AppError('IDEMPOTENCY_KEY_REUSED');
        if (stored.response_status === RUNNING) throw new AppError('IDEMPOTENCY_IN_PROGRESS');
        return { result: { status: stored.response_status, body: stored.response_body }, replayed: true };
      }
    }

    const result = await run(trx);
    const where = t.deleteFrom('idempotency_keys').where('scope', '=', request.scope).where('key_digest', '=', keyDigest);
    if (result.status >= 500 || result.status < 100) {
      await where.execute();
    } else {
      await t
        .updateTable('idempotency_keys')
        .set({ response_status: result.status, response_body: JSON.stringify(result.body) })
        .where('scope', '=', request.scope)
        .where('key_digest', '=', keyDigest)
        .execute();
    }
    return { result, replayed: false };
  });
}

/** Deletes results whose time is up (the sweep job). */
export async function deleteExpiredKeys(db: Db): Promise<number> {
  const rows = await tablesOf<IdempotencyTables>(db).deleteFrom('idempotency_keys').where('expires_at', '<', sql<Date>`now()`).returning('scope').execute();
  return rows.length;
}
