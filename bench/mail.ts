// Mail: a 10,000-recipient campaign, time to queue and messages/s to a local SMTP server (consent checked per recipient), vs raw nodemailer sends.
//
// In one run, on one database (PGlite; with --database-url, a scratch database on that PostgreSQL
// server), with every module's migrations and jobs as `npm start` has them:
//   seed      N customers (default 10,000) through the kernel: subject, name and email under
//             `account` (encrypted), consent to `newsletters` granted by the person. Not measured.
//   queue     a newsletter campaign as staff send it (createCampaign, startSending); the worker runs
//             `mailing.campaign` until every page is queued: each page is one `kernel.audience`
//             statement (consent, status, kind checked) and one outbox row and send job per person.
//   deliver   the worker runs the N `comms.send` jobs, C at a time (default 4), to a real SMTP server
//             on loopback (src/comms/testing/smtp-sink.ts): each reads the address and name through
//             the kernel under `newsletters` (the consent check at send time, audited), renders the
//             marketing mail with its unsubscribe link, claims the row under its lease, opens one
//             SMTP connection and records `sent`. Reported as messages delivered per second.
//   baseline  the same N mails, already rendered, sent C at a time through nodemailer to the same
//             server with the same one-connection-per-message transport: no outbox, job, kernel
//             read or consent check. The ratio is outbox rate / baseline rate.
// Options: --recipients N (default 10000), --concurrency C (default 4), --database-url postgres://…
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { createTransport } from 'nodemailer';
import { startSmtpSink } from '../src/comms/testing/smtp-sink.ts';
import { randomUUID } from 'node:crypto';
import { enqueue } from '../src/platform/jobs/index.ts';
import { modules, wiringOf } from '../src/modules.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase, type DatabaseHandle } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { Worker } from '../src/platform/jobs/index.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createScratchPostgres } from '../src/platform/testing/databases.ts';
import { selfActor } from '../src/privacy/index.ts';
import { benchFlags } from './support/flags.ts';
import { testActor, testKernel } from '../src/privacy/testing.ts';

