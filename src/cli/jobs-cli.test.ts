// `custodian jobs …` in-process, on the shop's own settings: a job that died is listed with its
// error and, once retried, is queued again with fresh attempts.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase, pgliteDirFor } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { enqueue } from '../platform/jobs/index.ts';
import { testEachDatabase } from '../platform/testing/databases.ts';
import { allMigrations } from '../modules.ts';
import { runCli } from './run.ts';

async function cli(env: Record<string, string>, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env, out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

testEachDatabase('custodian jobs: dead jobs are listed with their error and can be queued again', async (database) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-jobs-cli-'));
  const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  if (database.engine === 'postgres') env.DATABASE_URL = database.url!;

  // The CLI opens the shop's database itself; on PGlite that is the directory under DATA_DIR.
  const shop = database.engine === 'postgres' ? database : await openDatabase({ databaseUrl: null, pgliteDir: pgliteDirFor(dataDir) });
  await migrate(shop.db, allMigrations);
  const id = await enqueue(shop.db, 'comms.send', { message: 'm-1' });
  await sql`update jobs set state = 'dead', attempts = max_attempts, finished_at = now(),
            last_error = 'SMTP_REFUSED: mailbox unavailable' where id = ${id}`.execute(shop.db);
  if (shop !== database) await shop.close();

  const status = await cli(env, 'jobs', 'status', '--json');
  assert.equal(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).dead, 1);

  const dead = await cli(env, 'jobs', 'dead');
  assert.equal(dead.code, 0, dead.stderr);
  assert.match(dead.stdout, new RegExp(`^${id}\\s+comms\\.send\\s+\\d+/\\d+.*SMTP_REFUSED: mailbox unavailable$`, 'm'));

  const bad = await cli(env, 'jobs', 'retry', 'abc');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /<id>: must be a job id/);
  const missing = await cli(env, 'jobs', 'retry', '999999');
  assert.equal(missing.code, 2);

  const retried = await cli(env, 'jobs', 'retry', String(id));
  assert.equal(retried.code, 0, retried.stderr);
  assert.match(retried.stdout, new RegExp(`Job ${id} is queued again`));
  const after = await cli(env, 'jobs', 'status', '--json');
  assert.deepEqual({ dead: JSON.parse(after.stdout).dead, queued: JSON.parse(after.stdout).queued }, { dead: 0, queued: 1 });
});
