// Serves images at stable URLs. A URL names one immutable file (a new upload gets a new id), so
// browsers and proxies may keep it for a year without asking again.
import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../platform/errors.ts';
import { mediaStorage } from './images.ts';

const fileParams = {
  type: 'object',
  required: ['file'],
  properties: { file: { type: 'string', maxLength: 60 } },
} as const;

const FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([1-9][0-9]{1,3})\.webp$/;

export const mediaRoutes: FastifyPluginAsync = async (app) => {
  const storage = mediaStorage(app.config);
  app.get<{ Params: { file: string } }>('/media/:file', { schema: { hide: true, params: fileParams } }, async (request, reply) => {
    const match = FILE.exec(request.params.file);
    const data = match ? await storage.get(`${match[1]}/${match[2]}.webp`) : null;
    if (!data) throw notFound('This image');
    return reply.type('image/webp').header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').send(data);
  });
};
