// The public entry of the backups module. Any other file here is internal (decision 0032).
export { backupsModule } from './module.ts';

// Used by the CLI (src/cli/commands/backups.ts) and the restore drill's test.
export { type BackupHeader, type EntryHead, readArchive, readHeader } from './archive.ts';
export { type RestoreReport, restoreBackup } from './restore.ts';
export { BackupFailed, backedUpFiles, takeBackup, type TakenBackup } from './take.ts';
export { backupByHand, TAKE_JOB } from './runs.ts';
