// The rights module: what a person can see, take, correct and end of their data (the published
// policy, the privacy centre, export, correction, deactivation, deletion), the requests the privacy
// officer tracks, and the erasure flow that reaches every module's copy through the holders the
// composition root hands it (src/privacy/holders.ts).
import type { Logger } from '../platform/logger.ts';
import { type JobContext, enqueue, jobWiring } from '../platform/jobs/index.ts';
import type { Module } from '../platform/module.ts';
import { type NamedHolder, jobKernel } from '../privacy/index.ts';
import type { RightsDeps } from './deps.ts';
import { continueDeletion, ERASE_JOB, RECHECK_MS } from './erasure.ts';
import { checkDeadlines, DEADLINES_JOB } from './deadlines.ts';
import { NEW_USES_JOB, sendNewUseNotices } from './new-uses.ts';
import { rightsHolder } from './holder.ts';
import { rightsTemplates } from './mail.ts';
import { complaintTemplates } from './complaints/mail.ts';
import { rightsMigrations } from './migrations.ts';
import { rightsRoutes } from './routes.ts';

export interface RightsModuleOptions {
  /** Every module's personal-data holder, in module order (the kernel's first). */
  holders: () => readonly NamedHolder[];
}

export function jobDeps(ctx: JobContext, holders: () => readonly NamedHolder[]): RightsDeps {
  const config = ctx.services.config;
  if (!config) throw new Error('NO_CONFIG: the rights jobs need the settings (services.config)');
  return { kernel: jobKernel(ctx), config, holders, now: () => new Date(), log: ctx.log as Logger, wiring: jobWiring(ctx) };
}

export function makeRightsModule(options: RightsModuleOptions): Module {
  return {
    name: 'rights',
    migrations: rightsMigrations,
    routes: rightsRoutes(options),
    personalData: rightsHolder,
    mailTemplates: [...rightsTemplates, ...complaintTemplates],
    jobs: {
      [ERASE_JOB]: async (payload, ctx) => {
        const requestId = String(payload.requestId ?? '');
        const progress = await continueDeletion(jobDeps(ctx, options.holders), ctx.db, requestId);
        // Waiting for mail to the person to go out: look again shortly (a new job; this one is done).
        if (progress === 'waiting') await enqueue(ctx.db, ERASE_JOB, { requestId }, { runAt: new Date(Date.now() + RECHECK_MS), maxAttempts: 20 });
      },
      [DEADLINES_JOB]: async (_payload, ctx) => {
        const done = await checkDeadlines(jobDeps(ctx, options.holders), ctx.db);
        if (done.reminded || done.overdue) ctx.log.info(done, 'data-subject request deadlines: staff reminded or alerted');
      },
      [NEW_USES_JOB]: async (_payload, ctx) => {
        const deps = jobDeps(ctx, options.holders);
        const told = await sendNewUseNotices({ kernel: deps.kernel, publicUrl: deps.config.publicUrl }, ctx.db);
        if (told) ctx.log.info({ told }, 'new uses of data already held: people told');
      },
    },
    schedules: [
      { name: DEADLINES_JOB, job: DEADLINES_JOB, everySeconds: 3600 },
      { name: NEW_USES_JOB, job: NEW_USES_JOB, everySeconds: 3600 },
    ],
  };
}
