import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { testEachDatabase } from '../testing/databases.ts';
import { runSql } from './migrate.ts';
import { splitStatements } from './sql-statements.ts';

test('statements split at the semicolons that end them, not inside strings, identifiers, comments or dollar quotes', () => {
  assert.deepEqual(splitStatements('create table a (x int);\ncreate table b (y int)'), ['create table a (x int)', 'create table b (y int)']);
  assert.deepEqual(splitStatements(`insert into t values ('a;\n', 'it''s;');`), [`insert into t values ('a;\n', 'it''s;')`]);
  assert.deepEqual(splitStatements(`select E'\\';' as x; select 1`), [`select E'\\';' as x`, 'select 1']);
  assert.deepEqual(splitStatements('select 1 as "odd;name"; select 2'), ['select 1 as "odd;name"', 'select 2']);
  assert.deepEqual(splitStatements('-- a comment; with a semicolon\nselect 1; /* nested /* ; */ ; */ select 2;\n-- trailing'), [
    '-- a comment; with a semicolon\nselect 1',
    '/* nested /* ; */ ; */ select 2',
  ]);
  const fn = `create function f() returns int language plpgsql as $body$\nbegin\n  perform 1;\n  return 2;\nend;\n$body$`;
  assert.deepEqual(splitStatements(`${fn};\nselect f();`), [fn, 'select f()']);
  assert.deepEqual(splitStatements('select $1::int; select 2'), ['select $1::int', 'select 2'], 'a parameter is not a dollar quote');
  assert.throws(() => splitStatements("select 'open"), /unterminated string/);
  assert.throws(() => splitStatements('select $$ open'), /unterminated dollar-quoted/);
});

testEachDatabase('a migration that defines a function with semicolons at line ends runs intact', async (database) => {
  await runSql(
    database.db,
    `
    create table probe_counts (n int not null);
    create function probe_bump() returns int language plpgsql as $$
    begin
      insert into probe_counts values (1);
      return (select count(*)::int from probe_counts);
    end;
    $$;
    select probe_bump();
    `,
  );
  const { rows } = await sql<{ n: number }>`select probe_bump() as n`.execute(database.db);
  assert.equal(rows[0]!.n, 2, 'the function body ran whole, and the select after it ran too');
});
