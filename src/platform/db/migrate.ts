// Runs every module's migrations in order, once. All pending migrations run in one transaction
// that first takes a transaction-scoped advisory lock, so two processes starting at once queue
// behind each other and the second finds nothing left to do.
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { splitStatements } from './sql-statements.ts';

export interface Migration {
  /** `<module>/<number>_<what>`, e.g. `catalogue/0001_tables`. Never renamed once shipped. */
  id: string;
  up(db: Db): Promise<void>;
}

// An arbitrary constant that names "the schema migration lock" among advisory locks.
const MIGRATION_LOCK = 7_200_301_001;

export async function migrate(db: Db, migrations: readonly Migration[]): Promise<string[]> {
  return db.transaction().execute((trx) => migrateWithin(trx, migrations));
}

/**
 * The same, inside a transaction the caller holds (`custodian database move` makes the schema
 * and copies the rows in one transaction, decision 0076).
 */
export async function migrateWithin(trx: Db, migrations: readonly Migration[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`Duplicate migration id ${m.id}`);
    ids.add(m.id);
  }
  await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
  await sql`create table if not exists schema_migrations (
    id text primary key,
    applied_at timestamptz not null default now()
  )`.execute(trx);
  const done = new Set((await trx.selectFrom('schema_migrations').select('id').execute()).map((r: { id: string }) => r.id));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.id)) continue;
    await migration.up(trx);
    await trx.insertInto('schema_migrations').values({ id: migration.id }).execute();
    applied.push(migration.id);
  }
  return applied;
}

/** Runs a block of SQL statements in order; function bodies, strings and comments stay intact. */
export async function runSql(db: Db, statements: string): Promise<void> {
  for (const statement of splitStatements(statements)) {
    await sql.raw(statement).execute(db);
  }
}
