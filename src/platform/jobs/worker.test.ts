import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../testing/databases.ts';
import { enqueue } from './enqueue.ts';
import { deferred, getJob, jobInState, testWorker, waitFor } from './testing/support.ts';
import type { JobPayload } from './types.ts';

testEachDatabase('jobs: an enqueued job runs once with its payload and is marked done, woken without waiting for the poll', async (database) => {
  const seen: { payload: JobPayload; jobId: number; attempt: number }[] = [];
  // A one-minute poll: only the wake-up sent by enqueue can make this job run within the wait.
  const worker = testWorker(database, { 'test.greet': async (payload, ctx) => void seen.push({ payload, jobId: ctx.jobId, attempt: ctx.attempt }) }, { pollMs: 60_000 });
  await worker.start();
  try {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const id = await enqueue(database.db, 'test.greet', { orderId: 'o-1', lines: [1, 2] });
    assert.ok(id);
    const job = await waitFor('the job to be done', () => jobInState(database.db, id, 'done'), 5_000);
    assert.deepEqual(seen, [{ payload: { orderId: 'o-1', lines: [1, 2] }, jobId: id, attempt: 1 }]);
    assert.equal(job.attempts, 1);
    assert.ok(job.finished_at instanceof Date);
    assert.equal(job.locked_by, null);
    assert.equal(job.last_error, null);
  } finally {
    await worker.stop(1_000);
  }
});

testEachDatabase('jobs: a failing job is retried with a growing delay, then lands dead with its scrubbed error', async (database) => {
  const runs: number[] = [];
  const worker = testWorker(
    database,
    {
      'test.flaky-carrier': async () => {
        runs.push(Date.now());
        throw new Error('carrier refused the parcel for jo.customer@example.com');
      },
    },
    { pollMs: 20, backoff: { baseMs: 200, maxMs: 60_000 } },
  );
  await worker.start();
  try {
    const id = await enqueue(database.db, 'test.flaky-carrier', {}, { maxAttempts: 4 });
    assert.ok(id);
    const queuedAgain = await waitFor('the first retry to be queued', async () => {
      const job = await getJob(database.db, id);
      return job.state === 'queued' && job.attempts === 1 ? job : null;
    });
    // Measured from the failed attempt, not from when the poll looked: on a loaded machine the poll
    // may see the retry after its 200 ms have already passed.
    const waited = queuedAgain.run_at.getTime() - runs[0]!;
    assert.ok(waited >= 200, `the retry waits at least the base delay after the failure (waited ${waited} ms)`);
    const dead = await waitFor('the job to be dead', () => jobInState(database.db, id, 'dead'), 15_000);
    assert.equal(runs.length, 4);
    assert.equal(dead.attempts, 4);
    assert.ok(dead.finished_at instanceof Date);
    assert.equal(dead.last_error, 'Error: carrier refused the parcel for [redacted]');
    const gaps = runs.slice(1).map((t, i) => t - runs[i]!);
    for (const [i, gap] of gaps.entries()) assert.ok(gap >= 200 * 2 ** i, `retry ${i + 1} waited ${gap} ms, at least ${200 * 2 ** i} expected`);
    // Each wait is at least double the last one's floor. Comparing the measured gaps with each other
    // would test the machine's load, not the backoff (backoff.test.ts checks the delays themselves).
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(runs.length, 4, 'a dead job is not run again');
  } finally {
    await worker.stop(1_000);
  }
});

testEachDatabase('jobs: a job no module handles is dead at once with a clear error', async (database) => {
  const worker = testWorker(database, {});
  await worker.start();
  try {
    const id = await enqueue(database.db, 'test.nobody-handles-this');
    assert.ok(id);
    const dead = await waitFor('the job to be dead', () => jobInState(database.db, id, 'dead'));
    assert.equal(dead.attempts, 1);
    assert.equal(dead.last_error, 'UNKNOWN_JOB: no handler named "test.nobody-handles-this" is registered in this worker');
  } finally {
    await worker.stop(1_000);
  }
});

