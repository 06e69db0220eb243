// The staff page of the self-check (owners and privacy officers): the latest run's findings with
// how to fix each, the run history, and "Run the check now", which queues the job.
import type { FastifyPluginAsync } from 'fastify';
import { enqueue } from '../platform/jobs/index.ts';
import { emptyBody } from '../web/form-handling.ts';
import { sendPage } from '../web/page.ts';
import { securityPage } from './pages.ts';
import { latestRun, runHistory, SECURITY_ROLES, SELFCHECK_JOB } from './run.ts';

export const securityRoutes: FastifyPluginAsync = async (app) => {
  const { accounts } = app;
  const view = async (csrf: string, notice?: string) => ({ latest: await latestRun(app.db), history: await runHistory(app.db), csrf, ...(notice ? { notice } : {}) });

  app.get('/staff/security', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: SECURITY_ROLES });
    if (!session) return reply;
    return sendPage(request, reply, securityPage(await view(accounts.formToken(request, reply))));
  });

  app.post('/staff/security/run', { schema: { hide: true, body: emptyBody } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply, { roles: SECURITY_ROLES });
    if (!session) return reply;
    const queued = await enqueue(app.db, SELFCHECK_JOB, { trigger: 'staff' }, { uniqueKey: `${SELFCHECK_JOB}:staff`, maxAttempts: 3 });
    const notice = queued === null ? 'A run asked for earlier is still waiting or running: reload this page in a minute.' : 'The check is queued: reload this page in a minute to see its findings.';
    return sendPage(request, reply, securityPage(await view(accounts.formToken(request, reply), notice)));
  });
};
