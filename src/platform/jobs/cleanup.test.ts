import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { modules } from '../../modules.ts';
import { testEachDatabase } from '../testing/databases.ts';
import { CLEANUP_JOB } from './cleanup.ts';
import { enqueue } from './enqueue.ts';
import { collectJobs } from './registry.ts';
import { jobInState, testWorker, waitFor } from './testing/support.ts';

testEachDatabase('jobs: the hourly cleanup deletes done jobs older than 7 days and keeps dead ones', async (database) => {
  const { db } = database;
  const insert = async (state: string, finishedAgo: string) =>
    (
      await sql<{ id: number }>`
        insert into jobs (name, state, attempts, created_at, finished_at)
        values ('test.old', ${state}, 1, now() - interval '40 days', now() - ${finishedAgo}::interval)
        returning id
      `.execute(db)
    ).rows[0]!.id;
  const oldDone = await insert('done', '8 days');
  const recentDone = await insert('done', '6 days');
  const oldDead = await insert('dead', '30 days');
  const oldQueued = (await enqueue(db, 'test.old', {}, { runAt: new Date(Date.now() + 3_600_000) }))!;

  // The real module wiring: the jobs module registers the cleanup job and its schedule.
  const { handlers, schedules } = collectJobs(modules);
  assert.deepEqual(
    schedules.find((s) => s.name === CLEANUP_JOB),
    { name: CLEANUP_JOB, job: CLEANUP_JOB, everySeconds: 3600 },
  );
  const worker = testWorker(database, handlers, { schedules });
  await worker.start();
  try {
    // A new schedule is due at once, so starting the worker runs the first cleanup.
    await waitFor('the scheduled cleanup to run', async () => {
      const rows = (await sql<{ id: number }>`select id from jobs where name = ${CLEANUP_JOB} and state = 'done'`.execute(db)).rows;
      return rows.length === 1;
    });
    const left = (await sql<{ id: number }>`select id from jobs where name = 'test.old' order by id`.execute(db)).rows.map((r) => r.id);
    assert.deepEqual(left, [recentDone, oldDead, oldQueued]);
    assert.ok(!left.includes(oldDone));

    // Run by hand it is idempotent.
    const again = (await enqueue(db, CLEANUP_JOB))!;
    await waitFor('the second cleanup', () => jobInState(db, again, 'done'));
    const still = (await sql<{ n: number }>`select count(*)::int as n from jobs where name = 'test.old'`.execute(db)).rows[0]!.n;
    assert.equal(still, 3);
  } finally {
    await worker.stop(1_000);
  }
});
