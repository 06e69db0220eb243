// Erasure must reach every copy: each table keyed by a person is declared by its module's holder,
// which can export and erase it. Checked against the real schema after every migration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { modules } from '../modules.ts';
import { holdersOf, type NamedHolder } from './holders.ts';
import { holderCoverageProblems, type PersonColumn } from './holders-coverage.ts';

testEachDatabase('every table keyed by a person is declared by a module holder that exports and erases it', async (database) => {
  const { rows } = await sql<PersonColumn>`
    select table_name as "table", column_name as "column" from information_schema.columns
    where table_schema = current_schema() order by table_name, ordinal_position`.execute(database.db);
  assert.ok(
    rows.some((r) => r.table === 'orders' && r.column === 'customer_subject'),
    'the schema is read',
  );
  assert.deepEqual(holderCoverageProblems(rows, holdersOf(modules)), []);
});

test('a table keyed by a person that no holder declares, or a holder that cannot erase, is reported', () => {
  const columns: PersonColumn[] = [
    { table: 'loyalty_points', column: 'id' },
    { table: 'loyalty_points', column: 'member_subject' },
    { table: 'notes', column: 'user_id' },
  ];
  const holders: NamedHolder[] = [{ module: 'notes', tables: ['notes'], export: async () => [] }];
  assert.deepEqual(holderCoverageProblems(columns, holders), [
    'notes keeps notes but has no erase',
    "loyalty_points keeps rows keyed by a person (member_subject) but no module's personalData declares it",
  ]);
});
