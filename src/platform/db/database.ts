// Opens the one database: PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite under
// DATA_DIR. Both speak the same SQL and run the same migrations; the handle also exposes
// LISTEN/NOTIFY so processes can tell each other that cached data changed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { prepareMarkedStatements } from './prepared.ts';

export type Engine = 'pglite' | 'postgres';

/**
 * The untyped root handle. Each module narrows it to its own tables with `tablesOf<T>(db)`, so a
 * module's code cannot name another module's tables without saying so.
 */
export type Db = Kysely<any>;

export interface DatabaseHandle {
  engine: Engine;
  db: Db;
  /** Subscribe to a NOTIFY channel; returns an unsubscribe function. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /** Embedded database only: a dump of its whole data directory (a backup, or a test template). */
  dumpPGlite?: () => Promise<Blob>;
  close(): Promise<void>;
  /**
   * Where reads that tolerate a little lag go: storefront catalogue pages of anonymous visitors and
   * aggregate staff reports. The read replica of DATABASE_REPLICA_URL, else `db` itself (decision 0068).
   * Never for a read in a request that wrote, nor for personal data (the kernel audits: a write).
   */
  reader: Db;
  /** Whether `reader` is a replica (DATABASE_REPLICA_URL), not `db`. */
  readerIsReplica: boolean;
  /**
   * For a read whose result is kept (a cached page) or that must see the caller's own writes: the
   * replica once it has replayed everything the primary had committed when this was called
   * (waiting up to ~0.1 s), otherwise `db`. Without a replica, `db` at once.
   */
  freshReader(): Promise<Db>;
}

const INT8_OID = 20;
const parseInt8 = (value: string) => {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
};

export function tablesOf<T>(db: Db): Kysely<T> {
  return db as Kysely<T>;
}

export interface OpenOptions {
  databaseUrl: string | null;
  /** Directory for the embedded database; `null` opens an in-memory one (tests). */
  pgliteDir: string | null;
  poolSize?: number;
  /** In-memory PGlite only: start from this dump of a data directory (tests reuse a migrated one). */
  pgliteTemplate?: Blob;
  /** File-based PGlite only: fill the new (empty) directory from this dump of a data directory (a restore). */
  pgliteRestore?: Blob;
  /**
   * PostgreSQL only: a direct connection for what needs a session (LISTEN), when `databaseUrl` is a
   * transaction-mode pooler such as PgBouncer; queries then run unnamed (decision 0067).
   */
  directUrl?: string | null;
  /** PostgreSQL only: URL of a streaming read replica of `databaseUrl` (DATABASE_REPLICA_URL). */
  replicaUrl?: string | null;
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.replicaUrl && !options.databaseUrl) throw new Error('A read replica needs a PostgreSQL primary (DATABASE_URL); the embedded database has none.');
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10, options.directUrl ?? null, options.replicaUrl ?? null)
    : openPGlite(options.pgliteDir, options.pgliteDir ? options.pgliteRestore : options.pgliteTemplate);
}

export function pgliteDirFor(dataDir: string): string {
  return join(dataDir, 'pglite');
}

// PGlite's memory (decision 0069): Postgres' shared buffers live in PGlite's WebAssembly memory and
// are touched as pages are read; the default of 128 MB is more than the demo shop's whole database,
// which the operating system's file cache keeps anyway. (The other large share, V8 compiling
// Postgres with its optimising compiler, is turned off by `--liftoff-only` in package.json's scripts:
// V8 flags cannot be changed once the process runs.)
// PGlite runs one backend (single-user mode), yet Postgres sizes its per-connection shared structures
// (process slots, lock tables) for max_connections, 100 by default: 5 leaves some 4 MB untouched.
// The lock table is sized by both: 128 locks per slot keep some 2,400 (7,300 at the defaults), four
// times what one transaction touching every table, index and sequence takes (a move or a restore into
// PGlite: some 600 with the TOAST tables); 64 would leave twice that as the schema grows.
const PGLITE_START_PARAMS = [
  ...PGlite.defaultStartParams,
  ...['shared_buffers=8MB', 'maintenance_work_mem=16MB', 'max_connections=5', 'superuser_reserved_connections=1', 'reserved_connections=0', 'max_locks_per_transaction=128'].flatMap((setting) => [
    '-c',
    setting,
  ]),
];

