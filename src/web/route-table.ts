// Every route the app registers, with its schema, kept as the routes are added. The fuzz test walks
// it (forms are hidden from the OpenAPI document, so the document alone would miss them).
import type { FastifyInstance, FastifySchema } from 'fastify';

export interface RouteEntry {
  method: string;
  url: string;
  schema: (FastifySchema & { hide?: boolean }) | undefined;
}

export function collectRoutes(app: FastifyInstance): void {
  const routes: RouteEntry[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, schema: route.schema as RouteEntry['schema'] });
  });
}
