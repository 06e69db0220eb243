// The security self-check (P000-17, P002-21; decision 0064) on a real shop: the CLI reports a weak
// secret, a staff member without a second factor and a group-readable keyring with exit code 1,
// and they are gone once fixed; the job, run by the job runner, stores its run, the staff page
// shows it, and new high findings (a tampered audit log) are mailed to owners and privacy officers.
// The dependency audit is a stub here: the suite never asks the registry.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { finishEnrolment, startEnrolment, stepAt, totpCode } from '../src/accounts/index.ts';
import { staffClient, staffWithoutSecondFactor } from '../src/accounts/testing.ts';
import { cliInProcess, cliProcess } from '../src/cli/testing.ts';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { allMigrations, modules } from '../src/modules.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { collectJobs, enqueue } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { anchorPathFor, sealAuditLog } from '../src/privacy/index.ts';
import { tamperAuditEntry } from '../src/privacy/testing.ts';
import { type AuditRunner, auditFindings } from '../src/security/index.ts';

const owner = { name: 'Rosalind Keyworth', email: 'rosalind.keyworth@shop.example', role: 'owner', password: 'quartz-meadow-41-lantern-sail' };
const dpo = { name: 'Ambrose Ferncastle', email: 'ambrose.ferncastle@shop.example', role: 'dpo', password: 'copper-willow-82-harbour-tide' };
const clerk = { name: 'Wilhelmina Stour', email: 'wilhelmina.stour@shop.example', role: 'support', password: 'violet-anchor-36-drift-moss' };
const WEAK_TOKEN = 'abababababababababababababababababababab';
const STRONG_TOKEN = 'Zq7f0X2kLw9rP4tB8nVc1mHs6yJd3gQe5uAa';

const unreachable: AuditRunner = async () => ({ stdout: '', error: 'getaddrinfo ENOTFOUND registry.npmjs.org' });
const sample = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: { 'left-pad': { name: 'left-pad', severity: 'critical' }, qs: { name: 'qs', severity: 'high' }, debug: { name: 'debug', severity: 'moderate' } },
  metadata: { vulnerabilities: { info: 0, low: 0, moderate: 1, high: 1, critical: 1, total: 3 }, dependencies: { prod: 120, total: 400 } },
});

