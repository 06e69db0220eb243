// Named prepared statements for a few hot statements. A statement whose SQL starts with the
// `prepared` marker is parsed and planned once per connection and then only bound and executed:
// on PGlite that saves most of the cost of a short statement (each unnamed query is parsed,
// planned and described again inside WebAssembly), on PostgreSQL the server-side parse and plan.
// Everything else runs as before. The statement's name is a hash of its text, so two texts never
// share a name, and each connection keeps at most MAX_PREPARED of them (then runs unnamed).
import { createHash } from 'node:crypto';
import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';
import { sql, type Compilable, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type pg from 'pg';

const MARK = '/* prepared */ ';
export const MAX_PREPARED = 200;

/** Put first in a statement: sql`${prepared}select …`. Only for statements run again and again. */
export const prepared: RawBuilder<unknown> = sql.raw(MARK);

/** A query builder's statement, marked: `db.executeQuery(preparedQuery(query))`. Only for statements run again and again. */
export function preparedQuery<R>(query: Compilable<R>): CompiledQuery<R> {
  const compiled = query.compile();
  return { ...compiled, sql: markPrepared(compiled.sql) };
}

/** Runs a query builder's statement marked (see `preparedQuery`) and returns its rows. */
export async function preparedRows<R>(db: Pick<Kysely<unknown>, 'executeQuery'>, query: Compilable<R>): Promise<R[]> {
  return (await db.executeQuery(preparedQuery(query))).rows;
}

export const isPrepared = (text: string): boolean => text.startsWith(MARK);

export const markPrepared = (text: string): string => (isPrepared(text) ? text : `${MARK}${text}`);

const statementNames = new Map<string, string>();

/** The statement's name; remembered per text (a checkout runs some 40 marked statements, each hashed again before). */
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `p_${createHash('sha256').update(text).digest('hex').slice(0, 40)}`;
    // Marked texts are a fixed set in the code; the bound only keeps a mistake from growing without end.
    if (statementNames.size < 10 * MAX_PREPARED) statementNames.set(text, name);
  }
  return name;
}

/**
 * Makes a node-postgres client run marked statements as named prepared statements. `Query` is
 * node-postgres's, from the caller that loaded it (this file is loaded with PGlite too, where `pg`
 * is not: decision 0069).
 */
export function prepareMarkedStatements(client: pg.ClientBase, Query: typeof pg.Query): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const names = new Set<string>();
  const stale = new Set<string>();
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && isPrepared(text) && Array.isArray(values) && callback === undefined) {
      const name = statementName(text);
      if (!stale.has(name) && (names.has(name) || names.size < MAX_PREPARED)) {
        names.add(name);
        return named(Query, query, name, text, values).catch((err: unknown) => {
          if (!isStalePlan(err)) throw err;
          // A migration changed the columns under it: this connection runs the text unnamed from now on.
          stale.add(name);
          return query(text, values).catch(() => {
            throw err;
          });
        });
      }
    }
    return query(text, values, callback);
  };
}

/**
 * Runs `text` as the named statement `name`. node-postgres copies a query given as a config object
 * (`{ name, text, values }`) property by property, descriptors included, before it makes its Query;
 * made from the text, the Query is only named.
 */
function named(Query: typeof pg.Query, query: (q: pg.Query) => unknown, name: string, text: string, values: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const q = new Query(text, values);
    const fields = q as unknown as { name: string; callback: (err: Error | null, res: unknown) => void };
    fields.name = name;
    fields.callback = (err, res) => (err ? reject(err) : resolve(res));
    query(q);
  });
}

/**
 * PostgreSQL refuses to run a prepared statement whose result columns changed since it was
 * prepared (a migration added a column to a `select *`), on this connection, every time. Outside a
 * transaction the statement is run again unnamed at once; inside one the transaction has failed,
 * and the next run is unnamed.
 */
function isStalePlan(err: unknown): boolean {
  return (err as { code?: string }).code === '0A000' && /cached plan must not change result type/.test((err as Error).message);
}

type BackendMessage = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

interface PreparedStatement {
  name: string;
  paramTypes: number[];
  /** The RowDescription of the statement's result, or undefined when it returns no rows. */
  rowDescription: BackendMessage | undefined;
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};

/**
 * PGlite's `query()` has no named statements, so this speaks the extended protocol itself with
 * PGlite's public protocol helpers: Parse + Describe once, then Bind + Execute + Sync in one call.
 * It runs under PGlite's own query lock, as `query()` does, and syncs to the file system after.
 */
export class PGlitePreparedStatements {
  readonly #pg: PGlite;
  readonly #statements = new Map<string, PreparedStatement>();
  /** Texts whose statement a migration made stale: run unnamed from now on (see isStalePlan). */
  readonly #stale = new Set<string>();

  constructor(pg: PGlite) {
    this.#pg = pg;
  }

  /** Whether this text runs prepared (false once MAX_PREPARED other texts are prepared). */
  accepts(text: string): boolean {
    return isPrepared(text) && !this.#stale.has(text) && (this.#statements.has(text) || this.#statements.size < MAX_PREPARED);
  }

  run<R>(text: string, params: readonly unknown[]): Promise<Results<R>> {
    const s = protocol.serialize;
    return this.#pg.runExclusive(async () => {
      let statement = this.#statements.get(text);
      if (!statement) {
        const name = statementName(text);
        const described = await this.#pg.execProtocolStream(concat(s.parse({ name, text }), s.describe({ type: 'S', name }), s.sync()), { syncToFs: false });
        statement = { name, paramTypes: parse.parseDescribeStatementResults(described), rowDescription: described.find((m) => m.name === 'rowDescription') };
        this.#statements.set(text, statement);
      }
      const types = statement.paramTypes;
      const values = params.map((value, i) => {
        if (value === null || value === undefined) return null;
        const serialize = this.#pg.serializers[types[i]!];
        return serialize ? serialize(value) : String(value);
      });
      let messages: BackendMessage[];
      try {
        messages = await this.#pg.execProtocolStream(concat(s.bind({ statement: statement.name, values }), s.execute({}), s.sync()), { syncToFs: true });
      } catch (err) {
        if (isStalePlan(err)) this.#stale.add(text);
        throw err;
      }
      const [result] = parse.parseResults(statement.rowDescription ? [statement.rowDescription, ...messages] : messages, this.#pg.parsers);
      return (result ?? { rows: [], fields: [], affectedRows: 0 }) as Results<R>;
    });
  }
}
