// Backups copied off the machine and backups taken by hand (P003-19, decision 0063): the scheduled
// job runs BACKUP_COPY_COMMAND with the file's path only in its environment (a BACKUP_DIR named
// with shell runs nothing), records copied or failed per run, shows it at /staff/backups, and a
// failed copy deletes nothing; `custodian backup` records its run too, copies it the same way, and
// the keyring's escrow copy is never handed to that command.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { staffClient } from '../src/accounts/testing.ts';
import { backupsModule, TAKE_JOB } from '../src/backups/index.ts';
import { cliInProcess } from '../src/cli/testing.ts';
import type { Config } from '../src/platform/config.ts';
import { openDatabase, pgliteDirFor, type DatabaseHandle, type Db } from '../src/platform/db/database.ts';
import { createLogger } from '../src/platform/logger.ts';
import { buildTestApp, type TestApp } from '../src/platform/testing/app.ts';
import { pgliteTemplate, testEachDatabase } from '../src/platform/testing/databases.ts';

const owner = { name: 'Olive Owner', email: 'olive.owner@shop.example', role: 'owner', password: 'granite-heron-58-waits-patiently' };
const DAY = 86_400_000;

type Run = {
  id: number;
  origin: string;
  outcome: string;
  folder: string | null;
  file_name: string | null;
  error_code: string | null;
  pruned: number;
  copy_outcome: string | null;
  copied_at: Date | null;
  copy_error_code: string | null;
  copy_attempts: number;
};
const runs = async (db: Db) => (await sql<Run>`select * from backups_runs order by id`.execute(db)).rows;

/** The job's handler, as the worker calls it, with a logger whose lines the test reads. */
function jobRunner(database: DatabaseHandle) {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const log = createLogger('debug', sink);
  const tick = (config: Config) => backupsModule.jobs![TAKE_JOB]!({}, { db: database.db, log, jobId: 1, attempt: 1, services: { config, database } });
  const take = async (config: Config) => {
    const before = (await runs(database.db)).length;
    await tick(config);
    const after = await runs(database.db);
    assert.equal(after.length, before + 1, 'the job recorded one run');
    return after.at(-1)!;
  };
  return { logs, take, tick };
}

/** Moves every recorded run two days back, so the next scheduled run is due. */
const aDayLater = (db: Db) => sql`update backups_runs set started_at = started_at - interval '2 days', finished_at = finished_at - interval '2 days'`.execute(db);

