// Moving a shop's data from its embedded database (PGlite) into an empty PostgreSQL database
// (`custodian database move`, decision 0076). In one transaction on the target: the shop's own
// migrations make the schema, every table of the public schema is emptied of what the migrations
// seeded and filled with the source's rows (foreign keys in order, each value as its text, which
// PostgreSQL reads back to the same value), every sequence is set where the source's stands, and
// each table's row count is compared with the source's. Anything wrong rolls the whole move back.
// The source is only read; the caller holds its data-directory lock. `copyAll` also serves the way
// back, PostgreSQL into a new embedded database (move-to-embedded.ts).
import { type RawBuilder, sql } from 'kysely';
import { AppError } from '../errors.ts';
import { type Db, openDatabase } from './database.ts';
import { type Migration, migrateWithin } from './migrate.ts';

export interface MovedTable {
  table: string;
  rows: number;
}

export interface MoveReport {
  /** The target's URL without its password. */
  target: string;
  /** Every table of the public schema, by name, with the rows copied (equal to the source's). */
  tables: MovedTable[];
  rows: number;
  sequences: number;
}

/** Rows read from the source and written in one statement, at most (fewer for wide tables). */
const BATCH_ROWS = 500;
/** PostgreSQL takes at most 65535 parameters in one statement. */
const MAX_PARAMETERS = 30_000;

/** A postgres:// URL as it may be shown: without its password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'the URL given';
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

const failed = (message: string) => new AppError('CONFLICT', `${message} Nothing was written to the target.`);

interface Column {
  name: string;
  type: string;
  generated: boolean;
  identity: boolean;
}

async function tablesIn(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`.execute(db);
  return rows.map((r) => r.name);
}

async function sequencesIn(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'S' order by c.relname`.execute(db);
  return rows.map((r) => r.name);
}

async function columnsOf(db: Db, table: string): Promise<Column[]> {
  const { rows } = await sql<Column>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attgenerated <> '' as generated, a.attidentity = 'a' as identity
    from pg_attribute a where a.attrelid = ${`public.${quote(table)}`}::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`.execute(db);
  return rows;
}

/** Relations, sequences, views or types anyone made outside PostgreSQL's own schemas: a non-empty target. */
async function objectsIn(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'`.execute(db);
  return rows[0]!.n;
}

export interface ForeignKey {
  name: string;
  table: string;
  references: string;
  deferrable: boolean;
}

async function foreignKeys(db: Db): Promise<ForeignKey[]> {
  const { rows } = await sql<ForeignKey>`
    select k.conname as name, t.relname as table, r.relname as references, k.condeferrable as deferrable
    from pg_constraint k join pg_class t on t.oid = k.conrelid join pg_class r on r.oid = k.confrelid join pg_namespace n on n.oid = k.connamespace
    where k.contype = 'f' and n.nspname = 'public' order by t.relname, k.conname`.execute(db);
  return rows;
}

/**
 * The tables in an order where each comes after the tables it references; the keys that cannot be
 * kept in order (a table referencing itself, a cycle) are returned to be checked at the end instead.
 */
export function loadOrder(tables: readonly string[], keys: readonly ForeignKey[]): { order: string[]; deferred: ForeignKey[] } {
  const order: string[] = [];
  const loaded = new Set<string>();
  const left = [...tables];
  while (left.length) {
    const ready = left.find((t) => keys.every((k) => k.table !== t || k.references === t || loaded.has(k.references))) ?? left[0]!;
    left.splice(left.indexOf(ready), 1);
    order.push(ready);
    loaded.add(ready);
  }
  const position = new Map(order.map((t, i) => [t, i]));
  const deferred = keys.filter((k) => position.get(k.references)! >= position.get(k.table)!);
  return { order, deferred };
}

