// `custodian subject …`: the shop owner answering a data-subject request from a terminal (the same
// flows as the privacy centre and the staff desk, in src/rights): export everything held about a
// person, erase them (every module's copy, the processor told, a receipt mailed first), list the
// requests and their deadlines; and `custodian blind-index rotate`, which makes every database
// backup taken until now unable to confirm any email address (decision 0023), at once.
import { writeFileSync } from 'node:fs';
import type { Config } from '../../platform/config.ts';
import type { Db, DatabaseHandle } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { collectJobs, Worker } from '../../platform/jobs/index.ts';
import { createLogger } from '../../platform/logger.ts';
import { systemActor, holdersOf, kernelSettings, startKernel, type PrivacyKernel } from '../../privacy/index.ts';
import { usersOfSubjects } from '../../accounts/index.ts';
import { needsBundledSandbox, startBundledSandbox } from '../../sandbox-processor/index.ts';
import { type RightsDeps, beginDeletion, buildExport, isOverdue, kindLabels, listRequests, recordDoneRequest, requestById, requestChannels, type RequestChannel } from '../../rights/index.ts';
import { modules } from '../../modules.ts';
import type { CliCommand, CliContext } from '../command.ts';

const EMAIL = 'user.contact.email';

async function rightsDeps(ctx: CliContext): Promise<RightsDeps> {
  const kernel = await startKernel({ db: ctx.db, ...kernelSettings(ctx.config) });
  return { kernel, config: ctx.config, holders: () => holdersOf(modules), now: () => new Date(), log: createLogger('warn'), wiring: ctx.wiring };
}

/** The person with this email: their account's subject when they have one, else any subject that holds the address. */
async function subjectOf(kernel: PrivacyKernel, db: Db, email: unknown, job: string): Promise<string> {
  if (typeof email !== 'string' || !email.includes('@')) throw validationError('email', 'must be the email address of the person');
  const subjects = await kernel.findSubjects(db, { category: EMAIL, value: email, actor: systemActor(job), purpose: 'data-rights' });
  const subject = (await usersOfSubjects(db, subjects, 'customer'))[0]?.subject_id ?? subjects[0];
  if (!subject) throw new AppError('NOT_FOUND', 'Nobody with this email address is known to the shop: nothing is held about them.');
  return subject;
}

function channelOf(value: unknown): RequestChannel {
  const channel = typeof value === 'string' ? value : 'email';
  if (!(requestChannels as readonly string[]).includes(channel) || channel === 'web') throw validationError('channel', 'must be email, phone, post or in-person');
  return channel as RequestChannel;
}

/** Runs the shop's jobs in this process (and the bundled sandbox processor, when the shop uses it) until `done`, or gives up. */
async function runJobsUntil(ctx: CliContext, kernel: PrivacyKernel, done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let config: Config = ctx.config;
  const sandbox = needsBundledSandbox(config) ? await startBundledSandbox(config, createLogger('warn')) : null;
  if (sandbox) config = { ...config, payments: { ...config.payments, sandboxUrl: sandbox.url } };
  const worker = new Worker({
    database: ctx.database as DatabaseHandle,
    ...collectJobs(modules),
    services: { config, privacy: kernel, wiring: ctx.wiring },
    logger: createLogger('warn'),
    concurrency: 2,
    pollMs: 200,
  });
  await worker.start();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await done()) return true;
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  } finally {
    await worker.stop(10_000);
    await sandbox?.stop();
  }
}

