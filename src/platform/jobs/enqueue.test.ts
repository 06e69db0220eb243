import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEachDatabase } from '../testing/databases.ts';
import { enqueue, writeWithJob } from './enqueue.ts';
import { jobInState, testWorker, waitFor } from './testing/support.ts';
import { countingStatements } from '../testing/statement-count.ts';

const countJobs = async (db: Parameters<typeof enqueue>[0], name: string) => (await sql<{ n: number }>`select count(*)::int as n from jobs where name = ${name}`.execute(db)).rows[0]!.n;

testEachDatabase('jobs: unique_key lets one job with that key be queued or running at a time', async (database) => {
  const { db } = database;
  const first = await enqueue(db, 'test.reindex', { shop: 1 }, { uniqueKey: 'reindex:1' });
  assert.ok(first);
  assert.equal(await enqueue(db, 'test.reindex', { shop: 1 }, { uniqueKey: 'reindex:1' }), null);
  const other = await enqueue(db, 'test.reindex', { shop: 2 }, { uniqueKey: 'reindex:2' });
  assert.ok(other);
  assert.equal(await countJobs(db, 'test.reindex'), 2);

  // Once the job has run, the key is free again.
  const worker = testWorker(database, { 'test.reindex': async () => {} });
  await worker.start();
  try {
    await waitFor('the first job to be done', () => jobInState(db, first, 'done'));
  } finally {
    await worker.stop(1_000);
  }
  const again = await enqueue(db, 'test.reindex', { shop: 1 }, { uniqueKey: 'reindex:1' });
  assert.ok(again && again !== first);
});

testEachDatabase('jobs: a job enqueued in a transaction commits or rolls back with the business write', async (database) => {
  const { db } = database;
  await sql`create table test_notes (id serial primary key, body text not null)`.execute(db);
  const noteCount = async () => (await sql<{ n: number }>`select count(*)::int as n from test_notes`.execute(db)).rows[0]!.n;

  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await sql`insert into test_notes (body) values ('rolled back')`.execute(trx);
      await enqueue(trx, 'test.note-added', {});
      throw new Error('payment declined');
    }),
    /payment declined/,
  );
  assert.equal(await countJobs(db, 'test.note-added'), 0);
  assert.equal(await noteCount(), 0);

  const ran: number[] = [];
  const worker = testWorker(database, { 'test.note-added': async (_p, ctx) => void ran.push(ctx.jobId) }, { pollMs: 20 });
  await worker.start();
  try {
    let id: number | null = null;
    await db.transaction().execute(async (trx) => {
      await sql`insert into test_notes (body) values ('kept')`.execute(trx);
      id = await enqueue(trx, 'test.note-added', {});
      // Uncommitted, the job is invisible to the worker however often it polls.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(ran, []);
    });
    assert.ok(id);
    await waitFor('the committed job to be done', () => jobInState(db, id!, 'done'));
    assert.deepEqual(ran, [id]);
    assert.equal(await noteCount(), 1);
  } finally {
    await worker.stop(1_000);
  }
});

testEachDatabase('jobs: enqueue refuses a bad job name, payload or option', async (database) => {
  const { db } = database;
  await assert.rejects(enqueue(db, 'Send Mail'), /Job name "Send Mail"/);
  await assert.rejects(enqueue(db, 'test.x', [] as never), /payload must be a plain object/);
  await assert.rejects(enqueue(db, 'test.x', {}, { maxAttempts: 0 }), /maxAttempts/);
  await assert.rejects(enqueue(db, 'test.x', {}, { uniqueKey: '' }), /uniqueKey/);
  await assert.rejects(enqueue(db, 'test.x', {}, { runAt: new Date('nonsense') }), /runAt/);
  assert.equal(await countJobs(db, 'test.x'), 0);
});

testEachDatabase('jobs: a job with a later run_at waits until then', async (database) => {
  const { db } = database;
  const ranAt: number[] = [];
  const worker = testWorker(database, { 'test.later': async () => void ranAt.push(Date.now()) }, { pollMs: 20 });
  await worker.start();
  try {
    const runAt = new Date(Date.now() + 700);
    const id = (await enqueue(db, 'test.later', {}, { runAt }))!;
    await waitFor('the job to run once due', () => jobInState(db, id, 'done'));
    assert.equal(ranAt.length, 1);
    // Same machine, same clock; the database keeps microseconds, Date milliseconds.
    assert.ok(ranAt[0]! >= runAt.getTime() - 1, `ran ${runAt.getTime() - ranAt[0]!} ms early`);
  } finally {
    await worker.stop(1_000);
  }
});

testEachDatabase('jobs: writeWithJob adds the row and its job in one statement, and no job when the write inserts nothing', async (database) => {
  const { db } = database;
  await sql`create table test_letters (id text primary key, body text not null)`.execute(db);
  const insert = (id: string) =>
    db
      .insertInto('test_letters' as never)
      .values({ id, body: 'hello' } as never)
      .onConflict((oc) => oc.column('id' as never).doNothing())
      .returning('id' as never);
  const { counted, statements } = countingStatements(db);
  const rows = await writeWithJob<{ id: string }>(counted, insert('a'), 'test.letter', { letter: 'a' }, { uniqueKey: 'letter:a', maxAttempts: 3 });
  assert.deepEqual(rows, [{ id: 'a' }]);
  assert.equal(statements.length, 1);
  const {
    rows: [job],
  } = await sql<{ payload: unknown; max_attempts: number; unique_key: string }>`select payload, max_attempts, unique_key from jobs where name = 'test.letter'`.execute(db);
  assert.deepEqual(job, { payload: { letter: 'a' }, max_attempts: 3, unique_key: 'letter:a' });

  // The row is there already: nothing is inserted, so no job either.
  assert.deepEqual(await writeWithJob(db, insert('a'), 'test.letter', { letter: 'a again' }), []);
  assert.equal(await countJobs(db, 'test.letter'), 1);

  // Rolled back with the transaction, row and job together.
  await db
    .transaction()
    .execute(async (trx) => {
      await writeWithJob(trx, insert('b'), 'test.letter', { letter: 'b' });
      throw new Error('undone');
    })
    .catch(() => undefined);
  assert.equal(await countJobs(db, 'test.letter'), 1);
  assert.equal((await sql<{ n: number }>`select count(*)::int as n from test_letters`.execute(db)).rows[0]!.n, 1);
  await assert.rejects(writeWithJob(db, insert('c'), 'Bad Name', {}), /Job name "Bad Name"/);
});

testEachDatabase('jobs: a job added by writeWithJob is run by a worker', async (database) => {
  const { db } = database;
  await sql`create table test_letters (id text primary key)`.execute(db);
  const ran: unknown[] = [];
  const worker = testWorker(database, { 'test.letter': async (p) => void ran.push(p) }, { pollMs: 20 });
  await worker.start();
  try {
    await writeWithJob(
      db,
      db
        .insertInto('test_letters' as never)
        .values({ id: 'z' } as never)
        .returning('id' as never),
      'test.letter',
      { letter: 'z' },
    );
    await waitFor('the letter job to run', async () => ran.length === 1);
    assert.deepEqual(ran, [{ letter: 'z' }]);
  } finally {
    await worker.stop(1_000);
  }
});
