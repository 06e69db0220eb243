// The security self-check (P000-17, P002-21; decision 0064) on a real shop: the CLI reports a weak
// secret, a staff member without a second factor and a group-readable keyring with exit code 1,
// and they are gone once fixed; the job, enqueued by the scheduler and run by the worker, stores its
// run, the staff page shows its findings (vulnerable packages, plain HTTP, a weak secret, a dropped
// header), and new high findings are mailed to owners and privacy officers.
// The job runs on the worker's schedule (the scheduler's tick enqueues it), reads the shop's pages
// in process, and its dependency audit is handed a recorded `npm audit --json` answer: the suite
// never asks the registry.
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
import { collectJobs } from '../src/platform/jobs/index.ts';
import { testWorker, waitFor } from '../src/platform/jobs/testing/support.ts';
import { buildTestApp } from '../src/platform/testing/app.ts';
import { testEachDatabase } from '../src/platform/testing/databases.ts';
import { anchorPathFor, sealAuditLog } from '../src/privacy/index.ts';
import { tamperAuditEntry } from '../src/privacy/testing.ts';
import { type AuditRunner, auditFindings, type Injector, SELFCHECK_JOB } from '../src/security/index.ts';

const owner = { name: 'Rosalind Keyworth', email: 'rosalind.keyworth@shop.example', role: 'owner', password: 'quartz-meadow-41-lantern-sail' };
const dpo = { name: 'Ambrose Ferncastle', email: 'ambrose.ferncastle@shop.example', role: 'dpo', password: 'copper-willow-82-harbour-tide' };
const clerk = { name: 'Wilhelmina Stour', email: 'wilhelmina.stour@shop.example', role: 'support', password: 'violet-anchor-36-drift-moss' };
const WEAK_TOKEN = 'abababababababababababababababababababab';
const STRONG_TOKEN = 'Zq7f0X2kLw9rP4tB8nVc1mHs6yJd3gQe5uAa';

