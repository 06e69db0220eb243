// Runs database tests on every engine: always the embedded PGlite (on files, as the shop runs it), and PostgreSQL when
// DATABASE_URL is set (each test gets a fresh database on that server, copied from a migrated
// template and dropped afterwards). TEST_ENGINES (pglite, postgres or both, comma-separated)
// narrows the engines, so CI can time one pass per engine (decision 0031). TEST_PGBOUNCER=1 runs the
// PostgreSQL tests through PgBouncer in transaction mode, LISTEN on a direct connection (0067).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Engine } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { allMigrations } from '../../modules.ts';
import { startPgBouncer, type PgBouncer } from './pgbouncer.ts';

export function testEngines(env: Record<string, string | undefined> = process.env): Engine[] {
  const available: Engine[] = env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  const wanted = env.TEST_ENGINES?.split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (!wanted?.length) return available;
  for (const engine of wanted) {
    if (engine !== 'pglite' && engine !== 'postgres') throw new Error(`TEST_ENGINES: unknown engine "${engine}" (pglite, postgres)`);
    if (!available.includes(engine)) throw new Error(`TEST_ENGINES names ${engine}, which needs DATABASE_URL`);
  }
  return available.filter((e) => wanted.includes(e));
}

export interface TestDatabase extends DatabaseHandle {
  /** The postgres:// URL of this test's database (PostgreSQL only). */
  url: string | null;
  /** The data directory of this test's PGlite (a copy of the migrated template), else null. */
  pgliteDir: string | null;
}

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

