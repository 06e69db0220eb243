// The owner's page of backups: whether scheduled backups are on, the last good one, any failure since.
import type { FastifyPluginAsync } from 'fastify';
import type { StaffRole } from '../privacy/index.ts';
import { sendPage } from '../web/page.ts';
import { backupsPage } from './pages.ts';
import { lastGoodRun, recentRuns } from './runs.ts';

const ROLES: readonly StaffRole[] = ['owner'];

export const backupsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/staff/backups', { schema: { hide: true } }, async (request, reply) => {
    const session = await app.accounts.staffPage(request, reply, { roles: ROLES });
    if (!session) return reply;
    const { backups, rights } = app.config;
    return sendPage(
      request,
      reply,
      backupsPage({
        dir: backups.dir,
        intervalHours: backups.intervalHours,
        retentionDays: rights.backupRetentionDays,
        copies: backups.copyCommand !== null,
        lastGood: await lastGoodRun(app.db),
        runs: await recentRuns(app.db),
      }),
    );
  });
};
