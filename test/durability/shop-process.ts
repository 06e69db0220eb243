// Runs the real shop (`src/main.ts`), its worker and its CLI as child processes, started with their
// package.json scripts' node flags, for tests that signal or kill them: on a temporary DATA_DIR with
// the embedded database, or on a scratch PostgreSQL database.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/platform/testing/free-port.ts';
import { inheritedForChildren, scriptFlags } from '../../src/platform/testing/script-flags.ts';
export { freePort };

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const STAFF_TOKEN = 'durability-test-staff-token-0123456789abcdef';
export const staffHeaders = { authorization: `Bearer ${STAFF_TOKEN}` };

export interface ShopProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once /readyz answers 200; rejects if the process exits first or is not ready in 90 s. */
  ready: Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'custodian-durability-'));
}

export interface StartOptions {
  dataDir: string;
  /** postgres:// URL; unset runs on the embedded PGlite under dataDir. */
  databaseUrl?: string | null;
  env?: Record<string, string>;
}

/** Starts the shop and waits until it is ready. */
export async function startShopProcess(options: StartOptions): Promise<ShopProcess> {
  const shop = await spawnShopProcess(options);
  await shop.ready;
  return shop;
}

/**
 * Starts the shop and returns at once, before it is ready: a test that may kill it while it starts
 * (its worker can act before /readyz answers) needs the process in hand from the first moment.
 */
export async function spawnShopProcess(options: StartOptions): Promise<ShopProcess> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...inheritedForChildren(),
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? options.dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: options.dataDir,
    RUN_WORKER: 'false',
    DEMO_DATA: 'false',
    RATE_LIMIT_PER_MINUTE: '0',
    STAFF_API_TOKEN: STAFF_TOKEN,
    LOG_LEVEL: 'warn',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, [...scriptFlags('start'), 'src/main.ts'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const ready = untilReady(
    url,
    exited,
    () => output,
    () => child.kill('SIGKILL'),
  );
  // A caller that does not wait for readiness must not get an unhandled rejection from it.
  ready.catch(() => {});
  return { child, url, port, output: () => output, exited, ready };
}

async function untilReady(url: string, exited: ShopProcess['exited'], output: () => string, kill: () => void): Promise<void> {
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void exited.then((e) => (exit = e));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exit) throw new Error(`the shop exited before it was ready (${JSON.stringify(exit)}):\n${output()}`);
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  kill();
  throw new Error(`the shop did not become ready within 90 s:\n${output()}`);
}

/** Stops a shop a test left running (after a failed assertion), so the test run can end. */
export async function ensureStopped(shop: ShopProcess | null): Promise<void> {
  if (!shop || shop.child.exitCode !== null || shop.child.signalCode !== null) return;
  shop.child.kill('SIGKILL');
  await shop.exited;
}

export async function listVendorSlugs(shop: ShopProcess): Promise<Set<string>> {
  const response = await fetch(`${shop.url}/api/staff/vendors`, { headers: staffHeaders });
  if (response.status !== 200) throw new Error(`GET /api/staff/vendors answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { items: { slug: string }[] };
  return new Set(body.items.map((v) => v.slug));
}

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm run worker` as its own process (PostgreSQL only). */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [...scriptFlags('worker'), 'src/worker.ts'], {
    cwd: projectRoot,
    env: { ...inheritedForChildren(), PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? env.DATA_DIR!, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

export async function stopProcess(p: { child: ChildProcess; exited: Promise<unknown> } | null): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await p.exited;
  clearTimeout(timer);
}

/** `npm run custodian -- ARGS` as its own process. */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [...scriptFlags('custodian'), 'src/cli/main.ts', ...args], {
    cwd: projectRoot,
    env: { ...inheritedForChildren(), PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? env.DATA_DIR!, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}
