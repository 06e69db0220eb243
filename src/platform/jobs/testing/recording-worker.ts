// Test fixture, never imported by the shop: the real worker process (`runWorkerProcess`, the same
// code `npm run worker` runs) with one extra job, `test.record-run`, that writes each execution to
// the table test_job_runs, which the test creates. Adding a module here, rather than having
// src/worker.ts load code named by an environment variable, keeps that hook out of production.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { runWorkerProcess } from '../../../worker.ts';

await runWorkerProcess([
  {
    name: 'recording-test',
    migrations: [],
    jobs: {
      'test.record-run': async (_payload, { db, jobId }) => {
        await sql`insert into test_job_runs (job_id, pid) values (${jobId}, ${process.pid})`.execute(db);
        await sleep(2 + Math.random() * 4);
      },
    },
  },
]);
