// Product-page requests/s and latency under load, next to a bare Fastify route in the same run.
//
// Options: --duration S (measured seconds per target, default 10), --warmup S (default 3),
// --connections N (default 50), --database-url postgres://… (a scratch database is created on that
// server and dropped afterwards; default: the embedded PGlite in a temporary DATA_DIR), --rate-limit N
// (RATE_LIMIT_PER_MINUTE of the shop, default 0: off; a limit above the run's requests measures what
// counting each request costs, in the database since decision 0066).
// Exits non-zero when any request failed, timed out or got a non-2xx answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createScratchPostgres } from '../src/platform/testing/databases.ts';
import type { TargetReady } from './support/storefront-target.ts';
import { positive, settingsOrExit } from './support/flags.ts';

interface Settings {
  duration: number;
  warmup: number;
  connections: number;
  databaseUrl: string | null;
  rateLimit: number;
}

interface Measured {
  label: string;
  url: string;
  result: autocannon.Result;
}

const usage = `Usage: npm run bench -- storefront [--duration 10] [--warmup 3] [--connections 50] [--database-url postgres://…] [--rate-limit 0]\n`;

function parseSettings(args: string[]): Settings | null {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'database-url': { type: 'string' },
      'rate-limit': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  return {
    duration: positive('duration', values.duration, 10),
    warmup: positive('warmup', values.warmup, 3),
    connections: positive('connections', values.connections, 50),
    databaseUrl: values['database-url'] ?? null,
    rateLimit: values['rate-limit'] === undefined || values['rate-limit'] === '0' ? 0 : positive('rate-limit', values['rate-limit'], 0),
  };
}

export async function startTarget(databaseUrl: string | null, rateLimit = 0): Promise<{ child: ChildProcess; ready: TargetReady }> {
  const script = fileURLToPath(new URL('./support/storefront-target.ts', import.meta.url));
  const child = spawn(process.execPath, [script, databaseUrl ?? '', String(rateLimit)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the server process exited (${code}) before it was ready`))));
  const firstLine = new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const line = await Promise.race([firstLine, exited]);
  return { child, ready: JSON.parse(line) as TargetReady };
}

export async function stopTarget(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function load(url: string, connections: number, duration: number): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration, pipelining: 1, timeout: 10 });
}

function failures(r: autocannon.Result): number {
  return r.errors + r.timeouts + r.non2xx;
}

function table(rows: Measured[]): string {
  const header = ['target', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'errors', 'timeouts', 'non-2xx'];
  const body = rows.map(({ label, result: r }) => [
    label,
    r.requests.average.toFixed(0),
    r.latency.p50.toFixed(1),
    r.latency.p99.toFixed(1),
    String(r.requests.total),
    String(r.errors),
    String(r.timeouts),
    String(r.non2xx),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const format = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(format)].join('\n');
}

export async function main(args: string[]): Promise<number> {
  const settings = settingsOrExit(usage, () => parseSettings(args));
  if (typeof settings === 'number') return settings;
  let scratch: Awaited<ReturnType<typeof createScratchPostgres>> | null = null;
  if (settings.databaseUrl) {
    process.env.DATABASE_URL = settings.databaseUrl;
    scratch = await createScratchPostgres();
  }
  const { child, ready } = await startTarget(scratch?.url ?? null, settings.rateLimit);
  try {
    const targets = [
      { label: `product page ${ready.productPath}`, url: `${ready.shop}${ready.productPath}` },
      { label: 'bare Fastify route', url: ready.bare },
    ];
    for (const { url } of targets) {
      const response = await fetch(url);
      if (response.status !== 200) throw new Error(`${url} answered ${response.status} before the run`);
    }
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    process.stdout.write(
      `Storefront benchmark on ${ready.engine}: ${settings.connections} connections, ${settings.warmup} s warm-up + ${settings.duration} s per target\n` +
        `Node ${process.version}, ${availableParallelism()} × ${cpu}; server in its own process, LOG_LEVEL=warn, ${settings.rateLimit ? `RATE_LIMIT_PER_MINUTE=${settings.rateLimit}` : 'no rate limit'}\n\n`,
    );
    const measured: Measured[] = [];
    let warmupFailures = 0;
    for (const target of targets) {
      process.stdout.write(`warming up ${target.label} …\n`);
      warmupFailures += failures(await load(target.url, settings.connections, settings.warmup));
      process.stdout.write(`measuring  ${target.label} …\n`);
      measured.push({ ...target, result: await load(target.url, settings.connections, settings.duration) });
    }
    const [page, bare] = measured as [Measured, Measured];
    process.stdout.write(`\n${table(measured)}\n\n`);
    process.stdout.write(
      `product page / bare route: ${((page.result.requests.average / bare.result.requests.average) * 100).toFixed(1)} % of the requests/s, ` +
        `p99 ${(page.result.latency.p99 / Math.max(bare.result.latency.p99, 0.001)).toFixed(1)} × as long\n`,
    );
    const failed = measured.reduce((sum, m) => sum + failures(m.result), 0) + warmupFailures;
    if (failed > 0) {
      process.stderr.write(`\n${failed} requests failed (errors, timeouts or non-2xx answers, warm-up included).\n`);
      return 1;
    }
    return 0;
  } finally {
    await stopTarget(child);
    await scratch?.drop();
  }
}
