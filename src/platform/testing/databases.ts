// Runs database tests on every engine: always the embedded PGlite (in memory), and PostgreSQL when
// DATABASE_URL is set (each test gets a fresh database on that server, dropped afterwards).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Engine } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { allMigrations } from '../../modules.ts';

export function testEngines(): Engine[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDatabase extends DatabaseHandle {
  /** The postgres:// URL of this test's database (PostgreSQL only). */
  url: string | null;
}

/** Creates an empty database on the PostgreSQL server named by DATABASE_URL; returns its URL and a drop function. */
export async function createScratchPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set');
  const name = `custodian_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

// Starting PGlite from a dump of an already migrated database takes a fraction of initdb plus
// migrations. The dump is kept on disk (in the system's temp folder), named after the content of
// every migrations file and the PGlite version, so the test processes of one run, and later runs,
// build it once; any change to a migration names a new one.
let migratedTemplate: Promise<Blob> | null = null;

function migrationSourcesDigest(): string {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)migrations\.ts$/.test(f)).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update('\0').update(readFileSync(join(root, f))).update('\0');
  hash.update(readFileSync(join(root, '../package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

function pgliteTemplate(): Promise<Blob> {
  migratedTemplate ??= (async () => {
    const file = join(tmpdir(), `custodian-pglite-template-${migrationSourcesDigest()}.tar.gz`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const handle = await openDatabase({ databaseUrl: null, pgliteDir: null });
    await migrate(handle.db, allMigrations);
    const dump = await handle.dumpPGlite!();
    await handle.close();
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    return dump;
  })();
  return migratedTemplate;
}

export async function openTestDatabase(engine: Engine, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let handle: DatabaseHandle;
  let url: string | null = null;
  let drop = async () => {};
  if (engine === 'pglite') {
    const template = options.migrate === false ? undefined : await pgliteTemplate();
    handle = await openDatabase({ databaseUrl: null, pgliteDir: null, ...(template ? { pgliteTemplate: template } : {}) });
  } else {
    const scratch = await createScratchPostgres();
    url = scratch.url;
    drop = scratch.drop;
    handle = await openDatabase({ databaseUrl: url, pgliteDir: null, poolSize: 5 });
  }
  if (options.migrate !== false) await migrate(handle.db, allMigrations);
  return {
    ...handle,
    url,
    async close() {
      await handle.close();
      await drop();
    },
  };
}

/** Declares one test per engine, named `<name> [<engine>]`, each with a fresh migrated database. */
export function testEachDatabase(
  name: string,
  fn: (database: TestDatabase, t: TestContext) => Promise<void>,
  options: { timeout?: number; migrate?: boolean } = {},
): void {
  for (const engine of testEngines()) {
    // The timeout only catches hangs: a loaded 2-core machine runs a PGlite test several times
    // slower than an idle one, and a timeout must never be what fails a correct test.
    test(`${name} [${engine}]`, { timeout: options.timeout ?? 180_000 }, async (t) => {
      const database = await openTestDatabase(engine, options);
      try {
        await fn(database, t);
      } finally {
        await database.close();
      }
    });
  }
}
