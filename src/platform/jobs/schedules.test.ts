import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../testing/databases.ts';
import { scheduleRuns } from './overdue.ts';
import { enqueueDueSchedules, syncSchedules } from './schedules.ts';
import { testWorker } from './testing/support.ts';
import type { Schedule } from './types.ts';

const tick: Schedule = { name: 'test.tick', job: 'test.tick', everySeconds: 1, payload: { kind: 'heartbeat' } };

testEachDatabase('jobs: a schedule enqueues its job once per period, even with two workers polling', async (database) => {
  const { db } = database;
  const payloads: unknown[] = [];
  const handlers = { 'test.tick': async (payload: Record<string, unknown>) => void payloads.push(payload) };
  const a = testWorker(database, handlers, { schedules: [tick], pollMs: 25 });
  const b = testWorker(database, handlers, { schedules: [tick], pollMs: 25 });
  const started = Date.now();
  await Promise.all([a.start(), b.start()]);
  await new Promise((resolve) => setTimeout(resolve, 3_400));
  await Promise.all([a.stop(1_000), b.stop(1_000)]);
  const elapsed = (Date.now() - started) / 1000;

  const jobs = (await sql<{ run_at: Date; state: string }>`select run_at, state from jobs where name = 'test.tick' order by run_at`.execute(db)).rows;
  // Periods start at the first sync and every second after: 4 begin within 3.4 s (5 if slow).
  assert.ok(jobs.length >= 4 && jobs.length <= Math.floor(elapsed) + 1, `${jobs.length} runs in ${elapsed} s`);
  jobs.slice(1).forEach((job, i) => {
    const gap = job.run_at.getTime() - jobs[i]!.run_at.getTime();
    assert.ok(Math.abs(gap - 1000) <= 1, `one run per period; runs ${gap} ms apart`);
  });
  assert.ok(jobs.every((j) => j.state === 'done'));
  assert.equal(payloads.length, jobs.length);
  assert.deepEqual(payloads[0], { kind: 'heartbeat' });
  const next = (await sql<{ next_run_at: Date }>`select next_run_at from jobs_schedules where name = 'test.tick'`.execute(db)).rows[0]!;
  assert.ok(next.next_run_at.getTime() > jobs.at(-1)!.run_at.getTime());
});

testEachDatabase('jobs: a schedule that missed periods runs once, then waits for its next period', async (database) => {
  const { db } = database;
  await syncSchedules(db, [{ ...tick, everySeconds: 60 }]);
  await sql`update jobs_schedules set next_run_at = now() - interval '10 minutes 30 seconds' where name = 'test.tick'`.execute(db);
  const runs = await enqueueDueSchedules(db, ['test.tick']);
  assert.equal(runs.length, 1);
  assert.ok(runs[0]!.jobId);
  assert.deepEqual(await enqueueDueSchedules(db, ['test.tick']), []);
  const { wait } = (await sql<{ wait: number }>`select extract(epoch from next_run_at - now())::float8 as wait from jobs_schedules where name = 'test.tick'`.execute(db)).rows[0]!;
  // Aligned to the original grid: the next period starts 30 s from now.
  assert.ok(wait > 25 && wait <= 30, `next run in ${wait} s`);
});

testEachDatabase('jobs: restarting keeps a schedule’s next run; a shorter period pulls it in; unknown schedules are not run', async (database) => {
  const { db } = database;
  const nextRun = async () => (await sql<{ next_run_at: Date }>`select next_run_at from jobs_schedules where name = 'test.tick'`.execute(db)).rows[0]!.next_run_at;
  await syncSchedules(db, [{ ...tick, everySeconds: 86_400 }]);
  assert.equal((await enqueueDueSchedules(db, ['test.tick'])).length, 1);
  const afterFirstRun = await nextRun();
  await syncSchedules(db, [{ ...tick, everySeconds: 86_400 }]);
  assert.equal((await nextRun()).getTime(), afterFirstRun.getTime());
  await syncSchedules(db, [{ ...tick, everySeconds: 60 }]);
  assert.ok((await nextRun()).getTime() <= Date.now() + 61_000);

  await sql`update jobs_schedules set next_run_at = now() - interval '1 second'`.execute(db);
  assert.deepEqual(await enqueueDueSchedules(db, ['some.other-schedule']), []);
});

testEachDatabase('jobs: a schedule retired from the code is not counted as overdue; a declared one that never ran is', async ({ db }) => {
  await syncSchedules(db, [{ name: 'test.retired', job: 'test.retired', everySeconds: 60 }]);
  // Deployed later: the new code no longer declares test.retired.
  await sql`update jobs_schedules set synced_at = now() - interval '2 days', next_run_at = now() - interval '2 days'`.execute(db);
  await syncSchedules(db, [{ name: 'test.current', job: 'test.current', everySeconds: 60 }]);
  await sql`update jobs_schedules set next_run_at = now() - interval '1 day' where name = 'test.current'`.execute(db);
  const runs = await scheduleRuns(db);
  assert.deepEqual(
    runs.map((r) => r.schedule),
    ['test.current'],
  );
  assert.equal(runs[0]!.lastDoneAt, null);
});
