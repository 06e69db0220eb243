// Every route the app registers, with its schema, kept as the routes are added. The fuzz test walks
// it (forms are hidden from the OpenAPI document, so the document alone would miss them), and
// src/web/http-edges.test.ts its forms that take a file.
import type { FastifyInstance, FastifySchema } from 'fastify';

export interface RouteEntry {
  method: string;
  url: string;
  schema: (FastifySchema & { hide?: boolean }) | undefined;
  /** The route takes an uploaded file (a multipart form: `config.multipartOptions` allows files). */
  takesFile: boolean;
}

export function collectRoutes(app: FastifyInstance): void {
  const routes: RouteEntry[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => {
    const files = (route.config as { multipartOptions?: { limits?: { files?: number } } } | undefined)?.multipartOptions?.limits?.files ?? 0;
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, schema: route.schema as RouteEntry['schema'], takesFile: files > 0 });
  });
}