const usage = 'Usage: npm run bench -- mail [--recipients 10000] [--concurrency 4] [--database-url postgres://…]\n';
const SEED_ACTOR = testActor('bench.mail-seed');

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function benchOn(database: DatabaseHandle, recipients: number, concurrency: number): Promise<number> {
  await migrate(
    database.db,
    modules.flatMap((m) => m.migrations),
  );
  const { db } = database;
  const sink = await startSmtpSink();
  const logger = createLogger(process.env.BENCH_LOG === '1' ? 'info' : 'silent', process.env.BENCH_LOG === '1' ? process.stderr : new Writable({ write: (_c, _e, done) => done() }));
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'custodian-bench-mail-')),
    LOG_LEVEL: 'silent',
    DEMO_DATA: 'false',
    PUBLIC_URL: 'http://shop.bench',
    SMTP_URL: sink.url,
    MAIL_FROM: 'Bench Shop <news@shop.bench>',
  });
  const { kernel } = await testKernel(db, { keyringPath: join(config.dataDir, 'keyring.json') });
  const wiring = wiringOf(modules);
  const handlers = Object.assign({}, ...modules.map((m) => m.jobs ?? {}));
  const services = { config, privacy: kernel, wiring };
  const worker = new Worker({ database, handlers, services, logger, concurrency, pollMs: 50, id: 'bench-worker' });
  let started = false;
  try {
    process.stdout.write(`Seeding ${recipients} customers with consent to newsletters on ${database.engine} …\n`);
    for (let i = 0; i < recipients; i++) {
      const subject = await kernel.createSubject(db, { kind: 'customer', actor: SEED_ACTOR, purpose: 'account' });
      await kernel.write(db, { subject, actor: SEED_ACTOR, purpose: 'account', values: { 'user.name': `Reader ${i}`, 'user.contact.email': `reader${i}@example.net` } });
      await kernel.recordConsent(db, { subject, purpose: 'newsletters', action: 'grant', channel: 'web', actor: selfActor(subject), evidence: 'bench signup form' });
      if (i % 1000 === 999) process.stdout.write(`  ${i + 1}\n`);
    }
    process.stdout.write('Queueing the campaign …\n');

    // Queue: from the staff's Send to the last outbox row.
    const t0 = performance.now();
    // What the staff's Send does (src/mailing/campaigns.ts startSending): the campaign row, sending, and its job.
    const campaign = randomUUID();
    await sql`insert into mailing_campaigns (id, purpose, subject_line, body, status, created_by, created_at, sent_by, sent_at)
      values (${campaign}::uuid, 'newsletters', 'Bench news', ${'Our new routers ship next week.\n\nSee https://shop.bench/catalogue.'}, 'sending', 'bench', now(), 'bench', now())`.execute(db);
    await enqueue(db, 'mailing.campaign', { campaignId: campaign }, { uniqueKey: `mailing.campaign:${campaign}:start` });
    // The fan-out job's runs, one page each, as the worker would run them (a worker would start
    // sending the first pages' mail meanwhile, which is measured next).
    const campaignDone = async () => (await sql<{ status: string }>`select status from mailing_campaigns where id = ${campaign}::uuid`.execute(db)).rows[0]?.status === 'sent';
    while (!(await campaignDone())) await handlers['mailing.campaign']({ campaignId: campaign }, { db, log: logger, jobId: 0, attempt: 1, services });
    const queueMs = performance.now() - t0;
    const queued = (await sql<{ n: number }>`select count(*)::int as n from comms_outbox where status = 'queued'`.execute(db)).rows[0]!.n;
    if (queued !== recipients) throw new Error(`the campaign queued ${queued} messages for ${recipients} recipients`);

    // Deliver: every queued message through the send job to the SMTP server.
    const t1 = performance.now();
    started = true;
    await worker.start();
    const finished = async () => (await sql<{ n: number }>`select count(*)::int as n from comms_outbox where status in ('queued', 'sending')`.execute(db)).rows[0]!.n === 0;
    await until('every message to be sent', finished, 60 * 60_000);
    const deliverMs = performance.now() - t1;
    const sent = (await sql<{ n: number }>`select count(*)::int as n from comms_outbox where status = 'sent'`.execute(db)).rows[0]!.n;
    if (sent !== recipients || sink.received.length !== recipients) throw new Error(`${sent} sent, ${sink.received.length} received, of ${recipients}`);

    // Baseline: the same mails, rendered already, straight through nodemailer.
    const template = sink.received[0]!;
    let next = 0;
    const t2 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < recipients) {
          const i = next++;
          // As the outbox's SMTP transport does: one connection per message, closed after it.
          const transporter = createTransport({ url: sink.url });
          try {
            await transporter.sendMail({
              from: { name: config.mailFrom.name, address: config.mailFrom.address },
              to: { name: `Reader ${i}`, address: `reader${i}@example.net` },
              subject: template.subject,
              text: template.text,
              ...(template.html ? { html: template.html } : {}),
              messageId: `<baseline-${i}@shop.bench>`,
              headers: { 'List-Unsubscribe': template.header('list-unsubscribe') ?? '', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
            });
          } finally {
            transporter.close();
          }
        }
      }),
    );
    const baselineMs = performance.now() - t2;
    if (sink.received.length !== 2 * recipients) throw new Error(`the baseline delivered ${sink.received.length - recipients} of ${recipients}`);

    const rate = (recipients / deliverMs) * 1000;
    const baseRate = (recipients / baselineMs) * 1000;
    process.stdout.write(
      [
        `recipients ${recipients}, concurrency ${concurrency}, ${database.engine}`,
        `queue      ${seconds(queueMs)} for ${recipients} messages (${((recipients / queueMs) * 1000).toFixed(0)} queued/s; kernel.audience pages of 200)`,
        `deliver    ${seconds(deliverMs)}: ${rate.toFixed(1)} messages/s (kernel read with the consent check, render, lease, SMTP, sent)`,
        `baseline   ${seconds(baselineMs)}: ${baseRate.toFixed(1)} messages/s (nodemailer, one connection per message, no outbox or consent check)`,
        `ratio      ${(rate / baseRate).toFixed(2)} of the baseline's rate`,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    if (started) await worker.stop(5000);
    await kernel.flush();
    await sink.stop();
  }
}

export async function main(args: string[]): Promise<number> {
  const flags = benchFlags(args, { recipients: { type: 'string' }, concurrency: { type: 'string' } }, usage);
  if (typeof flags === 'number') return flags;
  const recipients = Number(flags.recipients ?? 10_000);
  const concurrency = Number(flags.concurrency ?? 4);
  if (!Number.isInteger(recipients) || recipients < 1 || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    process.stderr.write(`--recipients at least 1, --concurrency 1 to 64\n${usage}`);
    return 2;
  }
  const url = flags['database-url'];
  if (url) {
    process.env.DATABASE_URL = url;
    const scratch = await createScratchPostgres();
    const database = await openDatabase({ databaseUrl: scratch.url, pgliteDir: null, poolSize: concurrency + 4 });
    try {
      return await benchOn(database, recipients, concurrency);
    } finally {
      await database.close();
      await scratch.drop();
    }
  }
  const database = await openDatabase({ databaseUrl: null, pgliteDir: null });
  try {
    return await benchOn(database, recipients, concurrency);
  } finally {
    await database.close();
  }
}
