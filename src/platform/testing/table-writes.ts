// Which tables a stretch of requests wrote to, for tests that must show a refused request wrote
// nothing. Generic over the database (information_schema), so it names no module's table and
// counts the kernel's too: per table, its row count and the newest transaction that inserted or
// updated a row (xmin), so an insert, an update or a delete all show.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

export type TableMarks = Map<string, string>;

export async function tableMarks(db: Db): Promise<TableMarks> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const columns = tables.map((t) => `(select count(*) || ':' || coalesce(max(xmin::text::bigint), 0) from "${t.name.replace(/"/g, '""')}") as "${t.name.replace(/"/g, '""')}"`);
  const { rows } = await sql<Record<string, string>>`select ${sql.raw(columns.join(', '))}`.execute(db);
  return new Map(Object.entries(rows[0] ?? {}));
}

/** The tables whose marks differ, except those `ignore` matches (tables that record every request). */
export function tablesWritten(before: TableMarks, after: TableMarks, ignore: RegExp): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => !ignore.test(n) && before.get(n) !== after.get(n)).sort();
}
