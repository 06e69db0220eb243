// Opens the one database: PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite under
// DATA_DIR. Both speak the same SQL and run the same migrations; the handle also exposes
// LISTEN/NOTIFY so processes can tell each other that cached data changed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
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
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10) : openPGlite(options.pgliteDir, options.pgliteDir ? options.pgliteRestore : options.pgliteTemplate);
}

export function pgliteDirFor(dataDir: string): string {
  return join(dataDir, 'pglite');
}

// PGlite's memory (decision 0069): Postgres' shared buffers live in PGlite's WebAssembly memory and
// are touched as pages are read; the default of 128 MB is more than the demo shop's whole database,
// which the operating system's file cache keeps anyway. (The other large share, V8 compiling
// Postgres with its optimising compiler, is turned off by `--liftoff-only` in package.json's scripts:
// V8 flags cannot be changed once the process runs.)
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'maintenance_work_mem=16MB'];

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

async function openPostgres(url: string, max: number): Promise<DatabaseHandle> {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max, types });
  // An idle client that loses its server connection must not crash the process.
  pool.on('error', () => {});
  pool.on('connect', (client) => prepareMarkedStatements(client));
  const check = await pool.connect();
  check.release();
  const db: Db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  const listeners: pg.Client[] = [];
  return {
    engine: 'postgres',
    db,
    async listen(channel, onMessage) {
      const client = new pg.Client({ connectionString: url });
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
      await db.destroy();
    },
  };
}
