// `custodian migrate`: brings the database schema up to date (the runner migrates before every
// command; this one just reports what that did).
import { pgliteDirFor } from '../../platform/db/database.ts';
import type { CliCommand } from '../command.ts';

export const migrateCommands: CliCommand[] = [
  {
    path: ['migrate'],
    summary: 'Apply pending database migrations (the shop also does this at start)',
    async run(ctx) {
      const engine = ctx.database.engine === 'pglite' ? `embedded PGlite in ${pgliteDirFor(ctx.config.dataDir)}` : 'PostgreSQL (DATABASE_URL)';
      const text = ctx.applied.length ? [`Applied ${ctx.applied.length} migration(s) to ${engine}:`, ...ctx.applied.map((id) => `  ${id}`)].join('\n') : `The database (${engine}) is up to date.`;
      return { data: { engine: ctx.database.engine, applied: ctx.applied }, text };
    },
  },
];
