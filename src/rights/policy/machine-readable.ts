// The policy for machines (P000-19): the data map the policy is generated from, as a fideslang
// document, and the Global Privacy Control support resource of the GPC specification
// (`/.well-known/gpc.json`: `gpc` true, `lastUpdate` the day the policy stating it took effect).
import type { FastifyPluginAsync } from 'fastify';
import { fidesYaml } from '../../privacy/index.ts';
import { policyEdition } from './edition.ts';

export const FIDES_POLICY_PATH = '/privacy/datamap.fides.yml';
export const GPC_RESOURCE_PATH = '/.well-known/gpc.json';

const gpcResponse = {
  type: 'object',
  required: ['gpc'],
  additionalProperties: false,
  properties: { gpc: { type: 'boolean' }, lastUpdate: { type: 'string', format: 'date' } },
} as const;

export const machineReadableRoutes: FastifyPluginAsync = async (app) => {
  const map = app.privacy.map;
  const fides = fidesYaml(map);

  app.get(
    GPC_RESOURCE_PATH,
    { schema: { tags: ['privacy'], summary: 'Global Privacy Control support resource: this shop honours Sec-GPC (and DNT) from signed-in customers', response: { 200: gpcResponse } } },
    async (_request, reply) => {
      const edition = policyEdition(map, new Date());
      return reply.type('application/json').send({ gpc: true, ...(edition ? { lastUpdate: edition.current.effective.toISOString().slice(0, 10) } : {}) });
    },
  );

  app.get(FIDES_POLICY_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/yaml; charset=utf-8').header('content-disposition', 'inline; filename="datamap.fides.yml"').send(fides),
  );
};
