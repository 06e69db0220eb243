// Tests of backups as the operator takes and restores them: a file-based PGlite database whose
// directory is copied, or a PostgreSQL database dumped with pg_dump and restored with psql into a
// fresh database.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DatabaseHandle, type Engine } from '../platform/db/database.ts';
import { createScratchPostgres } from '../platform/testing/databases.ts';

/** A database that can be backed up and restored as the operator would: PGlite's files, or pg_dump. */
export interface Store {
  open(): Promise<DatabaseHandle>;
  /** Takes a backup of the (closed) database and returns a function that restores it into a fresh database. */
  backup(): Promise<() => Promise<DatabaseHandle>>;
  /** Everything an attacker holding the database files or a dump would read. */
  dump(): Promise<string>;
  cleanup(): Promise<void>;
}

export async function storeFor(engine: Engine): Promise<Store> {
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'custodian-pglite-'));
    const files = (root: string): string[] => readdirSync(root).flatMap((f) => (statSync(join(root, f)).isDirectory() ? files(join(root, f)) : [join(root, f)]));
    return {
      open: () => openDatabase({ databaseUrl: null, pgliteDir: dir }),
      async backup() {
        const copy = mkdtempSync(join(tmpdir(), 'custodian-pglite-backup-'));
        cpSync(dir, copy, { recursive: true });
        return async () => {
          const restored = mkdtempSync(join(tmpdir(), 'custodian-pglite-restored-'));
          cpSync(copy, restored, { recursive: true });
          return openDatabase({ databaseUrl: null, pgliteDir: restored });
        };
      },
      async dump() {
        return files(dir)
          .map((f) => readFileSync(f).toString('latin1'))
          .join('\n');
      },
      async cleanup() {},
    };
  }
  const scratch = await createScratchPostgres();
  const drops = [scratch.drop];
  const pgDump = () => execFileSync('pg_dump', ['--no-owner', '--no-privileges', '-d', scratch.url], { maxBuffer: 256 * 1024 * 1024 }).toString('latin1');
  return {
    open: () => openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: 4 }),
    async backup() {
      const file = join(mkdtempSync(join(tmpdir(), 'custodian-pgdump-')), 'backup.sql');
      execFileSync('pg_dump', ['--no-owner', '--no-privileges', '-f', file, '-d', scratch.url]);
      return async () => {
        const fresh = await createScratchPostgres();
        drops.push(fresh.drop);
        execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-d', fresh.url, '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
        return openDatabase({ databaseUrl: fresh.url, pgliteDir: null, poolSize: 4 });
      };
    },
    dump: async () => pgDump(),
    async cleanup() {
      for (const drop of drops) await drop();
    },
  };
}
