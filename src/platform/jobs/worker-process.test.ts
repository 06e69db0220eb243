// The worker as separate processes (`npm run worker`), each with its own connection pool, on
// PostgreSQL. These tests need DATABASE_URL and are skipped without it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openTestDatabase } from '../testing/databases.ts';
import { scriptFlags } from '../testing/script-flags.ts';
import { CLEANUP_JOB } from './cleanup.ts';
import { enqueue } from './enqueue.ts';
import { waitFor } from './testing/support.ts';

const WORKER_ENTRY = fileURLToPath(new URL('../../worker.ts', import.meta.url));
const RECORDING_WORKER = fileURLToPath(new URL('./testing/recording-worker.ts', import.meta.url));
const noPostgres = process.env.DATABASE_URL ? false : 'DATABASE_URL is not set';

interface WorkerProcess {
  child: ChildProcess;
  ready: Promise<void>;
  output: string[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

function startWorkerProcess(entry: string, env: Record<string, string | undefined>): WorkerProcess {
  const child = spawn(process.execPath, [...scriptFlags('worker'), entry], {
    env: {
      ...process.env,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-worker-')),
      LOG_LEVEL: 'info',
      WORKER_CONCURRENCY: '4',
      WORKER_POLL_MS: '200',
      SHUTDOWN_GRACE_MS: '5000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (line.includes('"msg":"worker started"')) resolve();
    });
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
    void exited.then((code) => reject(new Error(`worker exited with ${code} before it started:\n${output.join('\n')}`)));
  });
  ready.catch(() => {});
  return {
    child,
    ready,
    output,
    exited,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

test('jobs: two `npm run worker` processes on PostgreSQL, each with its own pool, run each of 300 jobs exactly once [postgres only; skipped without DATABASE_URL]', {
  skip: noPostgres,
  timeout: 120_000,
}, async () => {
  const database = await openTestDatabase('postgres');
  const workers: WorkerProcess[] = [];
  try {
    const { db } = database;
    // No unique constraint: a job run twice would show up as two rows.
    await sql`create table test_job_runs (job_id bigint not null, pid integer not null)`.execute(db);
    // One shop: both share its data directory (keyring and audit anchor), as a shop's processes do.
    const DATA_DIR = mkdtempSync(join(tmpdir(), 'custodian-worker-'));
    for (let i = 0; i < 2; i++) workers.push(startWorkerProcess(RECORDING_WORKER, { DATABASE_URL: database.url!, DATA_DIR }));
    await Promise.all(workers.map((w) => w.ready));

    const ids: number[] = [];
    for (let batch = 0; batch < 6; batch++) {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < 50; i++) ids.push((await enqueue(trx, 'test.record-run', { n: batch * 50 + i }))!);
      });
    }
    await waitFor(
      'all 300 jobs to be done',
      async () => (await sql<{ n: number }>`select count(*)::int as n from jobs where name = 'test.record-run' and state = 'done'`.execute(db)).rows[0]!.n === 300,
      90_000,
    );
    const codes = await Promise.all(workers.map((w) => w.stop()));
    assert.deepEqual(codes, [0, 0], 'both workers stop cleanly on SIGTERM');

    const runs = (await sql<{ job_id: number; pid: number }>`select job_id, pid from test_job_runs`.execute(db)).rows;
    const perJob = new Map<number, number>();
    for (const run of runs) perJob.set(run.job_id, (perJob.get(run.job_id) ?? 0) + 1);
    assert.equal(runs.length, 300, 'no job ran twice');
    assert.deepEqual(
      [...perJob.keys()].sort((a, b) => a - b),
      [...ids].sort((a, b) => a - b),
      'every job ran',
    );
    assert.ok([...perJob.values()].every((n) => n === 1));
    const byWorker = new Map<number, number>();
    for (const run of runs) byWorker.set(run.pid, (byWorker.get(run.pid) ?? 0) + 1);
    assert.deepEqual([...byWorker.keys()].sort(), workers.map((w) => w.child.pid!).sort(), `both workers ran jobs: ${JSON.stringify([...byWorker])}`);
    const attempts = (await sql<{ n: number }>`select count(*)::int as n from jobs where attempts <> 1`.execute(db)).rows[0]!.n;
    assert.equal(attempts, 0, 'every job was claimed once');
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await database.close();
  }
});

test('jobs: `npm run worker` (src/worker.ts) migrates, runs the module jobs and schedules, and exits 0 on SIGTERM [postgres only; skipped without DATABASE_URL]', {
  skip: noPostgres,
  timeout: 60_000,
}, async () => {
  const database = await openTestDatabase('postgres', { migrate: false });
  let worker: WorkerProcess | null = null;
  try {
    const { db } = database;
    worker = startWorkerProcess(WORKER_ENTRY, { DATABASE_URL: database.url! });
    await worker.ready;
    // The worker migrated the empty database and registered the cleanup schedule, due at once.
    await waitFor(
      'the scheduled cleanup to run',
      async () => (await sql<{ n: number }>`select count(*)::int as n from jobs where name = ${CLEANUP_JOB} and state = 'done'`.execute(db)).rows[0]!.n === 1,
    );
    const id = (await enqueue(db, CLEANUP_JOB))!;
    await waitFor('the enqueued cleanup to run', async () => (await sql<{ state: string }>`select state from jobs where id = ${id}`.execute(db)).rows[0]!.state === 'done');
    assert.equal(await worker.stop(), 0);
    assert.ok(worker.output.some((line) => line.includes('"msg":"worker stopped"')));
  } finally {
    if (worker?.child.exitCode === null) worker.child.kill('SIGKILL');
    await database.close();
  }
});

test('jobs: `npm run worker` refuses to start on the embedded database and says why', async () => {
  const worker = startWorkerProcess(WORKER_ENTRY, { DATABASE_URL: undefined });
  const code = await worker.exited;
  assert.equal(code, 1);
  assert.match(worker.output.join('\n'), /needs DATABASE_URL \(PostgreSQL\)/);
});
