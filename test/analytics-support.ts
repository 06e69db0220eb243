// What the site-use analytics tests share: the end of a day without waiting for midnight.
import { sql } from 'kysely';
import { enqueue } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import type { TestDatabase } from '../src/platform/testing/databases.ts';
import { analyticsModule, ROLLUP_JOB } from '../src/analytics/index.ts';

/** Today's raw rows and keys moved to yesterday, as if the day had ended; then the rollup job through the job runner. */
export async function endTheDayAndRollUp(database: TestDatabase): Promise<void> {
  const db = database.db;
  await sql`update analytics_hits set day = day - 1, at = at - interval '1 day'`.execute(db);
  await sql`update analytics_day_keys set day = day - 1`.execute(db);
  const worker = testWorker(database, analyticsModule.jobs ?? {});
  await worker.start();
  try {
    const id = await enqueue(db, ROLLUP_JOB);
    await waitFor('the rollup', async () => (await sql<{ state: string }>`select state from jobs where id = ${id}`.execute(db)).rows[0]?.state === 'done', 20_000);
  } finally {
    await worker.stop(5000);
  }
}
