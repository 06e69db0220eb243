// The processes of a kill -9 test. PGlite: the one shop process `shop` (web and worker) on a
// DATA_DIR, whose database the test reads only while it is down. PostgreSQL: app processes and
// workers (named `W…`) on a scratch database the test reads at any time. A process is in the map
// from the moment it is spawned: its worker can reach a tripwire before it reports ready, and the
// kill must land on it, not on the process it replaced.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { type DatabaseHandle, type Db, openDatabase, pgliteDirFor } from '../../src/platform/db/database.ts';
import { expireLeasesOf, until } from './crash-kit.ts';
import { TEST_SANDBOX_SECRET } from '../../src/sandbox-processor/testing.ts';
import { ensureStopped, STAFF_TOKEN, type ShopProcess, spawnShopProcess, startWorkerProcess, stopProcess, type WorkerProcess } from './shop-process.ts';

export type Proc = ShopProcess | WorkerProcess;

export interface CrashProcsOptions {
  t: TestContext;
  dataDir: string;
  /** The scratch PostgreSQL database; null: PGlite under dataDir. */
  databaseUrl: string | null;
  env(name: string): Record<string, string>;
  /** Whether a process that died while starting was killed by the test on purpose. */
  killedOnPurpose(name: string, pid: number | undefined): boolean;
  /** Told when an app process is ready. */
  onReady?(name: string, shop: ShopProcess): void;
}

export interface CrashProcs {
  procs: Map<string, Proc>;
  /** Every outbox id a killed process was sending, with how many kills caught it in flight (a resend can be cut off again). */
  inFlight: Map<string, number>;
  /** PostgreSQL: the test's own connection; PGlite: null. */
  db: Db | null;
  start(name: string): Promise<void>;
  kill(name: string): void;
  app(name: string): ShopProcess;
  /** Started, ready, and neither killed nor exited since. */
  isUp(name: string): boolean;
  /**
   * Waits for a process the test killed, runs `look` on the database (before anything the killed
   * process held can be taken over), and lets the leases it held run out; returns the mails it was sending.
   */
  afterKill(name: string, look?: (db: Db) => Promise<void>): Promise<string[]>;
  /** Runs `fn` on the database: PostgreSQL while everything runs; PGlite only while the shop is down. */
  inspect<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  lap(what: string): void;
  /** The last lines of every process (also written to stderr). */
  logs(): string;
  close(): Promise<void>;
}

export async function crashProcs(o: CrashProcsOptions): Promise<CrashProcs> {
  const started = Date.now();
  const procs = new Map<string, Proc>();
  const up = new Set<string>();
  const inFlight = new Map<string, number>();
  const handle: DatabaseHandle | null = o.databaseUrl ? await openDatabase({ databaseUrl: o.databaseUrl, pgliteDir: '' }) : null;
  const lap = (what: string) => o.t.diagnostic(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
  const logs = () => {
    const text = [...procs.entries()].map(([n, p]) => `--- ${n}:\n${p.output().slice(-6000)}`).join('\n');
    process.stderr.write(`${text}\n`);
    return text;
  };
  const dead = (p: Proc) => p.child.exitCode !== null || p.child.signalCode !== null;
  // A test that failed goes on in the background while its hooks close everything: what it starts
  // after that is killed at once, or it would keep the test process alive.
  let closed = false;
  const track = (name: string, p: Proc) => {
    if (closed) {
      p.child.kill('SIGKILL');
      throw new Error(`${name} started after the test ended`);
    }
    procs.set(name, p);
    void p.exited.then(() => {
      if (procs.get(name) === p) up.delete(name);
    });
  };

  const start = async (name: string): Promise<void> => {
    lap(`starting ${name}`);
    if (name.startsWith('W')) {
      const w = startWorkerProcess(o.env(name));
      track(name, w);
      await until(`worker ${name} started`, () => /worker started/.test(w.output()) || dead(w), 60_000);
      if (w.child.signalCode !== null && o.killedOnPurpose(name, w.child.pid)) return lap(`${name} killed while starting`);
      assert.equal(w.child.exitCode, null, w.output());
      up.add(name);
      lap(`${name} ready`);
      return;
    }
    const shop = await spawnShopProcess({ dataDir: o.dataDir, databaseUrl: o.databaseUrl, env: o.env(name) });
    track(name, shop);
    try {
      await shop.ready;
    } catch (err) {
      if (o.killedOnPurpose(name, shop.child.pid)) return lap(`${name} killed while starting`);
      throw err;
    }
    up.add(name);
    o.onReady?.(name, shop);
    lap(`${name} ready`);
  };
  const kill = (name: string) => {
    up.delete(name);
    procs.get(name)!.child.kill('SIGKILL');
  };
  const inspect = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
    if (handle) return fn(handle.db);
    const shop = procs.get('shop');
    assert.ok(!shop || dead(shop), 'PGlite is read while the shop is down');
    const database = await openDatabase({ databaseUrl: null, pgliteDir: pgliteDirFor(o.dataDir) });
    try {
      return await fn(database.db);
    } finally {
      await database.close();
    }
  };
  const afterKill = async (name: string, look?: (db: Db) => Promise<void>): Promise<string[]> => {
    const victim = procs.get(name)!;
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${name} (pid ${victim.child.pid}) did not die of the kill\n${logs()}`)), 30_000).unref());
    assert.equal((await Promise.race([victim.exited, timeout])).signal, 'SIGKILL', `${name} was killed`);
    lap(`${name} killed`);
    const { sending } = await inspect(async (db) => {
      await look?.(db);
      return expireLeasesOf(db, victim.child.pid!);
    });
    lap(`${name}'s leases run out`);
    for (const id of sending) inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
    return sending;
  };
  const close = async () => {
    closed = true;
    await Promise.all([...procs.values()].map((p) => ('url' in p ? ensureStopped(p) : stopProcess(p))));
    await handle?.close();
  };
  return {
    procs,
    inFlight,
    db: handle?.db ?? null,
    start,
    kill,
    app: (name) => procs.get(name) as ShopProcess,
    isUp: (name) => up.has(name),
    afterKill,
    inspect,
    lap,
    logs,
    close,
  };
}

/** SIGTERM, and the process exits cleanly. */
export async function stopGracefully(p: ShopProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  assert.deepEqual(await p.exited, { code: 0, signal: null }, p.output().slice(-3000));
}

/**
 * The environment of every process of a kill -9 test: the data directory or scratch database, the
 * processor through this process's proxy, the SMTP sink, a fast worker poll, and a fixed public URL
 * (as in a real shop: a mail sent again after a restart says the same).
 */
export function crashShopEnv(o: { dataDir: string; databaseUrl: string | null; processorUrl: string; smtpUrl: string }): Record<string, string> {
  return {
    DATA_DIR: o.dataDir,
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    RUN_WORKER: o.databaseUrl ? 'false' : 'true',
    SANDBOX_PROCESSOR_URL: o.processorUrl,
    SANDBOX_PROCESSOR_SECRET: TEST_SANDBOX_SECRET,
    SMTP_URL: o.smtpUrl,
    STAFF_API_TOKEN: STAFF_TOKEN,
    WORKER_POLL_MS: '100',
    LOG_LEVEL: 'info',
    PUBLIC_URL: 'http://shop.test',
  };
}

/** A teardown step given 10 s at most, so a failed run reports its failure instead of hanging. */
export const within = (p: Promise<unknown>): Promise<unknown> => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, 10_000).unref())]);
