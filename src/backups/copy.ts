// Copying a backup off the machine (BACKUP_COPY_COMMAND, decision 0063): the operator's command
// runs through /bin/sh exactly as written; the file's path reaches it only in the environment
// variable CUSTODIAN_BACKUP_FILE, so no folder or file name can become shell text. Its stdin is
// closed and its output discarded (a copy tool's messages may hold credentials or bucket names), so
// only a code is kept: COPY_EXIT_<n>, COPY_TIMEOUT, …. Only backup files are ever handed to it: never
// the keyring or its escrow copy.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { settingDocs } from '../platform/config.ts';
import { BACKUP_FILE } from './take.ts';

export type CopyResult = { ok: true } | { ok: false; code: string };

/** After SIGTERM at the timeout, how long the command's processes get before SIGKILL. */
const KILL_GRACE_MS = 5_000;

/**
 * The command's environment: the process's own (PATH, HOME, the copy tool's credentials such as
 * AWS_* or RCLONE_*), without any of the shop's settings (DATABASE_URL, STAFF_API_TOKEN,
 * KEYRING_PATH, …), plus CUSTODIAN_BACKUP_FILE.
 */
export function copyEnvironment(file: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const shop = new Set(['CUSTODIAN_CONFIG', ...settingDocs.map((s) => s.name)]);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !shop.has(name) && !name.startsWith('CUSTODIAN_')) out[name] = value;
  out.CUSTODIAN_BACKUP_FILE = file;
  return out;
}

const codeOfExit = (status: number): string => (status === 127 ? 'COPY_COMMAND_NOT_FOUND' : status === 126 ? 'COPY_NOT_EXECUTABLE' : `COPY_EXIT_${status}`);

/** Runs `command` for one backup file; resolves (never rejects) with the outcome. */
export function copyOffsite(options: { command: string; file: string; timeoutMs: number }): Promise<CopyResult> {
  const { command, file, timeoutMs } = options;
  if (!BACKUP_FILE.test(basename(file))) return Promise.resolve({ ok: false, code: 'COPY_NOT_A_BACKUP' });
  return new Promise((done) => {
    let timedOut = false;
    let settled = false;
    const finish = (result: CopyResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killer);
      done(result);
    };
    // Its own process group, so the timeout stops the tool the shell started too, not only the shell.
    const child = spawn('/bin/sh', ['-c', command], { env: copyEnvironment(file), stdio: 'ignore', detached: true });
    const group = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      group('SIGTERM');
      killer = setTimeout(() => group('SIGKILL'), KILL_GRACE_MS);
    }, timeoutMs);
    child.on('error', () => finish({ ok: false, code: 'COPY_NOT_STARTED' }));
    child.on('exit', (status, signal) => {
      if (timedOut) finish({ ok: false, code: 'COPY_TIMEOUT' });
      else if (status === 0) finish({ ok: true });
      else if (status !== null) finish({ ok: false, code: codeOfExit(status) });
      else finish({ ok: false, code: `COPY_KILLED_${signal ?? 'UNKNOWN'}`.slice(0, 40) });
    });
  });
}