// CREATE DATABASE … TEMPLATE and ALTER DATABASE … RENAME fail (55006) while another session is
// connected to that database, which a just-closed pool can be for a moment; so a few tries.
async function whenIdle(admin: pg.Client, statement: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.query(statement);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/**
 * Creates a database on the PostgreSQL server named by DATABASE_URL, empty or copied from
 * `template`; returns its URL and a drop function.
 */
export async function createScratchPostgres(template: string | null = null): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set');
  const name = `custodian_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await whenIdle(admin, `create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(base, name),
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
  const roots = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)migrations\.ts$/.test(f) || f === join('platform', 'db', 'migrate.ts'));
  // A migration may take its seed text from a file it imports (content's first texts): the files
  // migrations import, and theirs, are part of what a template is built from.
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file) || !existsSync(join(root, file))) return;
    files.add(file);
    for (const [, spec] of readFileSync(join(root, file), 'utf8').matchAll(/from '(\.{1,2}\/[^']+\.ts)'/g)) visit(join(dirname(file), spec!));
  };
  for (const f of roots) visit(f);
  const hash = createHash('sha256');
  for (const f of [...files].sort())
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(root, f)))
      .update('\0');
  hash.update(readFileSync(join(root, '../package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

// Read once, as this module loads, right after the migrations it imports: a digest read later
// (at the first test database) could name a template after files edited since the process
// loaded its migrations, and build it from the old ones.
const MIGRATIONS_DIGEST = migrationSourcesDigest();

/** A dump of a migrated PGlite data directory (made once, cached across runs): `pgliteTemplate` or `pgliteRestore`. */
export function pgliteTemplate(): Promise<Blob> {
  migratedTemplate ??= (async () => {
    const file = join(tmpdir(), `custodian-pglite-template-${MIGRATIONS_DIGEST}.tar.gz`);
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

// On PostgreSQL the same idea: the first test process of a run migrates a database named after
// the same digest, under an advisory lock so processes starting at once build it once; every
// test's database is then a copy of it (CREATE DATABASE … TEMPLATE), a file copy on the server.
// (Advisory locks belong to one database: runs whose DATABASE_URL names different databases do
// not queue, and the later rename finds the template made.)
// A template is built under a temporary name and renamed when complete, so a crash mid-build
// never leaves a half-migrated template behind.
const TEMPLATE_LOCK = 7_200_301_031;
let postgresTemplate: Promise<string> | null = null;

/** The name of a migrated PostgreSQL template database, for `createScratchPostgres`. */
export function migratedPostgresTemplate(): Promise<string> {
  postgresTemplate ??= (async () => {
    const base = process.env.DATABASE_URL;
    if (!base) throw new Error('DATABASE_URL is not set');
    const name = `custodian_tpl_${MIGRATIONS_DIGEST}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    try {
      await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (rowCount) return name;
      const building = `${name}_b${process.pid}`;
      await admin.query(`drop database if exists ${building} with (force)`);
      await admin.query(`create database ${building}`);
      const handle = await openDatabase({ databaseUrl: databaseUrl(base, building), pgliteDir: null, poolSize: 2 });
      try {
        await migrate(handle.db, allMigrations);
      } finally {
        await handle.close();
      }
      try {
        await whenIdle(admin, `alter database ${building} rename to ${name}`);
      } catch (err) {
        // A run whose DATABASE_URL names another database holds another lock and finished first.
        if ((err as { code?: string }).code !== '42P04') throw err;
        await admin.query(`drop database ${building} with (force)`);
        return name;
      }
      await admin.query(`alter database ${name} with is_template true allow_connections false`);
      return name;
    } finally {
      await admin.end();
    }
  })();
  postgresTemplate.catch(() => {
    postgresTemplate = null;
  });
  return postgresTemplate;
}

// A test's PGlite is a copy of a migrated data directory (made once per migrations digest, from the
// dump above, and kept until reboot), opened on files as the shop opens its own. Both live in
// shared memory (/dev/shm) where there is one: copying 45 MB there takes some 50 ms, where
// unpacking the dump into PGlite's in-memory file system took 300–500 ms of CPU per test
// database; on a disk the copies would wait for writeback (decision 0075).
let pgliteTemplateDir: Promise<string> | null = null;

function scratchBase(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

function migratedPGliteDir(): Promise<string> {
  pgliteTemplateDir ??= (async () => {
    const dir = join(scratchBase(), `custodian-pglite-template-${MIGRATIONS_DIGEST}`);
    if (existsSync(dir)) return dir;
    dropStaleTemplates(scratchBase());
    const partial = `${dir}.${process.pid}.partial`;
    rmSync(partial, { recursive: true, force: true });
    const handle = await openDatabase({ databaseUrl: null, pgliteDir: partial, pgliteRestore: await pgliteTemplate() });
    await handle.close();
    try {
      renameSync(partial, dir);
    } catch (err) {
      // Another test process finished the same template first: use its copy.
      if (!existsSync(dir)) throw err;
      rmSync(partial, { recursive: true, force: true });
    }
    return dir;
  })();
  return pgliteTemplateDir;
}

// Shared memory is memory: the templates of earlier migrations go when a new one is made, once an
// hour has passed since they were made (a run still copying one on another branch is not cut short).
function dropStaleTemplates(base: string): void {
  for (const name of readdirSync(base)) {
    if (!name.startsWith('custodian-pglite-template-') || name.includes(MIGRATIONS_DIGEST)) continue;
    const path = join(base, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone already (another process dropped it).
    }
  }
}

// Copies still open when the process ends (a test that never closed its database) go with it.
const scratchRoots = new Set<string>();
process.once('exit', () => {
  for (const root of scratchRoots) rmSync(root, { recursive: true, force: true });
});

async function scratchPGlite(): Promise<{ dir: string; drop: () => Promise<void> }> {
  const template = await migratedPGliteDir();
  const root = mkdtempSync(join(scratchBase(), 'custodian-test-pglite-'));
  scratchRoots.add(root);
  const dir = join(root, 'pglite');
  cpSync(template, dir, { recursive: true });
  return {
    dir,
    drop: async () => {
      rmSync(root, { recursive: true, force: true });
      scratchRoots.delete(root);
    },
  };
}

export async function openTestDatabase(engine: Engine, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let handle: DatabaseHandle;
  let url: string | null = null;
  let pgliteDir: string | null = null;
  let drop = async () => {};
  if (engine === 'pglite' && options.migrate === false) {
    handle = await openDatabase({ databaseUrl: null, pgliteDir: null });
  } else if (engine === 'pglite') {
    const scratch = await scratchPGlite();
    pgliteDir = scratch.dir;
    drop = scratch.drop;
    handle = await openDatabase({ databaseUrl: null, pgliteDir: scratch.dir }).catch(async (err: unknown) => {
      await scratch.drop();
      throw err;
    });
  } else {
    const scratch = await createScratchPostgres(options.migrate === false ? null : await migratedPostgresTemplate());
    url = scratch.url;
    drop = scratch.drop;
    const pooled = process.env.TEST_PGBOUNCER ? (await sharedPgBouncer()).pooledUrl(url) : null;
    handle = await openDatabase({ databaseUrl: pooled ?? url, directUrl: pooled ? url : null, pgliteDir: null, poolSize: 5 });
  }
  if (options.migrate !== false) await migrate(handle.db, allMigrations);
  return {
    ...handle,
    url,
    pgliteDir,
    async close() {
      await handle.close();
      await drop();
    },
  };
}

/**
 * Declares one test per engine, named `<name> [<engine>]`, each with a fresh migrated database.
 * `engines` narrows a long test that checks pages, not the database, to the engines named.
 */
export function testEachDatabase(
  name: string,
  fn: (database: TestDatabase, t: TestContext) => Promise<void>,
  options: { timeout?: number; migrate?: boolean; engines?: readonly Engine[] } = {},
): void {
  for (const engine of testEngines().filter((e) => !options.engines || options.engines.includes(e))) {
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

// TEST_PGBOUNCER: one pooler per test process, in front of DATABASE_URL's server; it stops when
// the process ends.
let pgbouncer: Promise<PgBouncer> | null = null;

function sharedPgBouncer(): Promise<PgBouncer> {
  pgbouncer ??= startPgBouncer(process.env.DATABASE_URL!);
  return pgbouncer;
}

/**
 * What someone holding the database's files would read, as text: PGlite's data directory (an
 * uncompressed tar of its heap and WAL files), or a pg_dump of the PostgreSQL database at `url`.
 */
export async function databaseAsText(handle: Pick<DatabaseHandle, 'engine' | 'dumpPGlite'>, url: string | null | undefined): Promise<string> {
  if (handle.engine === 'pglite') return Buffer.from(await (await handle.dumpPGlite!()).arrayBuffer()).toString('latin1');
  return execFileSync('pg_dump', ['--no-owner', '--no-privileges', '-d', url!], { maxBuffer: 512 * 1024 * 1024 }).toString('latin1');
}
