// How tests run the CLI. `cliProcess` is the command as an operator types it: a separate Node
// process on main.ts, whose exit code is the process's. `cliInProcess` calls the same runner
// (runCli: flags, settings, database, command, output) without starting Node again, which costs a
// second or two each on a small machine; tests that run many commands use it and keep a few
// process runs for what only the process shows (its exit code, no stack trace on stderr).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scriptFlags } from '../platform/testing/script-flags.ts';
import { runCli } from './run.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

/** The environment a test's CLI sees: the test's own settings, never the suite's DATABASE_URL. */
function envOf(env: Record<string, string>): Record<string, string | undefined> {
  const { DATABASE_URL: _suite, ...inherited } = process.env;
  return { ...inherited, LOG_LEVEL: 'silent', SANDBOX_PROCESSOR_PORT: '0', ...env };
}

export function cliProcess(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...scriptFlags('custodian'), main, ...args], { env: envOf(env), timeout: 300_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

export async function cliInProcess(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { env: envOf(env), out: (s) => out.push(`${s}\n`), err: (s) => err.push(`${s}\n`) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