testEachDatabase(
  '[P003-19] BACKUP_COPY_COMMAND: the scheduled job copies each backup off the machine with its path only in the environment, records it, shows it; a failed copy is shown, logged as a code, and deletes nothing',
  async (database, t) => {
    const root = mkdtempSync(join(tmpdir(), 'custodian-offsite-'));
    const marker = join(root, 'injected');
    // A BACKUP_DIR whose path is shell: if it ever became part of the command's text, the marker would appear.
    const backupDir = join(root, `backups $(touch ${marker}) \`touch ${marker}\` it's "here" ; touch ${marker}`);
    const offsite = join(root, 'offsite');
    mkdirSync(offsite);
    const secret = 'remote-answered-with-token-5f2c9e';
    const copyCommand = `cp "$CUSTODIAN_BACKUP_FILE" ${offsite}/ && echo "uploaded, ${secret}" && echo "${secret}" >&2`;
    const bed = await buildTestApp(database, { BACKUP_DIR: backupDir, BACKUP_COPY_COMMAND: copyCommand, ...(database.url ? { DATABASE_URL: database.url } : {}) });
    let open = true;
    t.after(() => (open ? bed.app.close() : undefined));
    const { logs, take, tick } = jobRunner(database);
    const ownerClient = await staffClient(bed.app, database.db, owner);

    // 1. The copy works: the file is off the machine, byte for byte, and the run says when.
    const first = await take(bed.config);
    assert.equal(first.outcome, 'ok', `the scheduled backup failed: ${first.error_code}`);
    assert.equal(first.origin, 'scheduled');
    assert.equal(first.folder, resolve(backupDir));
    assert.equal(first.copy_outcome, 'copied');
    assert.ok(first.copied_at instanceof Date && first.copy_error_code === null);
    const local = join(backupDir, first.file_name!);
    assert.deepEqual(readFileSync(join(offsite, first.file_name!)), readFileSync(local), 'the copy is byte-identical');
    assert.ok(!existsSync(marker), 'no part of BACKUP_DIR ran as shell');
    let page = await ownerClient.get('/staff/backups');
    assert.equal(page.statusCode, 200, page.body.slice(0, 300));
    assert.match(page.body, /data-label="Copy off this machine">Copied \d{4}-\d\d-\d\d \d\d:\d\d UTC</);
    assert.match(
      page.body,
      /\(scheduled\): <code>[^<]*custodian-backup-[^<]*<\/code>, .*; copied \d{4}-\d\d-\d\d \d\d:\d\d UTC\.<\/p>/,
      'the last good backup says where it is and that it was copied',
    );
    assert.match(page.body, /encrypted and holds no key/);
    assert.match(page.body, /The keyring is never sent by that command/);
    assert.ok(!page.body.includes(offsite) && !page.body.includes('cp &quot;'), "the command's text is not shown (it may hold credentials)");
    assert.doesNotMatch(page.body, /not copied off this machine/);

    // 2. The next day the copy fails (exit 3): the run says so, the log has its code, nothing is lost.
    await aDayLater(database.db);
    const stale = join(backupDir, 'custodian-backup-20200101T000000Z.cbk');
    writeFileSync(stale, 'old');
    utimesSync(stale, new Date(Date.now() - 40 * DAY), new Date(Date.now() - 40 * DAY));
    writeFileSync(join(backupDir, 'notes.txt'), 'not a backup');
    const failing: Config = { ...bed.config, backups: { ...bed.config.backups, copyCommand: `echo "${secret}"; echo "${secret}" >&2; exit 3` } };
    const second = await take(failing);
    assert.equal(second.outcome, 'ok', 'the backup itself is good');
    assert.equal(second.copy_outcome, 'failed');
    assert.equal(second.copy_error_code, 'COPY_EXIT_3');
    assert.equal(second.copied_at, null);
    assert.ok(existsSync(join(backupDir, second.file_name!)), 'the backup whose copy failed is still there');
    assert.ok(existsSync(local), 'the earlier backup is still there');
    assert.equal(second.pruned, 1, 'only the backup past BACKUP_RETENTION_DAYS was deleted, as without a copy command');
    assert.ok(!existsSync(stale) && existsSync(join(backupDir, 'notes.txt')));
    assert.deepEqual(readdirSync(offsite), [first.file_name], 'nothing else reached the remote');
    const failure = logs.find((l) => l.copy_error_code === 'COPY_EXIT_3');
    assert.ok(failure && failure.level === 50, 'the failed copy is logged as an error, with its code');
    assert.ok(logs.some((l) => String(l.msg).includes('copied off the machine')));
    const logged = JSON.stringify([...logs, ...bed.logs]);
    assert.ok(!logged.includes(secret), "the command's output is never logged");
    assert.ok(!logged.includes(offsite), "the command's text is never logged");

    page = await ownerClient.get('/staff/backups');
    assert.match(page.body, /The last backup was not copied off this machine<\/strong>: BACKUP_COPY_COMMAND failed at [^(]+\(COPY_EXIT_3\)/);
    assert.match(page.body, /Copy failed \(COPY_EXIT_3\)/);
    assert.ok(page.body.includes(second.file_name!) && page.body.includes(first.file_name!), 'both runs are listed');
    assert.ok(!page.body.includes(secret));
    assert.match(page.body, /The worker tries again from \d{4}-\d\d-\d\d \d\d:\d\d UTC \(try 2 of 6\)/);

    // 2b. The schedule tries the failed copy again after a pause that grows each time, and stops after six tries.
    const latest = async () => (await runs(database.db)).find((r) => r.id === second.id)!;
    const pauseOver = (minutes: number) => sql`update backups_runs set copy_tried_at = copy_tried_at - make_interval(mins => ${minutes}) where id = ${second.id}`.execute(database.db);
    await tick(failing);
    assert.equal((await latest()).copy_attempts, 1, 'not before its pause is over');
    for (const [attempt, minutes] of [
      [2, 15],
      [3, 30],
      [4, 60],
      [5, 120],
      [6, 240],
    ] as const) {
      await pauseOver(minutes - 1);
      await tick(failing);
      assert.equal((await latest()).copy_attempts, attempt - 1, `try ${attempt} waits its ${minutes} minutes`);
      await pauseOver(1);
      await tick(failing);
      assert.equal((await latest()).copy_attempts, attempt, `try ${attempt} after ${minutes} minutes`);
    }
    await pauseOver(24 * 60);
    await tick(failing);
    assert.equal((await latest()).copy_attempts, 6, 'six tries, then no more');
    page = await ownerClient.get('/staff/backups');
    assert.match(page.body, /It was tried 6 times and is not tried again/);
    assert.match(page.body, /Copy failed \(COPY_EXIT_3\), 6 tries/);
    // Had the remote come back in time: the next try copies it (the tries are counted, the run says when).
    await sql`update backups_runs set copy_attempts = 2 where id = ${second.id}`.execute(database.db);
    await pauseOver(60);
    await tick(bed.config);
    const retried = await latest();
    assert.equal(retried.copy_outcome, 'copied');
    assert.equal(retried.copy_attempts, 3);
    assert.ok(retried.copied_at instanceof Date && retried.copy_error_code === null);
    assert.deepEqual(readFileSync(join(offsite, second.file_name!)), readFileSync(join(backupDir, second.file_name!)), 'the retried copy is byte-identical');
    assert.equal((await runs(database.db)).length, 2, 'retries add no run');
    page = await ownerClient.get('/staff/backups');
    assert.doesNotMatch(page.body, /not copied off this machine/);

    // 3. No command set: the page says the backups stay on this machine.
    await aDayLater(database.db);
    const third = await take({ ...bed.config, backups: { ...bed.config.backups, copyCommand: null } });
    assert.equal(third.copy_outcome, null);
    open = false;
    await bed.app.close();
    const off = await buildTestApp(database, { DATA_DIR: bed.config.dataDir, BACKUP_DIR: backupDir, ...(database.url ? { DATABASE_URL: database.url } : {}) });
    t.after(() => off.app.close());
    page = await (await staffClient(off.app, database.db, { ...owner, email: 'owen.owner@shop.example' })).get('/staff/backups');
    assert.match(page.body, /Backups stay on this machine, and are lost with its disk/);
    assert.match(page.body, /Not copied: no BACKUP_COPY_COMMAND/);
  },
  { timeout: 300_000 },
);

testEachDatabase(
  '[P003-19] `custodian backup` records its run (by hand, with its folder), is copied off like a scheduled one, and the owner sees it at /staff/backups; the keyring copy is never handed to the command',
  async (database, t) => {
    const root = mkdtempSync(join(tmpdir(), 'custodian-byhand-'));
    const handDir = join(root, 'by-hand');
    const offsite = join(root, 'offsite');
    mkdirSync(offsite);
    const copy = { BACKUP_COPY_COMMAND: `cp "$CUSTODIAN_BACKUP_FILE" ${offsite}/` };
    let bed: TestApp;
    let handle: DatabaseHandle = database;
    let env: Record<string, string>;
    let taken: Awaited<ReturnType<typeof cliInProcess>>;
    let failed: Awaited<ReturnType<typeof cliInProcess>>;
    if (database.engine === 'postgres') {
      // Beside the running shop.
      bed = await buildTestApp(database, { DATABASE_URL: database.url! });
      env = { DATA_DIR: bed.config.dataDir, DATABASE_URL: database.url! };
      taken = await cliInProcess({ ...env, ...copy }, 'backup', '--to', handDir);
      failed = await cliInProcess({ ...env, BACKUP_COPY_COMMAND: 'exit 3' }, 'backup', '--to', handDir);
    } else {
      // The embedded database: the shop (which made the keyring) is stopped, the CLI opens the database, writes the row after the dump.
      const dataDir = mkdtempSync(join(tmpdir(), 'custodian-byhand-data-'));
      env = { DATA_DIR: dataDir };
      const first = await openDatabase({ databaseUrl: null, pgliteDir: pgliteDirFor(dataDir), pgliteRestore: await pgliteTemplate() });
      const shop = await buildTestApp(first, { DATA_DIR: dataDir });
      await shop.app.close();
      await first.close();
      taken = await cliInProcess({ ...env, ...copy }, 'backup', '--to', handDir);
      failed = await cliInProcess({ ...env, BACKUP_COPY_COMMAND: 'exit 3' }, 'backup', '--to', handDir);
      handle = await openDatabase({ databaseUrl: null, pgliteDir: pgliteDirFor(dataDir) });
      t.after(() => handle.close());
      bed = await buildTestApp(handle, { DATA_DIR: dataDir });
    }
    t.after(() => bed.app.close());
    assert.equal(taken.code, 0, taken.stderr);
    assert.match(taken.stdout, /Copied off this machine by BACKUP_COPY_COMMAND/);
    assert.equal(failed.code, 3, 'exit 3: the backup is written, its copy failed');
    assert.match(failed.stdout, /BACKUP_COPY_COMMAND failed \(COPY_EXIT_3\): the backup was NOT copied off this machine/);

    const [good, uncopied] = await runs(handle.db);
    assert.ok(good && uncopied);
    for (const run of [good, uncopied]) {
      assert.equal(run.origin, 'by_hand');
      assert.equal(run.outcome, 'ok');
      assert.equal(run.folder, resolve(handDir));
      assert.ok(existsSync(join(handDir, run.file_name!)), 'the file is where the run says');
    }
    assert.equal(good.copy_outcome, 'copied');
    assert.deepEqual(readFileSync(join(offsite, good.file_name!)), readFileSync(join(handDir, good.file_name!)));
    assert.equal(uncopied.copy_outcome, 'failed');
    assert.equal(uncopied.copy_error_code, 'COPY_EXIT_3');

    const page = await (await staffClient(bed.app, handle.db, owner)).get('/staff/backups');
    assert.equal(page.statusCode, 200, page.body.slice(0, 300));
    assert.match(page.body, /data-label="Taken">By hand \(custodian backup\)</);
    assert.ok(page.body.includes(`${resolve(handDir)}/${good.file_name}`), 'the folder and file are named');
    assert.match(page.body, /Copy failed \(COPY_EXIT_3\)/);
    assert.ok(page.body.includes(good.file_name!), 'the last good backup can be one taken by hand');

    // A backup by hand does not stand in for the schedule: BACKUP_DIR still gets its own.
    const scheduledDir = join(root, 'scheduled');
    const { take } = jobRunner(handle);
    const scheduled = await take({ ...bed.config, databaseUrl: database.url, backups: { ...bed.config.backups, dir: scheduledDir, copyCommand: null } });
    assert.equal(scheduled.origin, 'scheduled');
    assert.equal(scheduled.outcome, 'ok', `the scheduled backup failed: ${scheduled.error_code}`);

    // The keyring's escrow copy never goes through BACKUP_COPY_COMMAND, and never into BACKUP_DIR.
    const marker = join(root, 'copy-command-ran');
    const keyringEnv = { ...env, BACKUP_DIR: handDir, BACKUP_COPY_COMMAND: `touch ${marker}` };
    const inside = await cliInProcess(keyringEnv, 'backup', 'keyring', '--to', join(handDir, 'keyring-escrow.json'));
    assert.equal(inside.code, 2);
    assert.match(inside.stderr, /inside BACKUP_DIR/);
    const escrow = join(root, 'escrow', 'keyring.json');
    mkdirSync(join(root, 'escrow'));
    const copied = await cliInProcess(keyringEnv, 'backup', 'keyring', '--to', escrow);
    assert.equal(copied.code, 0, copied.stderr);
    assert.ok(existsSync(escrow), 'the escrow copy is written');
    assert.ok(!existsSync(marker), 'BACKUP_COPY_COMMAND did not run for the keyring');
    assert.ok(!readdirSync(offsite).some((name) => !/^custodian-backup-.*\.cbk$/.test(name)), 'only backup files are off the machine');
  },
  { timeout: 300_000 },
);
