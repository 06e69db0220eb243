// The way back (`custodian database move --to embedded`, decision 0076): a stopped shop's data from
// its PostgreSQL database (DATABASE_URL) into a new embedded database (PGlite) under DATA_DIR. The
// new database is made in a folder beside the final one and renamed into place only once the copy
// committed and its row counts read back from disk are the source's: a failure leaves no embedded
// database behind. An existing embedded database is never replaced.
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import { secureDataDir } from '../data-dir.ts';
import { type Db, openDatabase } from './database.ts';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';
import { type Migration, migrate } from './migrate.ts';
import { copyAll, countRows, describeUrl, type MoveReport } from './move.ts';

const LOCK_FILE = 'custodian.lock';
const SESSION_GRACE_MS = 2_000;

/** Where the new database is made: beside the final folder, on the same file system, so the rename is atomic. */
export const incomingDirFor = (pgliteDir: string) => join(dirname(pgliteDir), `${basename(pgliteDir)}.incoming`);

/**
 * Takes the final folder's lock for the whole move (no shop, worker or second move opens it
 * meanwhile) and refuses a folder that holds anything. Returns how to give it back.
 */
function claim(pgliteDir: string): { release(): void; vacate(): void } {
  const created = !existsSync(pgliteDir);
  mkdirSync(pgliteDir, { recursive: true, mode: 0o700 });
  let given = false;
  const giveBack = (unlock: () => void) => () => {
    if (given) return;
    given = true;
    unlock();
    // Only the empty folder this move made goes; anything else in it stays.
    if (!created) return;
    try {
      rmdirSync(pgliteDir);
    } catch {
      // Not empty or already gone (renamed over): left as it is.
    }
  };
  let unlock: () => void;
  try {
    unlock = lockDataDir(pgliteDir);
  } catch (err) {
    giveBack(() => {})();
    if (!(err instanceof DataDirLockedError)) throw err;
    throw new AppError('CONFLICT', `Process ${err.pid} has ${err.dir} open (the shop, its worker or another move runs on the embedded database). Stop it first. Nothing was written.`);
  }
  const release = giveBack(unlock);
  if (existsSync(join(pgliteDir, 'PG_VERSION'))) {
    release();
    throw new AppError(
      'CONFLICT',
      `${pgliteDir} already holds an embedded database (perhaps the one the shop left when it moved to PostgreSQL: it does not have what was written since). It is never overwritten: move that folder aside (mv ${pgliteDir} ${pgliteDir}.old) and run the move again. Nothing was written.`,
    );
  }
  const other = readdirSync(pgliteDir).filter((name) => name !== LOCK_FILE);
  if (other.length) {
    release();
    throw new AppError('CONFLICT', `${pgliteDir} is not empty (${other.slice(0, 3).join(', ')}${other.length > 3 ? ', …' : ''}): move that folder aside and run the move again. Nothing was written.`);
  }
  return {
    release,
    // For the rename: the lock and the empty folder go; rmdir refuses a folder where anything appeared meanwhile.
    vacate() {
      given = true;
      unlock();
      rmdirSync(pgliteDir);
    },
  };
}

/**
 * Nothing locks a PostgreSQL shop against running, so the move asks the server: any other session
 * on the source database (the shop, its worker, a pooler's server connections, a console) could
 * write after the copy's snapshot, and that would be lost with the move. Asked before anything is
 * written and again once the copy committed, before the new database takes its place.
 */
async function refuseOtherSessions(db: Db, shown: string, when: 'before' | 'after'): Promise<void> {
  const others = async () =>
    (
      await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`.execute(db)
    ).rows[0]?.n ?? 0;
  let n = await others();
  // A session whose client just closed it (a shop stopped a moment ago) ends within moments.
  for (let waited = 0; n > 0 && waited < SESSION_GRACE_MS; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    n = await others();
  }
  if (n === 0) return;
  const what = `${n} other session(s) ${when === 'before' ? 'are' : 'opened during the copy are'} connected to the database at ${shown}`;
  throw new AppError(
    'CONFLICT',
    `${what}: the shop, its worker, a pooler or a console may still write there, and what they write after the copy would not reach the embedded database. Stop them (a pooler's server connections too) and run the move again. ${when === 'before' ? 'Nothing was written.' : 'The move was undone: no embedded database was left.'}`,
  );
}

/**
 * Moves everything from the PostgreSQL database at `sourceUrl` into a new embedded database at
 * `pgliteDir`. The source is migrated to this version first (as every command does), then read in
 * one repeatable-read, read-only transaction: one consistent state of it.
 */
export async function moveToEmbedded(options: { sourceUrl: string; pgliteDir: string; migrations: readonly Migration[] }): Promise<MoveReport> {
  const { sourceUrl, pgliteDir, migrations } = options;
  const shown = describeUrl(sourceUrl);
  const { release, vacate } = claim(pgliteDir);
  try {
    const source = await openDatabase({ databaseUrl: sourceUrl, pgliteDir: null, poolSize: 1 }).catch((err: unknown) => {
      throw new Error(`cannot reach the database at ${shown} (DATABASE_URL): ${(err as Error).message}. Nothing was written.`);
    });
    const incoming = incomingDirFor(pgliteDir);
    try {
      await refuseOtherSessions(source.db, shown, 'before');
      await migrate(source.db, migrations);
      // Left by a move that was killed: this move holds the final folder's lock, so no other one uses it.
      rmSync(incoming, { recursive: true, force: true });
      const report = await copyInto(source.db, incoming, { from: `the database at ${shown}`, to: pgliteDir }, migrations);
      await refuseOtherSessions(source.db, shown, 'after');
      vacate();
      // rename(2) refuses a folder that is not empty too: whatever appeared there meanwhile stays.
      renameSync(incoming, pgliteDir);
      return report;
    } catch (err) {
      rmSync(incoming, { recursive: true, force: true });
      if (err instanceof AppError) throw err;
      throw new Error(`${(err as Error).message}. The move was undone: no embedded database was left in ${pgliteDir}; ${shown} is as it was.`);
    } finally {
      await source.close();
    }
  } finally {
    release();
  }
}

/** The copy into a new embedded database at `dir`, then its row counts read back after it was closed. */
async function copyInto(source: Db, dir: string, sides: { from: string; to: string }, migrations: readonly Migration[]): Promise<MoveReport> {
  const target = await openDatabase({ databaseUrl: null, pgliteDir: dir });
  let report: MoveReport;
  try {
    // PGlite unpacks a new database with its image's modes (666): the shop's data stays its own.
    secureDataDir(dir);
    report = await source
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((snapshot) => copyAll(snapshot, target.db, sides, migrations));
  } finally {
    await target.close();
  }
  const reopened = await openDatabase({ databaseUrl: null, pgliteDir: dir });
  try {
    for (const { table, rows } of report.tables) {
      const there = await countRows(reopened.db, table);
      if (there !== rows) throw new Error(`${table}: ${rows} row(s) copied, ${there} in the new embedded database once reopened`);
    }
  } finally {
    await reopened.close();
  }
  secureDataDir(dir);
  return report;
}
