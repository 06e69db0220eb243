// The renewal job: every 15 minutes, the subscriptions whose period ended (or whose retry is due)
// are charged through the processor port (subscriptions.ts renewDue).
import type { JobContext } from '../platform/jobs/index.ts';
import { jobWiring } from '../platform/jobs/index.ts';
import { processorsFromConfig, type PaymentsDeps } from '../commerce/payments/index.ts';
import { jobKernel } from '../privacy/index.ts';
import { renewDue, type RenewReport } from './subscriptions.ts';

export const RENEW_JOB = 'subscriptions.renew';

export function jobDeps(ctx: Pick<JobContext, 'services'>): PaymentsDeps {
  const config = ctx.services.config;
  if (!config) throw new Error('NO_CONFIG: the subscriptions renewal job needs the settings (services.config)');
  return { kernel: jobKernel(ctx as JobContext), processors: processorsFromConfig(config), publicUrl: config.publicUrl, listeners: jobWiring(ctx).listeners };
}

export async function runRenewals(ctx: JobContext, asOf = new Date()): Promise<RenewReport> {
  return renewDue(jobDeps(ctx), ctx.db, { asOf, log: ctx.log });
}
