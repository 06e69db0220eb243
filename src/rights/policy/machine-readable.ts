// The policy for machines (P000-19): the data map the policy is generated from, as a fideslang
// document (YAML, and the same document as JSON at a stable URL), and the Global Privacy Control support resource of the GPC specification
// (`/.well-known/gpc.json`: `gpc` true, `lastUpdate` the day the policy stating it took effect).
import type { FastifyPluginAsync } from 'fastify';
import { fidesDocument, fidesYaml } from '../../privacy/index.ts';
import { policyEdition } from './edition.ts';

export const FIDES_POLICY_PATH = '/privacy/datamap.fides.yml';
export const GPC_RESOURCE_PATH = '/.well-known/gpc.json';
export const FIDES_JSON_PATH = '/privacy/datamap.json';

const gpcResponse = {
  type: 'object',
  required: ['gpc'],
  additionalProperties: false,
  properties: { gpc: { type: 'boolean' }, lastUpdate: { type: 'string', format: 'date' } },
} as const;

export const machineReadableRoutes: FastifyPluginAsync = async (app) => {
  const map = app.privacy.map;
  const fides = fidesYaml(map);
  // Worked out once, sent as text: the document is the YAML's, key for key, never reshaped by a response serializer.
  const fidesJson = JSON.stringify(fidesDocument(map));

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

  app.get(
    FIDES_JSON_PATH,
    {
      schema: {
        tags: ['privacy'],
        summary: 'The data map the privacy policy is generated from, as a fideslang document (JSON; the same as /privacy/datamap.fides.yml)',
        response: {
          200: {
            description:
              'A fideslang document: the shop as one system with a privacy declaration per use of data, its dataset, and the data_category, data_subject and data_use keys it adds to the taxonomy.',
            type: 'object',
            additionalProperties: true,
          },
        },
      },
    },
    async (_request, reply) => reply.type('application/json; charset=utf-8').header('content-disposition', 'inline; filename="datamap.json"').send(fidesJson),
  );
};