testEachDatabase('jobs: a running job whose lock expired (crashed worker) is reclaimed and run again; a live lock is left alone', async (database) => {
  const ran: number[] = [];
  const insertRunning = async (attempts: number, maxAttempts: number, lockedFor: string) =>
    (
      await sql<{ id: number }>`
        insert into jobs (name, state, attempts, max_attempts, locked_by, locked_until)
        values ('test.count', 'running', ${attempts}, ${maxAttempts}, 'a-worker-that-crashed', now() + ${lockedFor}::interval)
        returning id
      `.execute(database.db)
    ).rows[0]!.id;
  const crashed = await insertRunning(1, 3, '-2 seconds');
  const crashedOnLastAttempt = await insertRunning(3, 3, '-2 seconds');
  const stillLocked = await insertRunning(1, 3, '1 hour');

  const worker = testWorker(database, { 'test.count': async (_p, ctx) => void ran.push(ctx.jobId) });
  await worker.start();
  try {
    const done = await waitFor('the crashed job to be done', () => jobInState(database.db, crashed, 'done'));
    assert.equal(done.attempts, 2);
    assert.match(done.last_error ?? '', /^LEASE_EXPIRED: /);
    const dead = await waitFor('the exhausted job to be dead', () => jobInState(database.db, crashedOnLastAttempt, 'dead'));
    assert.equal(dead.attempts, 3);
    assert.match(dead.last_error ?? '', /^LEASE_EXPIRED: /);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const live = await getJob(database.db, stillLocked);
    assert.equal(live.state, 'running');
    assert.equal(live.locked_by, 'a-worker-that-crashed');
    assert.deepEqual(ran, [crashed]);
  } finally {
    await worker.stop(1_000);
  }
});

testEachDatabase('jobs: a worker renews the lease of a long job, so another worker never takes it over', async (database) => {
  let runs = 0;
  const handlers = {
    'test.slow': async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 2_500));
    },
  };
  const a = testWorker(database, handlers, { leaseSeconds: 1 });
  const b = testWorker(database, handlers, { leaseSeconds: 1 });
  await a.start();
  await b.start();
  try {
    const id = await enqueue(database.db, 'test.slow');
    assert.ok(id);
    const done = await waitFor('the slow job to be done', () => jobInState(database.db, id, 'done'));
    assert.equal(runs, 1);
    assert.equal(done.attempts, 1);
    assert.equal(done.last_error, null);
  } finally {
    await Promise.all([a.stop(1_000), b.stop(1_000)]);
  }
});

testEachDatabase('jobs: a worker runs at most WORKER_CONCURRENCY jobs at once', async (database) => {
  let now = 0;
  let most = 0;
  const worker = testWorker(
    database,
    {
      'test.busy': async () => {
        most = Math.max(most, ++now);
        await new Promise((resolve) => setTimeout(resolve, 100));
        now--;
      },
    },
    { concurrency: 2 },
  );
  const ids: number[] = [];
  for (let i = 0; i < 6; i++) ids.push((await enqueue(database.db, 'test.busy'))!);
  await worker.start();
  try {
    for (const id of ids) await waitFor(`job ${id} to be done`, () => jobInState(database.db, id, 'done'));
    assert.equal(most, 2);
  } finally {
    await worker.stop(1_000);
  }
});

testEachDatabase('jobs: stop() waits for running jobs within the grace period, hands back the rest, and claims nothing more', async (database) => {
  const quick = deferred();
  const stuck = deferred();
  const started: string[] = [];
  const worker = testWorker(database, {
    'test.quick': async () => {
      started.push('quick');
      await quick.promise;
    },
    'test.stuck': async () => {
      started.push('stuck');
      await stuck.promise;
    },
  });
  await worker.start();
  const quickId = (await enqueue(database.db, 'test.quick'))!;
  const stuckId = (await enqueue(database.db, 'test.stuck'))!;
  await waitFor('both jobs to start', async () => started.length === 2);

  setTimeout(quick.resolve, 100);
  await worker.stop(500);
  assert.equal((await getJob(database.db, quickId)).state, 'done');
  const handedBack = await getJob(database.db, stuckId);
  assert.equal(handedBack.state, 'queued');
  assert.equal(handedBack.attempts, 1);
  assert.equal(handedBack.locked_by, null);
  assert.match(handedBack.last_error ?? '', /^WORKER_STOPPED: /);

  // The abandoned handler finishing late cannot mark the job done: its claim is gone.
  stuck.resolve();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal((await getJob(database.db, stuckId)).state, 'queued');

  const later = (await enqueue(database.db, 'test.quick'))!;
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal((await getJob(database.db, later)).state, 'queued');
  assert.equal(worker.busy, 0);
});
