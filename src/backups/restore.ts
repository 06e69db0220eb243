// Restoring a backup into an empty database and DATA_DIR (or, with `replace`, over a stopped shop's,
// whose old database and folders are moved aside, not deleted). The file is read twice: first
// every chunk is verified and nothing is written; then the database and the files are written.
// The shop's next start finishes the erasures made after the backup (the kernel reconciles at
// every start) and refuses until the privacy officer accepts the restored audit chain (decision 0027).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import type { Config } from '../platform/config.ts';
import { openDatabase, pgliteDirFor } from '../platform/db/database.ts';
import { lockDataDir } from '../platform/db/data-dir-lock.ts';
import { secureDataDir } from '../platform/data-dir.ts';
import { AppError } from '../platform/errors.ts';
import { invalidBackup, readArchive, type BackupHeader, type EntryHead } from './archive.ts';
import { BACKED_UP_FOLDERS, pgEnvironment } from './take.ts';

export interface RestoreReport {
  createdAt: string;
  engine: BackupHeader['engine'];
  files: number;
  /** Where the replaced database and folders were moved (with `replace`), else empty. */
  movedAside: string[];
}

const notEmpty = (what: string) => new AppError('CONFLICT', `${what} is not empty: restore into an empty one, or add --replace to move what is there aside (stop the shop first).`);

const hasEntries = (dir: string) => existsSync(dir) && readdirSync(dir).length > 0;

/** A file entry's path, checked: under one of the backed-up folders, nothing climbing out. */
function safePath(path: string): string {
  const clean = normalize(path);
  if (clean.startsWith('..') || clean.startsWith(sep) || !BACKED_UP_FOLDERS.some((f) => clean.startsWith(`${f}${sep}`))) throw invalidBackup('its archive names a file outside the backed-up folders');
  return clean;
}

async function postgresIsEmpty(url: string): Promise<boolean> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and c.relkind in ('r', 'p', 'v', 'S')`,
    );
    return rows[0]!.n === 0;
  } finally {
    await client.end();
  }
}

async function clearPostgres(url: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('drop schema public cascade; create schema public');
  } finally {
    await client.end();
  }
}

/** psql reading the dump from its stdin, in one transaction: a failure leaves the database as it was. */
function psqlInto(url: string): { write(bytes: Buffer): Promise<void>; end(): Promise<void> } {
  const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-o', '/dev/null'], {
    env: { ...process.env, ...pgEnvironment(url) },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  let failure: Error | null = null;
  const exited = new Promise<number>((done) => {
    child.on('error', (err) => {
      failure = (err as NodeJS.ErrnoException).code === 'ENOENT' ? new Error('psql is not on PATH: install the PostgreSQL client tools to restore a PostgreSQL backup') : err;
      done(1);
    });
    child.on('close', (code) => done(code ?? 1));
  });
  child.stdin.on('error', () => {});
  const input = createGunzip();
  input.on('error', (err) => {
    failure = invalidBackup(`its database dump does not decompress (${err.message})`);
    child.kill();
  });
  input.pipe(child.stdin);
  return {
    async write(bytes) {
      if (failure) throw failure;
      if (!input.write(bytes)) await Promise.race([new Promise<void>((resolve) => input.once('drain', resolve)), exited]);
      if (failure) throw failure;
    },
    async end() {
      input.end();
      const code = await exited;
      if (failure) throw failure;
      if (code !== 0)
        throw new Error(
          `psql failed: ${
            Buffer.concat(stderr)
              .toString('utf8')
              .split('\n')
              .find((l) => l.trim()) ?? `exit code ${code}`
          }`,
        );
    },
  };
}

export async function restoreBackup(options: { config: Config; from: string; replace: boolean; now: Date }): Promise<RestoreReport> {
  const { config, from, replace } = options;
  const engine = config.databaseUrl ? 'postgres' : 'pglite';

  // 1. Verify every chunk and the digest; nothing is written.
  let databaseEntries = 0;
  const header = await readArchive(from, config.keyringPath, {
    async entry(head) {
      if (head.kind === 'database') databaseEntries++;
      else if (head.kind === 'file') safePath(head.path);
      else throw invalidBackup('its archive holds an unknown entry');
    },
    async data() {},
  });
  if (databaseEntries !== 1) throw invalidBackup('its archive holds no database');
  if (header.engine !== engine) {
    throw invalidBackup(
      header.engine === 'pglite'
        ? 'it is a backup of the embedded database (PGlite); restore it with DATABASE_URL unset'
        : 'it is a backup of a PostgreSQL database; restore it with DATABASE_URL set to an empty database',
    );
  }

  // 2. The targets must be empty, or moved aside with --replace (the shop stopped: the lock says so).
  const pgliteDir = pgliteDirFor(config.dataDir);
  const stamp = options.now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const aside: [string, string][] = [];
  if (engine === 'pglite' && existsSync(join(pgliteDir, 'PG_VERSION'))) {
    if (!replace) throw notEmpty(`The embedded database in ${pgliteDir}`);
    lockDataDir(pgliteDir)();
    aside.push([pgliteDir, `${pgliteDir}.replaced-${stamp}`]);
  }
  if (engine === 'postgres' && !(await postgresIsEmpty(config.databaseUrl!))) {
    if (!replace) throw notEmpty('The database at DATABASE_URL');
  }
  for (const folder of BACKED_UP_FOLDERS) {
    const dir = join(config.dataDir, folder);
    if (hasEntries(dir)) {
      if (!replace) throw notEmpty(`The folder ${dir}`);
      aside.push([dir, `${dir}.replaced-${stamp}`]);
    }
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  for (const [path, to] of aside) renameSync(path, to);
  if (engine === 'postgres' && replace) await clearPostgres(config.databaseUrl!);

  // 3. Write: files into a staging folder, then moved into place; the database from its dump.
  const staging = join(config.dataDir, `.restore-${randomBytes(4).toString('hex')}`);
  mkdirSync(staging, { mode: 0o700 });
  try {
    let current: EntryHead | null = null;
    let pieces: Buffer[] = [];
    let psql: ReturnType<typeof psqlInto> | null = null;
    let dump: Buffer | null = null;
    let files = 0;
    const close = async () => {
      const done = current as EntryHead | null;
      if (done?.kind === 'file') {
        const path = join(staging, safePath(done.path));
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        writeFileSync(path, Buffer.concat(pieces), { mode: 0o600 });
        files++;
      } else if (done?.kind === 'database') {
        if (psql) await psql.end();
        else dump = Buffer.concat(pieces);
        psql = null;
      }
      pieces = [];
    };
    await readArchive(from, config.keyringPath, {
      async entry(head) {
        await close();
        current = head;
        if (head.kind === 'database' && engine === 'postgres') psql = psqlInto(config.databaseUrl!);
      },
      async data(bytes) {
        if (psql) await psql.write(bytes);
        else pieces.push(bytes);
      },
    });
    await close();
    if (engine === 'pglite') {
      if (!dump) throw invalidBackup('its archive holds no database');
      const database = await openDatabase({ databaseUrl: null, pgliteDir, pgliteRestore: new Blob([await promisify(gunzip)(dump)]) });
      await database.close();
      secureDataDir(pgliteDir);
    }
    for (const folder of BACKED_UP_FOLDERS) {
      if (existsSync(join(staging, folder))) renameSync(join(staging, folder), join(config.dataDir, folder));
    }
    return { createdAt: header.created_at, engine: header.engine, files, movedAside: aside.map(([, to]) => to) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