/** Copies one table from the source to the target in batches, in the source's physical order. */
async function copyTable(source: Db, target: Db, table: string, columns: readonly Column[]): Promise<number> {
  const copied = columns.filter((c) => !c.generated);
  const select = sql.raw(copied.map((c, i) => `${quote(c.name)}::text as c${i}`).join(', '));
  const into = sql.raw(`insert into public.${quote(table)} (${copied.map((c) => quote(c.name)).join(', ')})${copied.some((c) => c.identity) ? ' overriding system value' : ''} values `);
  const limit = Math.max(1, Math.min(BATCH_ROWS, Math.floor(MAX_PARAMETERS / Math.max(1, copied.length))));
  const from = sql.raw(`public.${quote(table)}`);
  // The physical order (ctid) pages through any table, with or without a primary key; nothing writes to the source meanwhile.
  let after = '(0,0)';
  let rows = 0;
  for (;;) {
    const { rows: batch } = await sql<Record<string, string | null>>`select ctid::text as position, ${select} from ${from} where ctid > ${after}::tid order by ctid limit ${limit}`.execute(source);
    if (batch.length === 0) return rows;
    // Each value goes as a text parameter cast to its type: PGlite's client would otherwise encode a
    // parameter by the type the server infers, and refuses text for a bytea one.
    const values: RawBuilder<unknown>[] = batch.map((row) => sql`(${sql.join(copied.map((c, i) => sql`${row[`c${i}`] ?? null}::text::${sql.raw(c.type)}`))})`);
    await sql`${into}${sql.join(values)}`.execute(target);
    rows += batch.length;
    after = batch.at(-1)!.position!;
  }
}

