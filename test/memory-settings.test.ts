// The memory settings of decision 0069 stay in place: PGlite's small shared buffers, `npm start`
// compiling PGlite's WebAssembly with the baseline compiler only and V8 favouring size, and glibc's
// malloc arenas capped (the memory benchmark reads all of them).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { sql } from 'kysely';
import { residentOf, residentPartsOf } from '../bench/memory.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { scriptFlags } from '../src/platform/testing/script-flags.ts';

test('PGlite opens with 8 MB of shared buffers, not its default 128 MB, and sized for 5 connections, not 100', async () => {
  const handle = await openDatabase({ databaseUrl: null, pgliteDir: null });
  try {
    const { rows } = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(handle.db);
    assert.equal(rows[0]?.shared_buffers, '8MB');
    const connections = await sql<{ max_connections: string }>`show max_connections`.execute(handle.db);
    assert.equal(connections.rows[0]?.max_connections, '5');
  } finally {
    await handle.close();
  }
});

test('npm start and the worker run node --liftoff-only --optimize-for-size, the CLI --liftoff-only, and the benchmark reads resident memory from /proc', () => {
  for (const script of ['start', 'worker'] as const) assert.deepEqual(scriptFlags(script), ['--liftoff-only', '--optimize-for-size'], script);
  assert.deepEqual(scriptFlags('custodian'), ['--liftoff-only']);
  const own = residentOf(process.pid);
  assert.ok(own && own.rss > 0 && own.hwm >= own.rss);
  const parts = residentPartsOf(process.pid);
  assert.ok(parts && parts.nodeBinary > 0 && parts.anonymous > 0, 'the split by mapping finds the node binary and anonymous memory');
});

test("npm start runs itself again in the same process with glibc set to give freed memory back before loading the shop, and keeps an operator's own values", {
  skip: process.platform !== 'linux',
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-malloc-'));
  const probe = join(dir, 'probe.mjs');
  // Runs at every start of the process image: before the restart and after it.
  writeFileSync(
    probe,
    'process.stdout.write("start pid=" + process.pid + " arenas=" + (process.env.MALLOC_ARENA_MAX ?? "unset") + " mmap=" + (process.env.MALLOC_MMAP_THRESHOLD_ ?? "unset") + "\\n");\n',
  );
  const run = (env: Record<string, string>) => {
    const { MALLOC_ARENA_MAX: _a, MALLOC_MMAP_THRESHOLD_: _m, ...rest } = process.env;
    // A bad PORT: the shop refuses to start as soon as it reads its settings, after the restart.
    const result = spawnSync(process.execPath, [...scriptFlags('start'), '--import', probe, 'src/main.ts'], {
      env: { ...rest, ...env, DATA_DIR: dir, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /Custodian cannot start\. Invalid setting PORT/);
    return result.stdout.trim().split('\n');
  };
  const lines = run({});
  assert.equal(lines.length, 2, lines.join('\n'));
  const pid = /pid=(\d+)/.exec(lines[0]!)![1];
  assert.deepEqual(lines, [`start pid=${pid} arenas=unset mmap=unset`, `start pid=${pid} arenas=2 mmap=131072`], 'the same process, restarted once with both set');
  const anon = (l: string[]) => l.map((line) => line.replace(/pid=\d+/, 'pid'));
  assert.deepEqual(anon(run({ MALLOC_ARENA_MAX: '8', MALLOC_MMAP_THRESHOLD_: '65536' })), ['start pid arenas=8 mmap=65536'], "the operator's values, no restart");
  assert.deepEqual(anon(run({ MALLOC_ARENA_MAX: '8' })), ['start pid arenas=8 mmap=unset', 'start pid arenas=8 mmap=131072'], 'only what is missing is set');
});

test('npm start loads no mail, QR code, PostgreSQL client, sandbox processor app or browser code before it is used', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-modules-'));
  const probe = join(dir, 'probe.mjs');
  // Records every module the shop loads (after the restart above), and lists them as it exits.
  writeFileSync(
    probe,
    `import { registerHooks } from 'node:module';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
process.on('exit', () => process.stdout.write(loaded.join('\\n') + '\\n'));
`,
  );
  // A bad PORT: the shop refuses to start once it reads its settings, when every module it imports
  // statically is loaded; what is loaded on demand (the database's driver among it) comes later.
  const result = spawnSync(process.execPath, [...scriptFlags('start'), '--import', probe, 'src/main.ts'], {
    env: { ...process.env, DATA_DIR: dir, PORT: 'not-a-port' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 1, result.stderr);
  const loaded = result.stdout.split('\n').filter((url) => url.startsWith('file:'));
  assert.ok(loaded.some((url) => url.endsWith('/src/server.ts')) && loaded.length > 500, `the shop's modules were recorded (${loaded.length})`);
  for (const unwanted of [
    '/node_modules/nodemailer/',
    '/node_modules/qrcode/',
    '/node_modules/pg/',
    '/src/sandbox-processor/app.ts',
    '/node_modules/playwright',
    '/node_modules/@sparticuz/chromium/',
    '/node_modules/autocannon/',
  ]) {
    assert.deepEqual(
      loaded.filter((url) => url.includes(unwanted)),
      [],
      unwanted,
    );
  }
});
