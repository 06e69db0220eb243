// The privacy officer's two overview pages (P000-16), for the DPO and owners: the promise report
// (/staff/dpo/report) with live figures and the audit chain verified against its anchor, and the
// data map (/staff/dpo/datamap), and what the retention engine purges (/staff/dpo/retention,
// decision 0065). The catalogue is read once, at start: a broken one stops it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { anchorPathFor, retentionRuns, verifyAuditLog } from '../../privacy/index.ts';
import { sendPage } from '../../web/page.ts';
import { dataMapPage } from '../datamap-page/page.ts';
import { retentionPage } from '../retention-page/page.ts';
import type { RightsDeps } from '../deps.ts';
import { loadCatalogue } from './catalogue.ts';
import { evidenceKeyProblem } from './evidence-keys.ts';
import { reportPage } from './page.ts';
import { requestCounts } from './request-counts.ts';

export async function officerPageRoutes(app: FastifyInstance, deps: RightsDeps): Promise<void> {
  const { map, region } = deps.kernel;
  const catalogue = loadCatalogue((key) => evidenceKeyProblem(key, map));
  const anchorPath = anchorPathFor(deps.config.keyringPath);
  const officer = (request: FastifyRequest, reply: FastifyReply) => app.accounts.staffPage(request, reply, { roles: ['dpo', 'owner'] });

  app.get('/staff/dpo/report', { schema: { hide: true } }, async (request, reply) => {
    const session = await officer(request, reply);
    if (!session) return reply;
    const now = deps.now();
    const privacy = await deps.kernel.evidence(app.db, session.actor);
    const figures = { privacy, requests: await requestCounts(app.db, now), map, region };
    const chain = await verifyAuditLog(app.db, now, { anchorPath });
    return sendPage(request, reply, reportPage({ organization: map.organization.legalName, generatedAt: now, catalogue, figures, chain }));
  });

  app.get('/staff/dpo/datamap', { schema: { hide: true } }, async (request, reply) => {
    const session = await officer(request, reply);
    return session ? sendPage(request, reply, dataMapPage(map, region)) : reply;
  });

  app.get('/staff/dpo/retention', { schema: { hide: true } }, async (request, reply) => {
    const session = await officer(request, reply);
    return session ? sendPage(request, reply, retentionPage(map, app.wiring.retention ?? [], await retentionRuns(app.db, 20))) : reply;
  });
}
