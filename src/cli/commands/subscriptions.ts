// `custodian subscriptions renew [--as-of <date>]`: runs the renewal job's work once, now or as of
// a date (demo and support: "bill month two" without waiting a month). It talks to the processor
// the shop uses: the running sandbox when it answers, else a bundled one started for the run.
import { validationError } from '../../platform/errors.ts';
import { createLogger } from '../../platform/logger.ts';
import { processorsFromConfig, sandboxUrl } from '../../commerce/payments/index.ts';
import { kernelSettings, startKernel } from '../../privacy/index.ts';
import { needsBundledSandbox, startBundledSandbox } from '../../sandbox-processor/index.ts';
import { renewDue } from '../../subscriptions/index.ts';
import type { CliCommand } from '../command.ts';
import { text } from '../flags.ts';
import { details } from '../output.ts';

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

export const subscriptionsCommands: CliCommand[] = [
  {
    path: ['subscriptions', 'renew'],
    summary: 'Charge the subscriptions whose period ended (as of now or --as-of), as the renewal job does',
    flags: { 'as-of': { type: 'string', value: '<date>', description: 'Renew as of this day or time (ISO 8601, e.g. 2027-01-07); default now' } },
    fieldNames: { 'as-of': '--as-of' },
    async run(ctx, args) {
      const raw = text(args, 'as-of');
      const asOf = raw === undefined ? new Date() : new Date(raw);
      if (Number.isNaN(asOf.getTime()) || (raw !== undefined && !/^\d{4}-\d{2}-\d{2}/.test(raw))) throw validationError('as-of', 'must be a date such as 2027-01-07');
      let config = ctx.config;
      const bundled = needsBundledSandbox(config) && !(await answers(sandboxUrl(config))) ? await startBundledSandbox(config, createLogger('warn')) : null;
      if (bundled) config = { ...config, payments: { ...config.payments, sandboxUrl: bundled.url } };
      try {
        const kernel = await startKernel({ db: ctx.db, ...kernelSettings(config) });
        const report = await renewDue({ kernel, processors: processorsFromConfig(config), publicUrl: config.publicUrl, listeners: ctx.wiring.listeners }, ctx.db, { asOf, log: createLogger('warn') });
        await kernel.flush();
        return { data: { asOf: asOf.toISOString(), ...report }, text: details([['As of', asOf.toISOString()], ...Object.entries(report).map(([k, v]) => [k, String(v)] as [string, string])]) };
      } finally {
        await bundled?.stop();
      }
    },
  },
];