export const subjectCommands: CliCommand[] = [
  {
    path: ['subject', 'export'],
    summary: 'Write everything the shop holds about a person (by email) as the export document (docs/export-schema.json); recorded as an answered access request',
    flags: {
      email: { type: 'string', value: '<email>', description: 'The email address of the person', required: true },
      channel: { type: 'string', value: '<channel>', description: 'How the request came: email (default), phone, post or in-person' },
      out: { type: 'string', value: '<file>', description: 'File to write (0600); default: print it' },
    },
    fieldNames: { email: '--email', channel: '--channel' },
    async run(ctx, args) {
      const deps = await rightsDeps(ctx);
      const actor = systemActor('cli.subject-export');
      const subject = await subjectOf(deps.kernel, ctx.db, args.flags.email, 'cli.subject-export');
      const channel = channelOf(args.flags.channel);
      const { doc, request } = await ctx.db.transaction().execute(async (trx) => {
        const doc = await buildExport(deps, trx, subject, actor);
        const request = await recordDoneRequest(deps, trx, { kind: 'access', subject, source: 'cli', channel, actor }, { sections: doc.sections.length });
        return { doc, request };
      });
      await deps.kernel.flush();
      const json = `${JSON.stringify(doc, null, 1)}\n`;
      if (typeof args.flags.out === 'string') {
        writeFileSync(args.flags.out, json, { mode: 0o600 });
        return {
          data: { request: request.number, written: args.flags.out },
          text: `Request ${request.number}: wrote ${doc.sections.length} sections to ${args.flags.out}. It holds personal data: send it to the person only.`,
        };
      }
      return { data: doc, text: json.trimEnd() };
    },
  },
  {
    path: ['subject', 'erase'],
    summary: 'Delete a person (by email) as the privacy centre does: open orders cancelled and refunded, the processor told to forget, a receipt mailed, then every copy erased',
    flags: {
      email: { type: 'string', value: '<email>', description: 'The email address of the person', required: true },
      channel: { type: 'string', value: '<channel>', description: 'How the request came: email (default), phone, post or in-person' },
      yes: { type: 'boolean', description: 'Confirm: this cannot be undone', required: true },
    },
    fieldNames: { email: '--email', channel: '--channel' },
    async run(ctx, args) {
      const deps = await rightsDeps(ctx);
      const actor = systemActor('cli.subject-erase');
      const subject = await subjectOf(deps.kernel, ctx.db, args.flags.email, 'cli.subject-erase');
      const request = await ctx.db.transaction().execute((trx) => beginDeletion(deps, trx, { subject, actor, source: 'cli', channel: channelOf(args.flags.channel) }));
      const finished = await runJobsUntil(ctx, deps.kernel, async () => (await requestById(ctx.db, request.id)).closed_at !== null, 10 * 60_000);
      await deps.kernel.flush();
      if (!finished) {
        return {
          data: { request: request.number, status: 'in-progress' },
          text: `Request ${request.number}: the account is closed and the deletion is under way, but not finished within 10 minutes (is the payment processor or the mail server down?). It goes on when the shop's worker runs; follow it at /staff/requests/${request.number}.`,
        };
      }
      return {
        data: { request: request.number, status: 'completed' },
        text: `Request ${request.number}: the person is erased. A receipt was mailed to them first; recipients of their data were told (see /staff/dpo/notices for the ones to pass on by hand).`,
      };
    },
  },
  {
    path: ['subject', 'requests'],
    summary: 'List the data-subject requests: open ones by deadline (overdue marked), or --closed for the latest closed',
    flags: { closed: { type: 'boolean', description: 'List the latest closed requests instead' } },
    async run(ctx, args) {
      const now = new Date();
      const rows = await listRequests(ctx.db, { open: args.flags.closed !== true });
      const data = rows.map((r) => ({
        number: r.number,
        kind: r.kind,
        channel: r.channel,
        status: r.status,
        received: new Date(r.received_at).toISOString(),
        due: new Date(r.due_at).toISOString(),
        overdue: isOverdue(r, now),
        outcome: r.outcome,
      }));
      const text = data.length
        ? data.map((r) => `${r.number}  ${kindLabels[r.kind as keyof typeof kindLabels].padEnd(34)} ${r.status.padEnd(11)} due ${r.due.slice(0, 10)}${r.overdue ? '  OVERDUE' : ''}`).join('\n')
        : args.flags.closed
          ? 'No closed request yet.'
          : 'No open request.';
      return { data, text };
    },
  },
  {
    path: ['blind-index', 'rotate'],
    summary: 'Replace the blind-index key now and re-index: no database backup taken until now can confirm any email address any more (the job does this every BLIND_INDEX_ROTATION_DAYS)',
    async run(ctx) {
      const kernel = await startKernel({ db: ctx.db, ...kernelSettings(ctx.config) });
      const run = await kernel.maintainBlindIndexes(ctx.db, { rotationDays: 0, actor: systemActor('cli.blind-index-rotate') });
      await kernel.flush();
      const text =
        run.stillRetiring === null
          ? `Blind-index key ${run.activeVersion} is active; ${run.reindexed} index row(s) re-indexed; destroyed key version(s): ${run.destroyed.join(', ') || 'none'}.`
          : `Blind-index key ${run.activeVersion} is active, but key ${run.stillRetiring} is still in use by rows another process holds; the hourly job destroys it once they are re-indexed.`;
      return { data: run, text };
    },
  },
];
