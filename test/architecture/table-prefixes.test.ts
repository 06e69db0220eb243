// Every table carries the prefix of the module whose migrations made it (`catalogue/0002_…` makes
// `catalogue_…`; a module's main table may be named the module itself: `orders`, `jobs`), so a table's owner can be read off its name and no module's query names another's
// table by accident. The migrations run one at a time on a fresh database; each table is owned by
// the module whose migration first made it appear (a rename makes a new name, owned the same way).
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { allMigrations } from '../../src/modules.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { testEachDatabase } from '../../src/platform/testing/databases.ts';

/** The migration runner's own bookkeeping, which belongs to no module. */
const RUNNER_TABLES = new Set(['schema_migrations']);

testEachDatabase(
  'every table is named with the prefix of the module whose migration made it',
  async (database) => {
    const { db } = database;
    const tables = async () =>
      new Set(
        (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)).rows.map((r) => r.name),
      );
    const owner = new Map<string, string>();
    for (let i = 0; i < allMigrations.length; i++) {
      const before = await tables();
      await migrate(db, allMigrations.slice(0, i + 1));
      const module = allMigrations[i]!.id.split('/')[0]!;
      for (const name of await tables()) if (!before.has(name) && !RUNNER_TABLES.has(name)) owner.set(name, module);
    }
    const remaining = await tables();
    const misnamed = [...owner].filter(([name, module]) => remaining.has(name) && name !== module && !name.startsWith(`${module}_`)).map(([name, module]) => `${name} (made by ${module})`);
    assert.deepEqual(misnamed, []);
    assert.ok(
      [...remaining].filter((t) => !RUNNER_TABLES.has(t)).every((t) => owner.has(t)),
      'every table was made by some module',
    );
    assert.ok(remaining.has('catalogue_products'), 'the catalogue tables carry its prefix');
  },
  { migrate: false },
);
