import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { testEachDatabase } from '../testing/databases.ts';
import { startShop } from '../../server.ts';
import { CLEANUP_JOB } from './cleanup.ts';
import { enqueue } from './enqueue.ts';
import { getJob, jobInState, quietLogger, waitFor } from './testing/support.ts';

// startShop opens its own database: on PostgreSQL the test's, on PGlite one under DATA_DIR. Both
// runs are the same shop (one DATA_DIR, so one keyring), started twice.
testEachDatabase('jobs: `npm start` runs a worker in the shop process unless RUN_WORKER=false', async (database) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-shop-'));
  for (const runWorker of ['true', 'false']) {
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'silent',
      RUN_WORKER: runWorker,
      WORKER_POLL_MS: '100',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    });
    const shop = await startShop(config, quietLogger);
    try {
      const id = (await enqueue(shop.database.db, CLEANUP_JOB))!;
      if (runWorker === 'true') {
        await waitFor('the shop’s worker to run the job', () => jobInState(shop.database.db, id, 'done'));
      } else {
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal((await getJob(shop.database.db, id)).state, 'queued');
      }
    } finally {
      await shop.stop();
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  if (database.url) {
    // The queued job of the worker-less run is still there for a worker to take.
    const left = await database.db.selectFrom('jobs').select('state').where('state', '=', 'queued').execute();
    assert.equal(left.length, 1);
  }
});
