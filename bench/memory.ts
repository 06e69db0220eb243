// Resident memory of `npm start` (and its sandbox processor): at start, idle, and under requests.
//
// Starts `node src/main.ts` as `npm start` does, on a fresh DATA_DIR (the first start loads the demo
// data), then once more on the same DATA_DIR (a restart, what a shop does far more often); each time
// it waits for it to answer, then reads VmRSS and VmHWM from /proc/PID/status of the shop and of the sandbox
// processor child: the peak while starting, idle after --idle seconds, the highest sample while
// --requests storefront requests run (home, category, search and product pages), and idle again.
// Prints each against the targets of issue 18 (idle 150 MB and 300 MB under load, on PGlite).
//
// Options: --requests N (default 2000), --connections N (default 10), --idle S (default 5),
// --database-url postgres://… (a scratch database on that server, dropped afterwards; default: the
// embedded PGlite). Linux only (/proc). Exits non-zero when a request failed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createScratchPostgres } from '../src/platform/testing/databases.ts';
import { scriptFlags } from '../src/platform/testing/script-flags.ts';
import { positive, settingsOrExit } from './support/flags.ts';

const usage = 'Usage: npm run bench -- memory [--requests 2000] [--connections 10] [--idle 5] [--database-url postgres://…]\n';
const MB = 1024 * 1024;
const TARGET_IDLE_MB = 150;
const TARGET_LOAD_MB = 300;

interface Settings {
  requests: number;
  connections: number;
  idle: number;
  databaseUrl: string | null;
}

