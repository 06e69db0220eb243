// Taking a backup: the database (PGlite's data directory dump, or pg_dump of PostgreSQL) and the
// files the database names (DATA_DIR/media, DATA_DIR/downloads), into one encrypted file
// (archive.ts). Never the keyring, the audit anchor, the staff API token or the sandbox
// processor's secret: only those two folders are read, and anything in them that is one of the
// shop's secrets is skipped by name as well (decision 0063).
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { createGzip, gzip } from 'node:zlib';
import type { Config } from '../platform/config.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import { anchorPathFor } from '../privacy/index.ts';
import { BackupWriter } from './archive.ts';

/** The folders under DATA_DIR a backup carries beside the database. */
export const BACKED_UP_FOLDERS = ['media', 'downloads'] as const;
export const BACKUP_FILE = /^custodian-backup-\d{8}T\d{6}Z(-[0-9a-f]{4})?\.cbk$/;
/** Files of DATA_DIR that hold secrets and never go into a backup, wherever they are. */
const SECRET_NAMES = new Set(['keyring.json', 'keyring.json.lock', 'audit-head.json', 'audit-head.json.lock', 'sandbox-processor-secret', 'staff-api-token']);

export interface TakenBackup {
  file: string;
  bytes: number;
  sha256: string;
  createdAt: string;
  files: number;
}

export class BackupFailed extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export const backupFileName = (now: Date, suffix = '') => `custodian-backup-${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z${suffix}.cbk`;

function filesUnder(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => {
    const path = join(root, name);
    const stats = lstatSync(path);
    if (stats.isDirectory()) return filesUnder(path);
    return stats.isFile() ? [path] : [];
  });
}

/** The files a backup of this shop carries (paths under DATA_DIR), without any of its secrets. */
export function backedUpFiles(config: Pick<Config, 'dataDir' | 'keyringPath'>): string[] {
  const secrets = new Set([resolve(config.keyringPath), `${resolve(config.keyringPath)}.lock`, resolve(anchorPathFor(config.keyringPath))]);
  return BACKED_UP_FOLDERS.flatMap((folder) => filesUnder(join(config.dataDir, folder))).filter((path) => !secrets.has(resolve(path)) && !SECRET_NAMES.has(basename(path)));
}

/** libpq's environment for a postgres:// URL, so the password is not on pg_dump's command line. */
export function pgEnvironment(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {};
  if (u.hostname) env.PGHOST = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, ''));
  if (u.port) env.PGPORT = u.port;
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  env.PGDATABASE = decodeURIComponent(u.pathname.replace(/^\//, '')) || env.PGUSER || 'postgres';
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

/** Streams pg_dump's plain SQL into the writer. */
async function dumpPostgres(url: string, writer: BackupWriter): Promise<void> {
  const child = spawn('pg_dump', ['--no-owner', '--no-privileges'], { env: { ...process.env, ...pgEnvironment(url) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  const compressed = child.stdout.pipe(createGzip());
  // Settled by the exit or by a spawn failure, never rejected, so no rejection waits unhandled while the output is read.
  const exited = new Promise<{ code: number; error: NodeJS.ErrnoException | null }>((done) => {
    child.on('error', (error) => done({ code: 1, error }));
    child.on('close', (code) => done({ code: code ?? 1, error: null }));
  });
  try {
    for await (const chunk of compressed) await writer.data(chunk as Buffer);
  } catch (err) {
    child.kill();
    throw err;
  }
  const { code, error } = await exited;
  if (error?.code === 'ENOENT') {
    throw new BackupFailed('PG_DUMP_MISSING', 'pg_dump is not on PATH: install the PostgreSQL client tools (the same major version as the server, or newer) to back up a PostgreSQL database.');
  }
  if (error) throw error;
  if (code !== 0) {
    const why =
      Buffer.concat(stderr)
        .toString('utf8')
        .split('\n')
        .find((l) => l.trim()) ?? `exit code ${code}`;
    throw new BackupFailed('PG_DUMP_FAILED', `pg_dump failed: ${why.replace(/postgres(ql)?:\/\/\S+/g, '<url>')}`);
  }
}

/** Takes one backup of the shop into `dir`; the file is complete (renamed into place) or absent. */
export async function takeBackup(options: { database: DatabaseHandle; config: Config; dir: string; now: Date }): Promise<TakenBackup> {
  const { database, config, now } = options;
  const dir = resolve(options.dir);
  const inside = relative(resolve(config.dataDir), dir);
  if (resolve(config.dataDir) === dir || (!inside.startsWith('..') && !inside.startsWith(sep) && inside !== '' && BACKED_UP_FOLDERS.some((f) => inside === f || inside.startsWith(`${f}${sep}`)))) {
    throw new AppError('VALIDATION_FAILED', 'The backup folder must not be DATA_DIR itself or one of the folders a backup carries.', [{ field: 'to', message: 'must be a folder of its own' }]);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let name = backupFileName(now);
  try {
    statSync(join(dir, name));
    name = backupFileName(
      now,
      `-${Math.floor(Math.random() * 0xffff)
        .toString(16)
        .padStart(4, '0')}`,
    );
  } catch {
    // the usual case: no backup of this second yet
  }
  const writer = await BackupWriter.create(join(dir, name), { keyringPath: config.keyringPath, engine: database.engine, now });
  try {
    await writer.entry({ kind: 'database', engine: database.engine, compression: 'gzip' });
    if (database.engine === 'pglite') {
      if (!database.dumpPGlite) throw new BackupFailed('PGLITE_DUMP_MISSING', 'this database handle cannot dump its data directory');
      await writer.data(await promisify(gzip)(Buffer.from(await (await database.dumpPGlite()).arrayBuffer())));
    } else {
      if (!config.databaseUrl) throw new BackupFailed('NO_DATABASE_URL', 'DATABASE_URL is not set');
      await dumpPostgres(config.databaseUrl, writer);
    }
    const files = backedUpFiles(config);
    for (const path of files) {
      await writer.entry({ kind: 'file', path: relative(config.dataDir, path).split(sep).join('/') });
      await writer.data(readFileSync(path));
    }
    const header = await writer.finish();
    return { file: writer.path, bytes: header.bytes, sha256: header.sha256, createdAt: header.created_at, files: files.length };
  } catch (err) {
    await writer.abandon();
    throw err;
  }
}

/** Deletes backup files in `dir` older than `days`; returns their names. Only files named as backups are touched. */
export function pruneBackups(dir: string, days: number, now: Date): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const cutoff = now.getTime() - days * 86_400_000;
  const pruned: string[] = [];
  for (const name of names) {
    if (!BACKUP_FILE.test(name)) continue;
    const path = join(dir, name);
    const stats = lstatSync(path);
    if (stats.isFile() && stats.mtimeMs < cutoff) {
      unlinkSync(path);
      pruned.push(name);
    }
  }
  return pruned;
}
