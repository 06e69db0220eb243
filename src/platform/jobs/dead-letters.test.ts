import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { isAppError } from '../errors.ts';
import { testEachDatabase } from '../testing/databases.ts';
import { countJobsByState, listDeadJobs, retryDeadJob } from './dead-letters.ts';
import { enqueue } from './enqueue.ts';
import { jobInState, testWorker, waitFor } from './testing/support.ts';

testEachDatabase('jobs: staff list dead jobs and retry one, which then runs with fresh attempts', async (database) => {
  const { db } = database;
  let mailServerUp = false;
  const worker = testWorker(database, {
    'test.send-receipt': async () => {
      if (!mailServerUp) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:25'), { code: 'ECONNREFUSED' });
    },
  });
  await worker.start();
  try {
    const id = (await enqueue(db, 'test.send-receipt', { orderId: 'o-9' }, { maxAttempts: 1, uniqueKey: 'receipt:o-9' }))!;
    await waitFor('the job to be dead', () => jobInState(db, id, 'dead'));
    const dead = await listDeadJobs(db);
    assert.equal(dead.length, 1);
    assert.deepEqual(
      { id: dead[0]!.id, name: dead[0]!.name, attempts: dead[0]!.attempts, maxAttempts: dead[0]!.maxAttempts, lastError: dead[0]!.lastError },
      { id, name: 'test.send-receipt', attempts: 1, maxAttempts: 1, lastError: 'ECONNREFUSED: connect ECONNREFUSED 10.0.0.5:25' },
    );
    assert.ok(dead[0]!.createdAt instanceof Date && dead[0]!.finishedAt instanceof Date);
    assert.deepEqual(await listDeadJobs(db, { name: 'test.other' }), []);
    assert.deepEqual(await countJobsByState(db), { queued: 0, running: 0, done: 0, dead: 1 });

    // While another job holds the unique key, the dead one cannot come back.
    const blocker = (await enqueue(db, 'test.send-receipt', {}, { uniqueKey: 'receipt:o-9', runAt: new Date(Date.now() + 3_600_000) }))!;
    await assert.rejects(retryDeadJob(db, id), (err) => isAppError(err) && err.code === 'CONFLICT');
    await sql`delete from jobs where id = ${blocker}`.execute(db);

    mailServerUp = true;
    await retryDeadJob(db, id);
    const done = await waitFor('the retried job to be done', () => jobInState(db, id, 'done'));
    assert.equal(done.attempts, 1);
    assert.deepEqual(await listDeadJobs(db), []);

    await assert.rejects(retryDeadJob(db, id), (err) => isAppError(err) && err.code === 'NOT_FOUND');
    await assert.rejects(retryDeadJob(db, 999_999), (err) => isAppError(err) && err.code === 'NOT_FOUND');
  } finally {
    await worker.stop(1_000);
  }
});
