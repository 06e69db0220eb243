// The complaint channel's pages and API: the public form and its JSON twin, and the privacy
// officer's case pages.
import type { FastifyInstance } from 'fastify';
import type { RightsDeps } from '../deps.ts';
import { complaintConsoleRoutes } from './console-routes.ts';
import { complaintPublicRoutes } from './public-routes.ts';

export async function complaintRoutes(app: FastifyInstance, deps: RightsDeps): Promise<void> {
  await complaintPublicRoutes(app, deps);
  await complaintConsoleRoutes(app, deps);
}
