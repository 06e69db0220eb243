// Hot statements of a fixed shape, compiled once. Kysely builds and compiles a query builder's
// statement on every call (an immutable node tree, then a visitor over it): some 50 µs each, a
// seventh of the shop's own CPU per checkout. A statement whose SQL never changes is built once
// with stand-ins for its values, and each call only puts the values in the stand-ins' slots.
import { type CompiledQuery, createQueryId, type RootOperationNode, DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { markPrepared } from './prepared.ts';

/** Compiles only (both engines compile with PostgreSQL's compiler); never connects. */
const compiler = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

class Slot {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

/**
 * `compiledOnce(['cartId'], (db, p) => db.selectFrom('cart_lines')…where('cart_id', '=', p.cartId))`
 * returns `(db, p) => CompiledQuery` for `db.executeQuery`. Only for statements whose SQL does not
 * depend on the values: no `in` list, no value that may be undefined (a column Kysely would leave
 * out), no value used by JavaScript in `build` or put in the text (`sql.lit`). Each name must reach
 * the statement as a parameter (checked when it is built) and every call must give every name a
 * defined value (checked on each call). `prepared` marks it a named prepared statement (prepared.ts).
 * The statement still passes `db`'s plugins (a test's statement count, the bench's log); one that
 * rewrites it gets it compiled again from what it returned.
 */
export function compiledOnce<P extends Record<string, unknown>, R>(
  names: readonly (keyof P & string)[],
  build: (db: Kysely<any>, p: P) => { compile(provider: Kysely<any>): CompiledQuery<R> },
  options: { prepared?: boolean } = {},
): (db: Pick<Kysely<any>, 'getExecutor'>, p: P) => CompiledQuery<R> {
  let compiled: { sql: string; query: RootOperationNode; parameters: readonly unknown[] } | undefined;
  const compile = () => {
    const stand = Object.fromEntries(names.map((n) => [n, new Slot(n)])) as unknown as P;
    // A query builder compiles with its own executor, a `sql` template with the one it is given.
    const q = build(compiler, stand).compile(compiler);
    for (const n of names) if (!q.parameters.some((v) => v instanceof Slot && v.name === n)) throw new Error(`compiledOnce: "${n}" is not a parameter of ${q.sql}`);
    // Kysely compiles `in` with one value for a stand-in (`in $1`), which PostgreSQL refuses once a
    // list arrives; a list's length shapes the SQL, so such a statement is not one to compile once.
    const list = / in \$(\d+)/.exec(q.sql);
    if (list) throw new Error(`compiledOnce: "${(q.parameters[Number(list[1]) - 1] as Slot).name}" is an \`in\` list, whose length shapes the SQL (use \`= any(…)\` with an array)`);
    return { sql: options.prepared ? markPrepared(q.sql) : q.sql, query: q.query, parameters: q.parameters };
  };
  const fill = (parameters: readonly unknown[], p: P) =>
    parameters.map((v) => {
      if (!(v instanceof Slot)) return v;
      const value = p[v.name];
      if (value === undefined) throw new Error(`compiledOnce: no value for "${v.name}"`);
      return value;
    });
  return (db, p) => {
    compiled ??= compile();
    const queryId = createQueryId();
    const executor = db.getExecutor();
    const node = executor.transformQuery(compiled.query, queryId);
    if (node === compiled.query) return { sql: compiled.sql, query: node, parameters: fill(compiled.parameters, p), queryId };
    const again = executor.compileQuery<R>(node, queryId);
    return { ...again, sql: options.prepared ? markPrepared(again.sql) : again.sql, parameters: fill(again.parameters, p) };
  };
}
