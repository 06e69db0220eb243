// Backups (decision 0063): take one by hand (recorded in backups_runs and copied off the machine by
// BACKUP_COPY_COMMAND like a scheduled one), copy the keyring to escrow (never through that
// command), restore. The work is the backups module's; these only call it and say what to do next.
import { chmodSync, copyFileSync, existsSync, renameSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { backupByHand, restoreBackup } from '../../backups/index.ts';
import { validationError } from '../../platform/errors.ts';
import { anchorPathFor } from '../../privacy/index.ts';
import type { CliCommand } from '../command.ts';

const size = (bytes: number) => (bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** Copies `from` to `to` with mode 0600 through a temporary file, replacing an older copy. */
function copyPrivately(from: string, to: string): void {
  const tmp = `${to}.${process.pid}.tmp`;
  copyFileSync(from, tmp);
  chmodSync(tmp, 0o600);
  renameSync(tmp, to);
}

export const backupsCommands: CliCommand[] = [
  {
    path: ['backup'],
    summary: 'Write an encrypted backup (database, product pictures, download files; never the keyring) into a folder. On the embedded database, stop the shop first',
    flags: {
      to: { type: 'string', value: '<folder>', description: 'Folder to write the backup file into; default BACKUP_DIR' },
    },
    fieldNames: { to: '--to' },
    async run(ctx, args) {
      const dir = typeof args.flags.to === 'string' && args.flags.to ? args.flags.to : ctx.config.backups.dir;
      if (!dir) throw validationError('to', 'is required when BACKUP_DIR is not set');
      const { taken, run } = await backupByHand({ database: ctx.database, db: ctx.db, config: ctx.config, dir, now: new Date() });
      const copy =
        run.copy_outcome === 'copied'
          ? ['Copied off this machine by BACKUP_COPY_COMMAND.']
          : run.copy_outcome === 'failed'
            ? [
                `BACKUP_COPY_COMMAND failed (${run.copy_error_code}): the backup was NOT copied off this machine; it stays in ${dirname(taken.file)}.`,
                'Its output is not shown or logged: run the command by hand with CUSTODIAN_BACKUP_FILE set to that file to see why.',
              ]
            : [];
      return {
        data: { ...taken, copy: run.copy_outcome, copy_error_code: run.copy_error_code },
        text: [
          `Wrote ${taken.file} (${size(taken.bytes)}; the database and ${taken.files} file(s); SHA-256 of its contents ${taken.sha256}).`,
          ...copy,
          `It is encrypted with a key from the keyring (${ctx.config.keyringPath}), which it does not contain: a restore needs that keyring.`,
          'Keep the keyring apart from the backups: `custodian backup keyring --to <file>` copies it.',
        ].join('\n'),
        // 3: the backup is written but the copy off the machine failed (a script can tell it from a failed backup, 1).
        ...(run.copy_outcome === 'failed' ? { exitCode: 3 } : {}),
      };
    },
  },
  {
    path: ['backup', 'keyring'],
    summary: 'Copy the keyring (and the audit anchor beside it) to a separate place for escrow; backups cannot be read without it',
    needsDatabase: false,
    needsSettings: true,
    flags: {
      to: { type: 'string', value: '<file>', description: 'Where to write the copy (mode 0600), away from the backups; an older copy there is replaced', required: true },
    },
    fieldNames: { to: '--to' },
    async run(ctx, args) {
      const to = resolve(String(args.flags.to));
      const keyring = ctx.config.keyringPath;
      if (!existsSync(keyring)) throw validationError('to', `cannot copy: the keyring ${keyring} does not exist (KEYRING_PATH)`);
      if (to === resolve(keyring)) throw validationError('to', 'is the keyring itself; name a file in another place');
      // BACKUP_DIR is what gets copied off the machine (BACKUP_COPY_COMMAND, or the folder synced whole): the keyring stays apart.
      const backups = ctx.config.backups.dir;
      if (backups && (to.startsWith(`${backups}/`) || to === backups)) throw validationError('to', `is inside BACKUP_DIR (${backups}); keep the keyring's copy apart from the backups`);
      copyPrivately(keyring, to);
      const anchor = anchorPathFor(keyring);
      const anchorCopy = anchorPathFor(to);
      const withAnchor = existsSync(anchor) && anchorCopy !== resolve(anchor);
      if (withAnchor) copyPrivately(anchor, anchorCopy);
      return {
        data: { keyring: to, anchor: withAnchor ? anchorCopy : null },
        text: [
          `Copied the keyring to ${to}${withAnchor ? ` and the audit anchor to ${anchorCopy}` : ''} (mode 0600).`,
          'Keep it apart from the backups: together they read every backup made so far.',
          'WARNING (the erasure horizon, decision 0010): this copy still holds the keys of everyone erased after today. Replace it (run this again) after erasures, and destroy older copies; an old copy with an old backup brings erased people back.',
        ].join('\n'),
      };
    },
  },
  {
    path: ['restore'],
    summary: 'Restore a backup into an empty database and DATA_DIR (needs the keyring that made it); checks every byte before writing anything',
    needsDatabase: false,
    needsSettings: true,
    flags: {
      from: { type: 'string', value: '<file>', description: 'The backup file', required: true },
      replace: { type: 'boolean', description: "Restore over a stopped shop's database and folders: they are moved aside (…replaced-<time>), not deleted" },
    },
    fieldNames: { from: '--from', replace: '--replace' },
    async run(ctx, args) {
      const report = await restoreBackup({ config: ctx.config, from: String(args.flags.from), replace: args.flags.replace === true, now: new Date() });
      return {
        data: report,
        text: [
          `Restored the backup of ${report.createdAt} (${report.engine === 'pglite' ? 'embedded database' : 'PostgreSQL'}, ${report.files} file(s)).`,
          ...report.movedAside.map((path) => `Moved aside: ${path}`),
          'Next:',
          '  1. The privacy officer accepts the restored audit chain (the shop refuses to start until then); this also finishes the erasures made after the backup:',
          '     custodian audit verify --re-anchor --dpo <email> --code <code> --reason restore',
          '     (--reason anchor-lost when no audit anchor came with the keyring)',
          '  2. custodian audit verify',
          '  3. Start the shop.',
        ].join('\n'),
      };
    },
  },
];
