// `custodian database move`: a stopped shop's data from the embedded database (PGlite, under
// DATA_DIR) into an empty PostgreSQL database, the first step of a shop outgrowing one process
// (decision 0076); the PGlite directory is left as it is. `--to embedded` is the way back: from
// PostgreSQL (DATABASE_URL) into a new embedded database under DATA_DIR.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pgliteDirFor, type DatabaseHandle } from '../../platform/db/database.ts';
import { DataDirLockedError } from '../../platform/db/data-dir-lock.ts';
import { migrate } from '../../platform/db/migrate.ts';
import { describeUrl, type MoveReport, moveToPostgres } from '../../platform/db/move.ts';
import { moveToEmbedded } from '../../platform/db/move-to-embedded.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { allMigrations } from '../../modules.ts';
import { openShopDatabase } from '../../server.ts';
import type { CliCommand, CliResult } from '../command.ts';

const EMBEDDED = 'embedded';

function tableLines(report: MoveReport): string[] {
  const width = Math.max(...report.tables.map((t) => t.table.length));
  const filled = report.tables.filter((t) => t.rows > 0);
  return [...filled.map((t) => `  ${t.table.padEnd(width)}  ${t.rows}`), `  (${report.tables.length - filled.length} tables are empty on both sides)`];
}

async function moveBack(databaseUrl: string | null, dataDir: string): Promise<CliResult> {
  if (!databaseUrl) {
    throw new AppError(
      'CONFLICT',
      "DATABASE_URL is not set: there is no PostgreSQL database to move from. Run the move with DATABASE_URL set to the shop's database (and the same DATA_DIR). Nothing was written.",
    );
  }
  const pgliteDir = pgliteDirFor(dataDir);
  const report = await moveToEmbedded({ sourceUrl: databaseUrl, pgliteDir, migrations: allMigrations });
  const from = describeUrl(databaseUrl);
  return {
    data: report,
    text: [
      `Moved ${report.rows} row(s) in ${report.tables.length} tables from ${from} to a new embedded database in ${pgliteDir}; every table's row count is the same on both sides (read back from disk), and ${report.sequences} sequences continue where they stood.`,
      ...tableLines(report),
      `The database at ${from} is left as it was; the shop no longer uses it once DATABASE_URL is unset.`,
      'Next:',
      '  1. Unset DATABASE_URL (and DATABASE_DIRECT_URL, DATABASE_REPLICA_URL), keeping DATA_DIR: the keyring, the audit anchor, pictures and download files are there.',
      '  2. custodian audit verify',
      '  3. Start the shop (and its worker).',
    ].join('\n'),
  };
}

export const databaseCommands: CliCommand[] = [
  {
    path: ['database', 'move'],
    summary:
      'Move a stopped shop from the embedded database (DATA_DIR) into an empty PostgreSQL database, then start it with DATABASE_URL set; or, with --to embedded, back from PostgreSQL (DATABASE_URL) into a new embedded database under DATA_DIR',
    // The runner would open (and migrate) DATABASE_URL's database, which may be the target: this opens the embedded one itself.
    needsDatabase: false,
    needsSettings: true,
    flags: {
      to: {
        type: 'string',
        value: '<postgres://user@host/db>|embedded',
        description: 'The empty PostgreSQL database to move into (a password may come from PGPASSWORD or ~/.pgpass instead), or `embedded`: a new embedded database under DATA_DIR, from DATABASE_URL',
        required: true,
      },
    },
    fieldNames: { to: '--to' },
    async run(ctx, args) {
      const to = String(args.flags.to).trim();
      if (to === EMBEDDED) return moveBack(ctx.config.databaseUrl, ctx.config.dataDir);
      if (!/^postgres(ql)?:\/\//.test(to)) throw validationError('to', `must be a postgres:// or postgresql:// URL, or ${EMBEDDED}`);
      if (ctx.config.databaseUrl) {
        throw new AppError(
          'CONFLICT',
          `DATABASE_URL is set: the move reads the embedded database under DATA_DIR. Run it with DATABASE_URL unset, and set DATABASE_URL to the new database afterwards (or, to move from DATABASE_URL into a new embedded database, --to ${EMBEDDED}).`,
        );
      }
      const pgliteDir = pgliteDirFor(ctx.config.dataDir);
      if (!existsSync(join(pgliteDir, 'PG_VERSION'))) throw new AppError('NOT_FOUND', `There is no embedded database in ${pgliteDir} (DATA_DIR): nothing to move.`);
      let source: DatabaseHandle;
      try {
        source = await openShopDatabase(ctx.config);
      } catch (err) {
        if (!(err instanceof DataDirLockedError)) throw err;
        throw new AppError('CONFLICT', `The shop is running: process ${err.pid} has the embedded database in ${err.dir} open. Stop the shop (and its worker) first, then move. Nothing was written.`);
      }
      try {
        // As every command and the shop's start do: the embedded database gets the migrations of this version first.
        await migrate(source.db, allMigrations);
        const report = await moveToPostgres({ source: source.db, targetUrl: to, migrations: allMigrations });
        return {
          data: report,
          text: [
            `Moved ${report.rows} row(s) in ${report.tables.length} tables from ${pgliteDir} to ${report.target}; every table's row count is the same on both sides, and ${report.sequences} sequences continue where they stood.`,
            ...tableLines(report),
            `The embedded database in ${pgliteDir} is left as it was: keep it until the shop runs well on PostgreSQL (it is the way back).`,
            'Next:',
            `  1. Set DATABASE_URL=${describeUrl(to)} (with its password, if any), keeping DATA_DIR: the keyring, the audit anchor, pictures and download files stay there.`,
            '  2. custodian audit verify',
            '  3. Start the shop (and its worker).',
          ].join('\n'),
        };
      } finally {
        await source.close();
      }
    },
  },
];