// What `npm audit --json --omit=dev` (npm 10, audit report version 2) prints for a tree with one
// critical, one high and one moderate advisory: the shape the dependency check reads.
const sample = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: {
    'left-pad': {
      name: 'left-pad',
      severity: 'critical',
      isDirect: true,
      via: [
        {
          source: 1096001,
          name: 'left-pad',
          dependency: 'left-pad',
          title: 'Prototype pollution in left-pad',
          url: 'https://github.com/advisories/GHSA-xxxx-0001',
          severity: 'critical',
          cwe: ['CWE-1321'],
          cvss: { score: 9.8, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
          range: '<1.3.1',
        },
      ],
      effects: [],
      range: '<1.3.1',
      nodes: ['node_modules/left-pad'],
      fixAvailable: true,
    },
    qs: {
      name: 'qs',
      severity: 'high',
      isDirect: false,
      via: [
        {
          source: 1096002,
          name: 'qs',
          dependency: 'qs',
          title: 'qs vulnerable to Prototype Pollution',
          url: 'https://github.com/advisories/GHSA-hrpp-h998-j3pp',
          severity: 'high',
          cwe: ['CWE-1321'],
          cvss: { score: 7.5, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
          range: '>=6.7.0 <6.7.3',
        },
      ],
      effects: [],
      range: '>=6.7.0 <6.7.3',
      nodes: ['node_modules/qs'],
      fixAvailable: true,
    },
    debug: {
      name: 'debug',
      severity: 'moderate',
      isDirect: false,
      via: [
        {
          source: 1096003,
          name: 'debug',
          dependency: 'debug',
          title: 'Regular Expression Denial of Service in debug',
          url: 'https://github.com/advisories/GHSA-gxpj-cx7g-858c',
          severity: 'moderate',
          cwe: ['CWE-400'],
          cvss: { score: 5.3, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' },
          range: '<2.6.9',
        },
      ],
      effects: [],
      range: '<2.6.9',
      nodes: ['node_modules/debug'],
      fixAvailable: { name: 'debug', version: '2.6.9', isSemVerMajor: false },
    },
  },
  metadata: {
    vulnerabilities: { info: 0, low: 0, moderate: 1, high: 1, critical: 1, total: 3 },
    dependencies: { prod: 120, dev: 280, optional: 4, peer: 0, peerOptional: 0, total: 400 },
  },
});
/** The audit runner the job is given instead of running npm (the suite never asks the registry). */
const auditAnswering =
  (stdout: string): AuditRunner =>
  async () => ({ stdout, error: null });

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
  '[P000-17][P002-21] on schedule, the worker runs the self-check: /staff/security reports the dependency audit, plain HTTP and weak secrets, owners and privacy officers are mailed; on demand it reports a dropped header and a broken audit chain',
  async (database, t) => {
    const sink = await startSmtpSink();
    // A public address over plain HTTP: the TLS check must say so.
    const test = await buildTestApp(database, { SMTP_URL: sink.url, PUBLIC_URL: 'http://shop.test', MAIL_FROM: 'Shop <mail@shop.test>', STAFF_API_TOKEN: WEAK_TOKEN });
    const { app, config } = test;
    const db = app.db;
    // What a proxy in front of the shop drops from every answer (none at first).
    let dropped: string | null = null;
    const inject: Injector = async (request) => {
      const res = await app.inject(request);
      if (dropped) delete res.headers[dropped];
      return res;
    };
    // As src/server.ts builds the shop's worker: every module's handlers and schedules.
    const jobs = collectJobs(modules);
    const worker = testWorker(database, jobs.handlers, {
      schedules: jobs.schedules,
      services: { config, privacy: app.privacy, wiring: app.wiring, selfcheck: { inject, audit: auditAnswering(sample) } },
    });
    t.after(async () => {
      await worker.stop(5000);
      await app.close();
      await sink.stop();
    });
    const ownerClient = await staffClient(app, db, owner);
    const dpoClient = await staffClient(app, db, dpo);
    const runs = async () => (await sql<{ n: number }>`select count(*)::int as n from security_runs`.execute(db)).rows[0]!.n;
    const mails = async () => (await sql<{ n: number }>`select count(*)::int as n from comms_outbox where template = 'security.new-findings'`.execute(db)).rows[0]!.n;
    const scheduledJobs = async () =>
      (await sql<{ state: string }>`select state from jobs where name = ${SELFCHECK_JOB} and unique_key = ${`schedule:${SELFCHECK_JOB}`} order by id`.execute(db)).rows.map((r) => r.state);
    const row = (title: string, severity: string, check: string) =>
      new RegExp(`<th scope="row" data-label="Finding">${title}</th><td data-label="Severity">${severity}</td><td data-label="Check">${check}</td><td data-label="Detail">([^<]*)</td>`);

    await t.test('[P000-17][P002-21] the scheduler enqueues the self-check; its findings (dependency audit, TLS, secrets) are on the staff page; owner and privacy officer are mailed', async () => {
      assert.match((await ownerClient.get('/staff')).body, /<h2 id="card-security-selfcheck">Security self-check<\/h2>\s*<p>No self-check has run yet/, 'the dashboard says none ran');
      const schedule = jobs.schedules.find((s) => s.job === SELFCHECK_JOB);
      assert.equal(schedule?.everySeconds, 3600, 'the module declares an hourly schedule');
      assert.deepEqual(await scheduledJobs(), [], 'nothing enqueued it by hand');
      await worker.start();
      // The run is recorded inside the job, a moment before the job is marked done.
      await waitFor('the first run', async () => (await runs()) === 1 && (await scheduledJobs()).every((state) => state === 'done'), 30_000);
      assert.deepEqual(await scheduledJobs(), ['done'], "the scheduler's tick enqueued the job, the worker ran it");
      const slot = (await sql<{ ahead: number }>`select extract(epoch from next_run_at - now())::int as ahead from jobs_schedules where name = ${schedule!.name}`.execute(db)).rows[0]!;
      assert.ok(slot.ahead > 3500 && slot.ahead <= 3600, `the next period starts in an hour (${slot.ahead} s)`);
      assert.equal((await sql<{ trigger: string }>`select trigger from security_runs`.execute(db)).rows[0]!.trigger, 'schedule');

      const page = await ownerClient.get('/staff/security');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /\(Schedule\): <strong>[1-9]\d* high<\/strong>/);
      // The dependency audit: the packages with high and critical advisories, counts by severity.
      const deps = row('Dependencies with high or critical advisories', 'High', 'dependencies').exec(page.body);
      assert.ok(deps, 'the dependency audit is reported');
      assert.equal(deps[1], '1 critical, 1 high, 1 moderate, 0 low. Packages: left-pad, qs.');
      // TLS: a public address over plain HTTP.
      const tls = row('Served over plain HTTP: put it behind TLS', 'Medium', 'tls').exec(page.body);
      assert.ok(tls, 'the TLS check reports plain HTTP');
      assert.equal(tls[1], 'PUBLIC_URL is http://shop.test.');
      // Config: the weak secret, its value never shown.
      assert.match(page.body, row('STAFF_API_TOKEN is weak', 'High', 'secrets'));
      assert.doesNotMatch(page.body, new RegExp(WEAK_TOKEN));
      // Headers and cookies: the shop's pages were read in process and every header passed
      // (CSP without unsafe-*, nosniff, framing refused, Referrer-Policy; no HSTS asked over HTTP).
      assert.doesNotMatch(page.body, /data-label="Check">(headers|cookies)</, 'no header or cookie finding');
      assert.doesNotMatch(page.body, /could not run|Headers not checked/, 'every check ran');
      assert.match(page.body, /How to fix/);
      assert.match(page.body, /Run the check now/);
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
      assert.match(got.text, /http:\/\/shop\.test\/staff\/security/);
      assert.doesNotMatch(got.text, /STAFF_API_TOKEN|left-pad/, 'the mail carries counts and the link, not the findings');
    });

    await t.test('the next hourly period enqueues the job again; it waits for SELFCHECK_INTERVAL_HOURS and checks nothing', async () => {
      await sql`update jobs_schedules set next_run_at = now() - interval '1 second' where name = ${SELFCHECK_JOB}`.execute(db);
      await waitFor('the second scheduled job done', async () => (await scheduledJobs()).join() === 'done,done');
      assert.equal(await runs(), 1);
    });

    await t.test('a proxy dropping X-Content-Type-Options: "Run the check now" reports the missing header on every page read', async () => {
      dropped = 'x-content-type-options';
      await ownerClient.get('/staff/security');
      const queued = await ownerClient.post('/staff/security/run', {});
      assert.equal(queued.statusCode, 200);
      assert.match(queued.body, /The check is queued/);
      await waitFor('the second run', async () => (await runs()) === 2, 30_000);
      dropped = null;
      const page = await ownerClient.get('/staff/security');
      assert.match(page.body, /\(Asked by staff\)/);
      const header = row('X-Content-Type-Options: nosniff is missing', 'Medium', 'headers').exec(page.body);
      assert.ok(header, 'the headers check reports it');
      assert.match(header[1]!, /^Seen on \/, (\/products\/[^,]+, )?\/account\/login, \/staff\/login\.$/);
      assert.equal([...page.body.matchAll(/data-label="Check">headers</g)].length, 1, 'only that header is missing');
      await waitFor('two more mails', async () => (await mails()) === 4);
    });

    await t.test('a tampered audit log: "Run the check now" reports the broken chain as high, and it is mailed as new', async () => {
      await app.privacy.flush();
      await sealAuditLog(db, { anchorPath: anchorPathFor(config.keyringPath) });
      await tamperAuditEntry(db, 1);
      await ownerClient.get('/staff/security');
      const queued = await ownerClient.post('/staff/security/run', {});
      assert.equal(queued.statusCode, 200);
      assert.match(queued.body, /The check is queued/);
      await waitFor('the third run', async () => (await runs()) === 3, 30_000);
      const page = await ownerClient.get('/staff/security');
      assert.match(page.body, /<th scope="row" data-label="Finding">The audit chain is broken<\/th><td data-label="Severity">High<\/td>/);
      assert.doesNotMatch(page.body, /data-label="Check">headers</, 'the header is back');
      assert.match((await ownerClient.get('/staff')).body, /<li>High: The audit chain is broken<\/li>/, 'the dashboard names it');
      await waitFor('two more mails', async () => (await mails()) === 6);
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