testEachDatabase(
  '[P000-17] `custodian selfcheck` reports a weak secret, staff without a second factor and a group-readable keyring with exit code 1; once fixed they are gone',
  async (database, t) => {
    const env: Record<string, string> = {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-selfcheck-cli-')),
      DEMO_DATA: 'false',
      // Nothing answers here: the CLI builds the shop in its own process to read its pages.
      PUBLIC_URL: 'http://127.0.0.1:9',
      STAFF_API_TOKEN: WEAK_TOKEN,
    };
    if (database.engine === 'postgres') env.DATABASE_URL = database.url!;
    const handle = database.engine === 'postgres' ? database : await openDatabase({ databaseUrl: null, pgliteDir: join(env.DATA_DIR!, 'pglite') });
    if (database.engine === 'pglite') await migrate(handle.db, allMigrations);
    const { app, config } = await buildTestApp(handle, env);
    await staffClient(app, handle.db, owner);
    const member = await staffWithoutSecondFactor(app, handle.db, clerk);
    const close = async () => {
      await app.close();
      if (database.engine === 'pglite') await handle.close();
    };

    await t.test('a weak secret and a staff member without a second factor: exit code 1, both printed, no secret shown', async () => {
      await app.privacy.flush();
      if (database.engine === 'pglite') await close();
      const run = await cliProcess(env, 'selfcheck', '--offline');
      assert.equal(run.code, 1, run.stderr + run.stdout);
      assert.match(run.stdout, /HIGH \(\d+\)/);
      assert.match(run.stdout, /\[secrets\] STAFF_API_TOKEN is weak/);
      assert.match(run.stdout, /\[staff\] Staff without a second factor[\s\S]*?support [0-9a-f]{8}/);
      assert.match(run.stdout, /\[keyring\] The keyring is kept inside DATA_DIR/);
      assert.match(run.stdout, /Dependency audit skipped/);
      assert.doesNotMatch(run.stdout, new RegExp(WEAK_TOKEN), 'the secret is never printed');
      assert.doesNotMatch(run.stdout, /wilhelmina|Stour/i, 'nobody is named');
    });

    await t.test('a group-readable keyring is high', async () => {
      chmodSync(config.keyringPath, 0o640);
      const run = await cliInProcess(env, 'selfcheck', '--offline');
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /\[keyring\] The keyring file is not private \(mode other than 0600\)[\s\S]*?mode 640/);
    });

    await t.test('fixed: the keyring 0600, a strong token, the second factor set up: those findings are gone, exit code 0', async () => {
      chmodSync(config.keyringPath, 0o600);
      if (database.engine === 'pglite') {
        const again = await openDatabase({ databaseUrl: null, pgliteDir: join(env.DATA_DIR!, 'pglite') });
        const rebuilt = await buildTestApp(again, env);
        const secret = await startEnrolment(rebuilt.app.privacy, again.db, member);
        await finishEnrolment(rebuilt.app.privacy, again.db, member, totpCode(secret, stepAt(new Date())), new Date());
        await rebuilt.app.privacy.flush();
        await rebuilt.app.close();
        await again.close();
      } else {
        const secret = await startEnrolment(app.privacy, handle.db, member);
        await finishEnrolment(app.privacy, handle.db, member, totpCode(secret, stepAt(new Date())), new Date());
        await close();
      }
      const run = await cliInProcess({ ...env, STAFF_API_TOKEN: STRONG_TOKEN }, 'selfcheck', '--offline', '--json');
      const out = JSON.parse(run.stdout) as { counts: Record<string, number>; findings: { check: string; severity: string; title: string }[] };
      assert.equal(run.code, 0, run.stdout);
      assert.equal(out.counts.high, 0, JSON.stringify(out.findings));
      const titles = out.findings.map((f) => f.title);
      for (const gone of ['STAFF_API_TOKEN is weak', 'Staff without a second factor', 'The keyring file is not private (mode other than 0600)']) assert.ok(!titles.includes(gone), gone);
    });
  },
);

