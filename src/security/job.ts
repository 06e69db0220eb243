// The job security.selfcheck: scheduled hourly, it runs the checks when SELFCHECK_INTERVAL_HOURS
// have passed since the last scheduled run (at once when staff ask), stores the run and mails
// owners and privacy officers its new high and medium findings. The web process hands its worker
// the app's in-process request (services.selfcheck.inject); a separate worker asks PUBLIC_URL.
import type { JobHandlers } from '../platform/jobs/index.ts';
import { jobKernel } from '../privacy/index.ts';
import { npmAudit } from './checks/dependencies.ts';
import type { AuditRunner, Injector } from './findings.ts';
import { answers, httpFetcher, injectFetcher } from './shop-pages.ts';
import { lastScheduledRun, mailNewFindings, pagesOnce, recordRun, runChecks } from './run.ts';

export interface SelfcheckServices {
  /** The app's in-process request (`app.inject`) of the process running the worker. */
  inject?: Injector;
  /** The dependency audit (default: npm audit); tests give a stub, null skips it. */
  audit?: AuditRunner | null;
}

declare module '../platform/jobs/types.ts' {
  interface JobServices {
    selfcheck?: SelfcheckServices;
  }
}

const EARLY_MS = 5 * 60_000;

export const selfcheckJob: JobHandlers[string] = async (payload, ctx) => {
  const config = ctx.services.config;
  if (!config) throw new Error('NO_CONFIG: the security self-check needs the settings (services.config)');
  const kernel = jobKernel(ctx);
  const trigger = payload.trigger === 'staff' ? 'staff' : 'schedule';
  const startedAt = new Date();
  if (trigger === 'schedule') {
    const last = await lastScheduledRun(ctx.db);
    if (last && startedAt.getTime() - last.getTime() < config.selfcheckIntervalHours * 3_600_000 - EARLY_MS) return;
  }
  const services = ctx.services.selfcheck ?? {};
  const fetcher = services.inject ? injectFetcher(services.inject) : (await answers(config.publicUrl)) ? httpFetcher(config.publicUrl) : null;
  const findings = await runChecks({
    config,
    db: ctx.db,
    now: startedAt,
    kernel: async () => kernel,
    pages: pagesOnce(fetcher, services.inject ? 'in-process' : 'http'),
    audit: services.audit === undefined ? npmAudit : services.audit,
  });
  const { run, mailed } = await ctx.db.transaction().execute(async (trx) => {
    const { run, fresh } = await recordRun(trx, { trigger, startedAt, finishedAt: new Date(), findings });
    return { run, mailed: await mailNewFindings(trx, run, fresh, config.publicUrl) };
  });
  ctx.log.info({ high: run.high, medium: run.medium, low: run.low, info: run.info, new: run.new_findings, mailed }, 'security self-check done');
};