function parseSettings(args: string[]): Settings | null {
  const { values } = parseArgs({
    args,
    options: {
      requests: { type: 'string' },
      connections: { type: 'string' },
      idle: { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  return {
    requests: positive('requests', values.requests, 2000),
    connections: positive('connections', values.connections, 10),
    idle: positive('idle', values.idle, 5),
    databaseUrl: values['database-url'] ?? null,
  };
}

/** VmRSS and VmHWM of a process, in bytes; null once it is gone. */
export function residentOf(pid: number): { rss: number; hwm: number } | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Resident memory by kind of mapping, from /proc/PID/smaps (bytes): what `process.memoryUsage()` cannot tell apart. */
export interface ResidentParts {
  nodeBinary: number;
  otherFiles: number;
  wasmMemory: number;
  mallocHeap: number;
  anonymous: number;
}

// V8 maps a WebAssembly memory as one large region (PGlite's is 128 MB and up); no other
// anonymous mapping of the shop comes near that size.
const WASM_MEMORY_MIN = 100 * 1024 * 1024;

export function residentPartsOf(pid: number): ResidentParts | null {
  let smaps: string;
  try {
    smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return null;
  }
  const parts: ResidentParts = { nodeBinary: 0, otherFiles: 0, wasmMemory: 0, mallocHeap: 0, anonymous: 0 };
  let kind: keyof ResidentParts = 'anonymous';
  for (const line of smaps.split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (mapping) {
      const size = Number.parseInt(mapping[2]!, 16) - Number.parseInt(mapping[1]!, 16);
      const name = mapping[3]!;
      if (name === process.execPath || name.endsWith('/bin/node')) kind = 'nodeBinary';
      else if (name.startsWith('/')) kind = 'otherFiles';
      else if (name === '[heap]') kind = 'mallocHeap';
      else if (name === '' && size >= WASM_MEMORY_MIN) kind = 'wasmMemory';
      else kind = 'anonymous';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) parts[kind] += Number(rss[1]) * 1024;
  }
  return parts;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

interface Breakdown {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

async function breakdownOf(pid: number, dir: string): Promise<Breakdown | null> {
  const file = join(dir, `${pid}.json`);
  rmSync(file, { force: true });
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return null;
  }
  for (let i = 0; i < 50 && !existsSync(file); i++) await sleep(100);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Breakdown;
  } catch {
    return null;
  }
}

/** Samples the highest RSS of a process every 100 ms until stopped. */
function sampler(pid: () => number | null): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    const p = pid();
    const r = p === null ? null : residentOf(p);
    if (r && r.rss > peak) peak = r.rss;
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

async function startShop(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; startMs: number }> {
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const probe = fileURLToPath(new URL('./support/memory-probe.ts', import.meta.url));
  const started = Date.now();
  const child = spawn(process.execPath, [...scriptFlags('start'), '--import', probe, main], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it was ready`))));
  const lines = createInterface({ input: child.stdout! });
  const url = new Promise<string>((resolve) =>
    lines.on('line', (line) => {
      const m = /^\s+Storefront\s+(http\S+?)\/?$/.exec(line);
      if (m) resolve(m[1]!);
    }),
  );
  const found = await Promise.race([url, exited]);
  for (;;) {
    const response = await Promise.race([fetch(`${found}/`).catch(() => null), exited]);
    if (response?.status === 200) break;
    await sleep(100);
  }
  return { child, url: found, startMs: Date.now() - started };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Storefront paths to cycle through: home, categories, a search and every product linked from them. */
async function storefrontPaths(url: string): Promise<string[]> {
  const links = (html: string, prefix: string) => [...new Set([...html.matchAll(new RegExp(`href="(${prefix}[^"?#]+)"`, 'g'))].map((m) => m[1]!))];
  const home = await (await fetch(`${url}/`)).text();
  const categories = links(home, '/categories/').slice(0, 5);
  const products = new Set(links(home, '/products/'));
  for (const c of categories) for (const p of links(await (await fetch(`${url}${c}`)).text(), '/products/')) products.add(p);
  return ['/', ...categories, '/search?q=lamp', ...[...products].slice(0, 20)];
}

const mb = (bytes: number) => (bytes / MB).toFixed(0);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const format = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(format)].join('\n');
}

export async function main(args: string[]): Promise<number> {
  const settings = settingsOrExit(usage, () => parseSettings(args));
  if (typeof settings === 'number') return settings;
  if (!existsSync('/proc/self/status')) {
    process.stderr.write('This benchmark reads /proc/PID/status: Linux only.\n');
    return 2;
  }
  let scratch: Awaited<ReturnType<typeof createScratchPostgres>> | null = null;
  if (settings.databaseUrl) {
    process.env.DATABASE_URL = settings.databaseUrl;
    scratch = await createScratchPostgres();
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-memory-'));
  const probeDir = mkdtempSync(join(tmpdir(), 'custodian-memory-probe-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    SANDBOX_PROCESSOR_PORT: '0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    DEMO_DATA: 'true',
    MEMORY_PROBE_DIR: probeDir,
  };
  delete env.DATABASE_URL;
  if (scratch) env.DATABASE_URL = scratch.url;
  let shop: ChildProcess | null = null;
  /** One start of the shop on the DATA_DIR: its memory at start, idle, under storefront load and after. */
  const measure = async () => {
    let sandboxPid: number | null = null;
    const sandboxPeak = sampler(() => sandboxPid ?? childrenOf(shop?.pid ?? 0)[0] ?? null);
    const started = await startShop(env);
    shop = started.child;
    const pid = shop.pid!;
    sandboxPid = childrenOf(pid)[0] ?? null;
    const atStart = { shop: residentOf(pid)!, sandbox: sandboxPid ? residentOf(sandboxPid) : null };
    process.stdout.write(`answering after ${(started.startMs / 1000).toFixed(1)} s; idle ${settings.idle} s …\n`);
    await sleep(settings.idle * 1000);
    const idle = { shop: residentOf(pid)!, sandbox: sandboxPid ? residentOf(sandboxPid) : null };
    const idleBreakdown = await breakdownOf(pid, probeDir);
    const idleParts = residentPartsOf(pid);
    const paths = await storefrontPaths(started.url);
    process.stdout.write(`${settings.requests} requests over ${paths.length} storefront paths, ${settings.connections} connections …\n`);
    const loadPeak = sampler(() => pid);
    const result = await autocannon({ url: started.url, connections: settings.connections, amount: settings.requests, timeout: 20, requests: paths.map((path) => ({ method: 'GET', path })) });
    const peakUnderLoad = loadPeak.stop();
    await sleep(settings.idle * 1000);
    const after = { shop: residentOf(pid)!, sandbox: sandboxPid ? residentOf(sandboxPid) : null };
    const afterBreakdown = await breakdownOf(pid, probeDir);
    const afterParts = residentPartsOf(pid);
    const sandboxMax = sandboxPeak.stop();
    await stop(shop);
    shop = null;
    return { atStart, idle, idleBreakdown, idleParts, result, peakUnderLoad, after, afterBreakdown, afterParts, sandboxMax };
  };
  try {
    process.stdout.write(
      `Memory of npm start (node ${[...scriptFlags('start'), 'src/main.ts'].join(' ')}) on ${scratch ? 'PostgreSQL' : 'PGlite'}: a fresh DATA_DIR (the first start loads the demo data), then a restart on it; LOG_LEVEL=warn, node ${process.version}\n`,
    );
    process.stdout.write('first start:\n');
    const first = await measure();
    process.stdout.write('restart:\n');
    const again = await measure();

    const ratio = (bytes: number, targetMb: number) => `${((bytes / MB / targetMb) * 100).toFixed(0)} % of ${targetMb} MB`;
    const rowsOf = (label: string, m: typeof first) => [
      [
        `shop, ${label}`,
        mb(m.atStart.shop.hwm),
        mb(m.idle.shop.rss),
        mb(m.peakUnderLoad),
        mb(m.after.shop.rss),
        ratio(m.idle.shop.rss, TARGET_IDLE_MB),
        ratio(Math.max(m.peakUnderLoad, m.after.shop.rss), TARGET_LOAD_MB),
      ],
      ...(m.idle.sandbox && m.after.sandbox ? [[`sandbox processor, ${label}`, mb(m.after.sandbox.hwm), mb(m.idle.sandbox.rss), mb(m.sandboxMax), mb(m.after.sandbox.rss), '', '']] : []),
    ];
    process.stdout.write(
      `\n${table(
        ['process', 'start peak (HWM)', 'idle RSS', 'peak under load', 'idle after load', 'idle vs target', 'load vs target'],
        [...rowsOf('first start', first), ...rowsOf('restart', again)],
      )}\n(MB; targets of issue 18 are for the shop process on PGlite)\n`,
    );
    const rows = [
      ['first start, idle', first.idleBreakdown, first.idleParts],
      ['first start, after load', first.afterBreakdown, first.afterParts],
      ['restart, idle', again.idleBreakdown, again.idleParts],
      ['restart, after load', again.afterBreakdown, again.afterParts],
    ] as const;
    process.stdout.write(
      `\n${table(
        ['shop process', 'rss', 'node binary', 'other files', 'V8 heap (used)', 'WebAssembly memory', 'malloc heap', 'other anonymous'],
        rows.flatMap(([label, b, p]) =>
          b && p
            ? [[label, mb(b.rss), mb(p.nodeBinary), mb(p.otherFiles), `${mb(b.heapTotal)} (${mb(b.heapUsed)})`, mb(p.wasmMemory), mb(p.mallocHeap), mb(Math.max(0, p.anonymous - b.heapTotal))]]
            : [],
        ),
      )}\n(resident MB, from /proc/PID/smaps: the node binary's pages are shared with every Node process and can be dropped by the kernel; WebAssembly memory is PGlite's Postgres (its shared buffers among it), of which only touched pages count; other anonymous holds compiled code (PGlite's Postgres too), thread arenas and stacks)\n`,
    );
    let failed = 0;
    for (const [label, m] of [
      ['first start', first],
      ['restart', again],
    ] as const) {
      const f = m.result.errors + m.result.timeouts + m.result.non2xx;
      failed += f;
      process.stdout.write(
        `${label}: ${m.result.requests.total} requests, ${m.result.requests.average.toFixed(0)} req/s, p50 ${m.result.latency.p50} ms, p99 ${m.result.latency.p99} ms, ${f} failed\n`,
      );
    }
    return failed > 0 ? 1 : 0;
  } finally {
    if (shop) await stop(shop);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(probeDir, { recursive: true, force: true });
    await scratch?.drop();
  }
}