export async function countRows(db: Db, table: string): Promise<number> {
  const { rows } = await sql<{ n: string | number }>`select count(*) as n from ${sql.raw(`public.${quote(table)}`)}`.execute(db);
  return Number(rows[0]!.n);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Moves everything from `source` (the embedded database, migrated, held by the caller) into the
 * empty PostgreSQL database at `targetUrl`, in one transaction there.
 */
export async function moveToPostgres(options: { source: Db; targetUrl: string; migrations: readonly Migration[] }): Promise<MoveReport> {
  const { source, targetUrl, migrations } = options;
  const shown = describeUrl(targetUrl);
  const target = await openDatabase({ databaseUrl: targetUrl, pgliteDir: null, poolSize: 1 }).catch((err: unknown) => {
    throw new Error(`cannot reach the database at ${shown}: ${(err as Error).message}`);
  });
  try {
    return await copyAll(source, target.db, { from: 'the embedded database', to: shown }, migrations);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new Error(`${(err as Error).message}. The move was rolled back: nothing was written to ${shown}.`);
  } finally {
    await target.close();
  }
}

/** How a move's messages name its two sides; `to` also goes into the report (a URL without its password, a folder). */
export interface MoveSides {
  from: string;
  to: string;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The whole move, in one transaction on the target, in either direction (`target` empty,
 * `source` migrated and written by nobody meanwhile).
 */
export async function copyAll(source: Db, target: Db, sides: MoveSides, migrations: readonly Migration[]): Promise<MoveReport> {
  const { from, to: shown } = sides;
  return target.transaction().execute(async (trx) => {
    const found = await objectsIn(trx);
    if (found > 0) {
      throw new AppError(
        'CONFLICT',
        `The database at ${shown} is not empty (it holds ${found} table(s), sequence(s) or other relation(s)). Move into a new, empty database. Nothing was written to it.`,
        [
          {
            field: 'to',
            message: `names a database that is not empty (${shown} holds ${found} table(s), sequence(s) or other relation(s)): create a new, empty one (createdb) and name it here. Nothing was written to it.`,
          },
        ],
      );
    }
    // Values travel as text in the forms every server reads back the same: ISO dates, UTC,
    // floats with all their digits, bytea in hex.
    const settings = ['datestyle = iso, ymd', 'intervalstyle = postgres', "timezone = 'UTC'", 'extra_float_digits = 3', 'bytea_output = hex'];
    for (const setting of settings) {
      await sql.raw(`set ${setting}`).execute(source);
      await sql.raw(`set local ${setting}`).execute(trx);
    }
    // The schema, by the code that makes it at start.
    await migrateWithin(trx, migrations);

    // The same migrations on both sides, and so the same tables, columns and sequences.
    const migrationIds = async (db: Db) => (await sql<{ id: string }>`select id from schema_migrations order by id`.execute(db)).rows.map((r) => r.id);
    const [fromIds, toIds] = [await migrationIds(source), await migrationIds(trx)];
    const unknown = fromIds.filter((id) => !toIds.includes(id));
    if (unknown.length) throw failed(`${capital(from)} was migrated by a newer version of Custodian (${unknown.join(', ')}): run the move with that version.`);
    const tables = await tablesIn(trx);
    const sourceTables = await tablesIn(source);
    if (!sameList(tables, sourceTables)) {
      const extra = sourceTables.filter((t) => !tables.includes(t));
      const missing = tables.filter((t) => !sourceTables.includes(t));
      throw failed(`The tables of ${from} differ from those the migrations make (only in it: ${extra.join(', ') || 'none'}; missing from it: ${missing.join(', ') || 'none'}).`);
    }
    const columns = new Map<string, Column[]>();
    for (const table of tables) {
      const [mine, theirs] = [await columnsOf(trx, table), await columnsOf(source, table)];
      const shape = (cs: Column[]) => cs.map((c) => `${c.name} ${c.type}${c.generated ? ' generated' : ''}`).sort();
      if (!sameList(shape(mine), shape(theirs))) throw failed(`The table ${table} has other columns in ${from} than the migrations make.`);
      columns.set(table, mine);
    }
    const sequences = await sequencesIn(trx);
    if (!sameList(sequences, await sequencesIn(source))) throw failed(`The sequences of ${from} differ from those the migrations make.`);

    // What the migrations seeded goes; the triggers (append-only guards, the audit log's numbering
    // at commit, decision 0027) stay off while rows that already went through them are copied.
    const listed = tables.map((t) => `public.${quote(t)}`).join(', ');
    const withTriggers = (
      await sql<{ name: string }>`
        select distinct c.relname as name from pg_trigger g join pg_class c on c.oid = g.tgrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and not g.tgisinternal order by 1`.execute(trx)
    ).rows.map((r) => r.name);
    for (const table of withTriggers) await sql.raw(`alter table public.${quote(table)} disable trigger user`).execute(trx);
    await sql.raw(`truncate table ${listed}`).execute(trx);

    // Referenced rows first; keys that order cannot satisfy (a table referencing itself) are
    // checked once every row is in.
    const { order, deferred } = loadOrder(tables, await foreignKeys(trx));
    for (const key of deferred) {
      if (!key.deferrable) await sql.raw(`alter table public.${quote(key.table)} alter constraint ${quote(key.name)} deferrable initially immediate`).execute(trx);
      await sql.raw(`set constraints public.${quote(key.name)} deferred`).execute(trx);
    }
    const moved: MovedTable[] = [];
    for (const table of order) {
      const rows = await copyTable(source, trx, table, columns.get(table)!);
      const [there, here] = [await countRows(source, table), await countRows(trx, table)];
      if (rows !== there || here !== there) throw new Error(`${table}: ${there} row(s) in ${from}, ${here} after the copy`);
      moved.push({ table, rows });
    }
    for (const key of deferred) {
      await sql.raw(`set constraints public.${quote(key.name)} immediate`).execute(trx);
      if (!key.deferrable) await sql.raw(`alter table public.${quote(key.table)} alter constraint ${quote(key.name)} not deferrable`).execute(trx);
    }
    for (const table of withTriggers) await sql.raw(`alter table public.${quote(table)} enable trigger user`).execute(trx);

    // Sequences (identity columns' too) continue where the source's stand.
    for (const name of sequences) {
      const { rows } = await sql<{ last: string; called: boolean }>`select last_value::text as last, is_called as called from ${sql.raw(`public.${quote(name)}`)}`.execute(source);
      await sql`select setval(${`public.${quote(name)}`}::regclass, ${rows[0]!.last}::bigint, ${rows[0]!.called})`.execute(trx);
    }
    moved.sort((a, b) => a.table.localeCompare(b.table));
    return { target: shown, tables: moved, rows: moved.reduce((n, t) => n + t.rows, 0), sequences: sequences.length };
  });
}
