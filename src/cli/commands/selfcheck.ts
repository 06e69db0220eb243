// `custodian selfcheck`: the security self-check from a terminal (P000-17). The pages are asked over
// HTTP at PUBLIC_URL when the shop answers there, else of the shop built in this process. Findings
// print grouped by severity; exit code 1 when any is high. Nothing is stored: the scheduled job
// security.selfcheck keeps the runs the staff page shows.
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../platform/logger.ts';
import { resolveStaffToken } from '../../platform/staff-token.ts';
import { type PrivacyKernel, kernelSettings, startKernel } from '../../privacy/index.ts';
import { answers, countsOf, type Finding, httpFetcher, injectFetcher, npmAudit, pagesOnce, runChecks, SEVERITIES } from '../../security/index.ts';
import { buildApp } from '../../web/app.ts';
import { modules } from '../../modules.ts';
import type { CliCommand } from '../command.ts';
import { EXIT_FAILED } from '../run.ts';

function report(findings: readonly Finding[], via: string): string {
  const counts = countsOf(findings);
  const lines = [`Security self-check (pages asked ${via}): ${counts.high} high, ${counts.medium} medium, ${counts.low} low, ${counts.info} info.`];
  for (const severity of SEVERITIES) {
    const of = findings.filter((f) => f.severity === severity);
    if (!of.length) continue;
    lines.push('', `${severity.toUpperCase()} (${of.length})`);
    for (const f of of) lines.push(`- [${f.check}] ${f.title}`, `    ${f.detail}`, `    Fix: ${f.fix}`);
  }
  if (!findings.length) lines.push('No findings: every check passed.');
  return lines.join('\n');
}

export const selfcheckCommands: CliCommand[] = [
  {
    path: ['selfcheck'],
    summary: 'Run the security self-check (headers, cookies, TLS, secrets, keyring, staff second factors, audit chain, overdue jobs, dependency audit); exit 1 on a high finding',
    flags: { offline: { type: 'boolean', description: 'Skip the dependency audit (the npm registry is not asked)' } },
    async run(ctx, args) {
      const config = ctx.config;
      let app: FastifyInstance | null = null;
      const held: { kernel: PrivacyKernel | null } = { kernel: null };
      let via = 'over HTTP at PUBLIC_URL';
      let fetcher = null;
      if (await answers(config.publicUrl)) fetcher = httpFetcher(config.publicUrl);
      else {
        via = 'of the shop built in this process';
        try {
          const built = await buildApp({ config, database: ctx.database, logger: createLogger('silent'), modules, wiring: ctx.wiring, staffApiToken: resolveStaffToken(config) });
          app = built;
          await built.ready();
          fetcher = injectFetcher((request) => built.inject(request));
        } catch {
          // The checks say why (a keyring it refuses, say); the header and cookie checks report "no shop to ask".
          via = 'of no shop: none answered and none could be built here';
        }
      }
      try {
        const findings = await runChecks({
          config,
          db: ctx.db,
          now: new Date(),
          kernel: async () => {
            if (app) return app.privacy;
            held.kernel ??= await startKernel({ db: ctx.db, ...kernelSettings(config) });
            return held.kernel;
          },
          pages: pagesOnce(fetcher, via.startsWith('over') ? 'http' : 'in-process'),
          audit: args.flags.offline ? null : npmAudit,
        });
        const counts = countsOf(findings);
        return { data: { counts, findings }, text: report(findings, via), ...(counts.high ? { exitCode: EXIT_FAILED } : {}) };
      } finally {
        if (held.kernel) {
          await held.kernel.flush();
          await held.kernel.close();
        }
        if (app) {
          await app.privacy?.flush();
          await app.close();
        }
      }
    },
  },
];