testEachDatabase(
  '[P000-17][P002-21] the scheduled self-check, run by the job runner, records its run, the staff page shows it, and new high findings are mailed to owners and privacy officers',
  async (database, t) => {
    const sink = await startSmtpSink();
    const test = await buildTestApp(database, { SMTP_URL: sink.url, PUBLIC_URL: 'https://shop.test', MAIL_FROM: 'Shop <mail@shop.test>', STAFF_API_TOKEN: WEAK_TOKEN });
    const { app, config } = test;
    const db = app.db;
    const worker = testWorker(database, collectJobs(modules).handlers, {
      services: { config, privacy: app.privacy, wiring: app.wiring, selfcheck: { inject: (request) => app.inject(request), audit: unreachable } },
    });
    await worker.start();
    t.after(async () => {
      await worker.stop(5000);
      await app.close();
      await sink.stop();
    });
    const ownerClient = await staffClient(app, db, owner);
    const dpoClient = await staffClient(app, db, dpo);
    const runs = async () => (await sql<{ n: number }>`select count(*)::int as n from security_runs`.execute(db)).rows[0]!.n;
    const mails = async () => (await sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = 'security.new-findings'`.execute(db)).rows[0]!.n;

    await t.test('[P000-17][P002-21] the scheduled job records a run; the staff page shows its findings; owner and privacy officer are mailed', async () => {
      assert.match((await ownerClient.get('/staff')).body, /<h2 id="card-security-selfcheck">Security self-check<\/h2>\s*<p>No self-check has run yet/, 'the dashboard says none ran');
      await enqueue(db, 'security.selfcheck', {});
      await waitFor('the first run', async () => (await runs()) === 1, 30_000);
      const page = await ownerClient.get('/staff/security');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /STAFF_API_TOKEN is weak/);
      assert.match(page.body, /Dependency audit unavailable: registry not reachable/, 'the registry stub failed: an info finding, not a failed check');
      assert.match(page.body, /How to fix/);
      assert.match(page.body, /Run the check now/);
      assert.doesNotMatch(page.body, /could not run|Headers not checked/, 'every check ran; the pages were read in process');
      assert.doesNotMatch(page.body, new RegExp(WEAK_TOKEN));
      assert.equal((await dpoClient.get('/staff/security')).statusCode, 200, 'the privacy officer sees it too');
      // Where staff start their day: the dashboard's card names the high finding and links to the page.
      for (const client of [ownerClient, dpoClient]) {
        const dashboard = (await client.get('/staff')).body;
        assert.match(dashboard, /Last run less than an hour ago: <strong data-severity="high">[1-9]\d* high<\/strong>/);
        assert.match(dashboard, /<li>High: STAFF_API_TOKEN is weak/);
        assert.match(dashboard, /href="\/staff\/security"/);
      }
      await waitFor('two mails', async () => (await mails()) === 2);
      const got = await sink.waitForMail((m) => m.to.some((to) => to.includes(owner.email)) && /Security self-check: new findings/.test(m.subject), 20_000);
      assert.match(got.text, /https:\/\/shop\.test\/staff\/security/);
      assert.doesNotMatch(got.text, /STAFF_API_TOKEN/, 'the mail carries counts and the link, not the findings');
    });

    await t.test('the next scheduled run waits for SELFCHECK_INTERVAL_HOURS', async () => {
      const id = await enqueue(db, 'security.selfcheck', {});
      await waitFor('the job done', async () => (await sql<{ state: string }>`select state from jobs where id = ${id}`.execute(db)).rows[0]?.state === 'done');
      assert.equal(await runs(), 1);
    });

    await t.test('a tampered audit log: "Run the check now" reports the broken chain as high, and it is mailed as new', async () => {
      await app.privacy.flush();
      await sealAuditLog(db, { anchorPath: anchorPathFor(config.keyringPath) });
      await tamperAuditEntry(db, 1);
      await ownerClient.get('/staff/security');
      const queued = await ownerClient.post('/staff/security/run', {});
      assert.equal(queued.statusCode, 200);
      assert.match(queued.body, /The check is queued/);
      await waitFor('the second run', async () => (await runs()) === 2, 30_000);
      const page = await ownerClient.get('/staff/security');
      assert.match(page.body, /<th scope="row" data-label="Finding">The audit chain is broken<\/th><td data-label="Severity">High<\/td>/);
      assert.match((await ownerClient.get('/staff')).body, /<li>High: The audit chain is broken<\/li>/, 'the dashboard names it');
      await waitFor('two more mails', async () => (await mails()) === 4);
    });

    await t.test('staff of other roles cannot open the page', async () => {
      const clerkClient = await staffClient(app, db, clerk);
      assert.equal((await clerkClient.get('/staff/security')).statusCode, 403);
      assert.doesNotMatch((await clerkClient.get('/staff')).body, /Security self-check/, 'nor see the card');
    });

    await t.test('a last run days old is told on the dashboard: the daily check has stopped', async () => {
      await sql`update security_runs set started_at = started_at - interval '3 days', finished_at = finished_at - interval '3 days'`.execute(db);
      const dashboard = (await ownerClient.get('/staff')).body;
      assert.match(dashboard, /Last run 3 days ago/);
      assert.match(dashboard, /has not run for over two days: is the worker running\?/);
    });

    await t.test('one `npm audit --json` answer: high and critical packages named, counts by severity', async () => {
      const [finding] = auditFindings(sample);
      assert.equal(finding!.severity, 'high');
      assert.match(finding!.detail, /1 critical, 1 high, 1 moderate, 0 low\. Packages: left-pad, qs\./);
      assert.equal(auditFindings(JSON.stringify({ error: { code: 'ENOTFOUND' } }))[0]!.title, 'Dependency audit unavailable: registry not reachable');
    });
  },
);
