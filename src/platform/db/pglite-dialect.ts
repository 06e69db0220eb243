// A Kysely dialect for the embedded PGlite database. PGlite is one connection in one process, so
// the driver hands that connection to one holder at a time (a FIFO mutex): a transaction owns it
// from BEGIN to COMMIT, and no other query can slip into the middle of it.
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { PGlitePreparedStatements } from './prepared.ts';

class Mutex {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #pg: PGlite;
  readonly #prepared: PGlitePreparedStatements;
  readonly release: () => void;

  constructor(pg: PGlite, prepared: PGlitePreparedStatements, release: () => void) {
    this.#pg = pg;
    this.#prepared = prepared;
    this.release = release;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const unnamed = () => this.#pg.query<R>(compiled.sql, compiled.parameters as unknown[]);
    const result = this.#prepared.accepts(compiled.sql)
      ? await this.#prepared.run<R>(compiled.sql, compiled.parameters).catch((err: unknown) => {
          // A statement a migration made stale runs unnamed from now on, this time too where it can.
          if (this.#prepared.accepts(compiled.sql)) throw err;
          return unnamed().catch(() => {
            throw err;
          });
        })
      : await unnamed();
    const affected = result.affectedRows;
    const isSelect = compiled.query.kind === 'SelectQueryNode';
    return {
      rows: result.rows,
      ...(affected !== undefined && !isSelect ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: the embedded database cannot stream; Kysely's interface asks for a generator
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries are not supported on the embedded database.');
  }
}

class PGliteDriver implements Driver {
  readonly #pg: PGlite;
  readonly #mutex = new Mutex();
  readonly #prepared: PGlitePreparedStatements;

  constructor(pg: PGlite) {
    this.#pg = pg;
    this.#prepared = new PGlitePreparedStatements(pg);
  }

  async init(): Promise<void> {
    await this.#pg.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#mutex.acquire();
    return new PGliteConnection(this.#pg, this.#prepared, release);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await connection.executeQuery(CompiledQuery.raw(`begin${level}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PGliteConnection).release();
  }

  async destroy(): Promise<void> {
    if (!this.#pg.closed) await this.#pg.close();
  }
}

export class PGliteDialect implements Dialect {
  readonly #pg: PGlite;

  constructor(pg: PGlite) {
    this.#pg = pg;
  }

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PGliteDriver(this.#pg);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
}