/** `load`: the dump a new database starts from (a test template in memory, or a restore into `dir`). */
async function openPGlite(dir: string | null, load?: Blob): Promise<DatabaseHandle> {
  if (dir) mkdirSync(dir, { recursive: true });
  const unlock = dir ? lockDataDir(dir) : () => {};
  let client: PGlite;
  try {
    // pg_trgm serves the storefront's partial-word and typo-tolerant search (decision 0037).
    const options = { parsers: { [INT8_OID]: parseInt8 }, extensions: { pg_trgm }, startParams: PGLITE_START_PARAMS, ...(load ? { loadDataDir: load } : {}) };
    client = await PGlite.create(dir ?? undefined, options);
  } catch (err) {
    unlock();
    throw err;
  }
  const db: Db = new Kysely<any>({ dialect: new PGliteDialect(client) });
  return {
    engine: 'pglite',
    db,
    reader: db,
    readerIsReplica: false,
    freshReader: async () => db,
    dumpPGlite: () => client.dumpDataDir('none'),
    async listen(channel, onMessage) {
      const unlisten = await client.listen(channel, onMessage);
      return async () => {
        if (!client.closed) await unlisten();
      };
    },
    async close() {
      try {
        await db.destroy();
        // Kysely only closes a driver it has used; the client may never have run a query.
        if (!client.closed) await client.close();
      } finally {
        unlock();
      }
    },
  };
}

async function openPostgres(url: string, max: number, directUrl: string | null = null, replicaUrl: string | null = null): Promise<DatabaseHandle> {
  // `pg` (some 20 modules) is loaded only on PostgreSQL, not with the embedded database (decision 0069).
  const { default: pg } = await import('pg');
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max, types });
  // An idle client that loses its server connection must not crash the process.
  pool.on('error', () => {});
  // Behind a transaction-mode pooler (a direct URL given) each statement may reach another server
  // session, where a statement prepared by name does not exist: the marked ones run unnamed.
  if (!directUrl) pool.on('connect', (client) => prepareMarkedStatements(client, pg.Query));
  const check = await pool.connect();
  check.release();
  const db: Db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  const replica = replicaUrl
    ? await openReplica(replicaUrl, max, types, pool).catch(async (err: unknown) => {
        // The primary's Kysely has run no query, so destroying it would not end its pool.
        await pool.end();
        throw err;
      })
    : null;
  const listeners: pg.Client[] = [];
  return {
    engine: 'postgres',
    db,
    reader: replica?.reader ?? db,
    readerIsReplica: replica !== null,
    freshReader: replica ? () => replica.fresh(db) : async () => db,
    async listen(channel, onMessage) {
      // LISTEN holds a session: through a transaction-mode pooler it would hear nothing.
      const client = new pg.Client({ connectionString: directUrl ?? url });
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (msg) => {
        if (msg.channel === channel) onMessage(msg.payload ?? '');
      });
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      listeners.push(client);
      return async () => {
        listeners.splice(listeners.indexOf(client), 1);
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all(listeners.splice(0).map((c) => c.end().catch(() => {})));
      await replica?.close();
      await db.destroy();
    },
  };
}

/**
 * The replica's pool, checked once at start (a wrong DATABASE_REPLICA_URL stops start). Later, a
 * replica that cannot be reached does not take the storefront down: its reads go to the primary.
 */
async function openReplica(url: string, max: number, types: pg.CustomTypesConfig, primary: pg.Pool): Promise<{ reader: Db; fresh(db: Db): Promise<Db>; close(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const replicaPool = new pg.Pool({ connectionString: url, max, types, connectionTimeoutMillis: 2000 });
  replicaPool.on('error', () => {});
  replicaPool.on('connect', (client) => prepareMarkedStatements(client, pg.Query));
  try {
    const check = await replicaPool.connect();
    check.release();
  } catch (err) {
    await replicaPool.end();
    throw new Error(`Cannot reach the read replica (DATABASE_REPLICA_URL): ${(err as Error).message}`);
  }
  const fallbackPool = {
    connect: () => replicaPool.connect().catch(() => primary.connect()),
    end: () => replicaPool.end(),
  };
  const reader: Db = new Kysely<any>({ dialect: new PostgresDialect({ pool: fallbackPool }) });
  return {
    reader,
    async close() {
      await reader.destroy();
      // A reader that never ran a query was never set up by Kysely, which then leaves the pool open.
      if (!replicaPool.ended) await replicaPool.end();
    },
    async fresh(db) {
      try {
        const {
          rows: [primaryAt],
        } = await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(db);
        for (let attempt = 0; attempt < 5; attempt++) {
          // Null when the reader is not replaying (a primary, a logical replica): the primary then.
          const {
            rows: [replayed],
          } = await sql<{ ok: boolean | null }>`select pg_last_wal_replay_lsn() >= ${primaryAt!.lsn}::pg_lsn as ok`.execute(reader);
          if (replayed?.ok) return reader;
          if (replayed?.ok === null) return db;
          await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt));
        }
      } catch {
        // An unreachable replica: the primary answers.
      }
      return db;
    },
  };
}
