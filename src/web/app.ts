// Builds the web application: security defaults, error mapping, static assets, health checks,
// OpenAPI, and each module's routes as one encapsulated plugin.
import { answerClientError } from './client-errors.ts';
import { timingSafeEqual, createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import { sql } from 'kysely';
import type { Config } from '../platform/config.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { Module, RequestCounter, Wiring } from '../platform/module.ts';
import { answerFrameworkError, registerErrorHandling, registerNotFoundHandler, urlTooLong } from './error-handler.ts';
import { parseQuery } from './query-parser.ts';
import { installUtf8Bodies, installUtf8MultipartFields } from './body-encoding.ts';
import { readUpload } from './upload.ts';
import { buildSerializer } from './serialization.ts';
import { installValidation } from './validation.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { multipartForms } from './multipart.ts';
import { collectRoutes } from './route-table.ts';
import { HSTS, httpsOptions, reachedOverHttps } from './tls.ts';
import { counterStore } from './rate-limit-store.ts';
import './fastify-types.ts';

export interface AppOptions {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  modules: readonly Module[];
  /** What the composition root collected from `modules` (listeners, mail templates): `app.wiring`. */
  wiring: Wiring;
  staffApiToken: string;
}

const staticRoot = fileURLToPath(new URL('./static/', import.meta.url));

export const contentSecurityPolicy = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
    manifestSrc: ["'self'"],
  },
};

const MAX_URL_LENGTH = 8 * 1024;

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\b/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, database, logger } = options;
  const https = httpsOptions(config);
  // With TLS_CERT_PATH the shop serves HTTPS itself (TLS 1.2 or newer); the instance's type stays the plain one.
  const app = (Fastify as (options: object) => FastifyInstance)({
    ...(https ? { https } : {}),
    loggerInstance: logger as FastifyBaseLogger,
    // We log one line per request ourselves, without the query string (it may hold personal data).
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    // Request ids are Fastify's own counter, never a client's header (logger.ts logs them unscrubbed).
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    // A URL that cannot be decoded gets our error answer (without the URL echoed back), not Fastify's.
    frameworkErrors: answerFrameworkError,
    // A request Node's parser refuses (a 1 MB request line, say) gets our JSON error too.
    clientErrorHandler: answerClientError,
    routerOptions: { querystringParser: parseQuery },
    schemaController: { compilersFactory: { buildSerializer } },
  });

  app.decorate('config', config);
  app.decorate('database', database);
  app.decorate('db', database.db);
  app.decorate('wiring', options.wiring);
  const expectedToken = digest(options.staffApiToken);
  app.decorate('requireStaff', async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token || !timingSafeEqual(digest(token), expectedToken)) {
      throw new AppError('UNAUTHENTICATED', 'A valid staff API token is required (Authorization: Bearer …).');
    }
  });

  // Multipart forms (image uploads) are read whole before any check, so the text check and the
  // CSRF hook see their fields as they see a urlencoded form's. No route takes a file unless it
  // says so (`config.multipartOptions`); the file arrives as { data, truncated } (upload.ts).
  await app.register(multipartForms, {
    attachFieldsToBody: 'keyValues',
    onFile: readUpload,
    throwFileSizeLimit: false,
    limits: { files: 0, fields: 20, fieldSize: 64 * 1024, parts: 21, fileSize: 0 },
    // Fields byte for byte, so body-encoding.ts can refuse the ones that are not UTF-8.
    defCharset: 'latin1',
  } as Parameters<typeof multipartForms>[1]);
  installUtf8MultipartFields(app);
  installUtf8Bodies(app, 64 * 1024);

  app.decorate('flashMessages', new Map<string, string>());
  app.decorateRequest('shopHeader', null);

  installValidation(app);
  registerErrorHandling(app);
  collectRoutes(app);

  // A response sent while shutting down closes its keep-alive connection; otherwise the server
  // would wait for the client's keep-alive timeout before it could close (SIGTERM, SHUTDOWN_GRACE_MS).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // The hooks every request passes through are synchronous (done callbacks): an async hook costs
  // a promise and a trip through the microtask queue per request even when it has nothing to do.
  // JSON answers may carry personal data (an account, an order, a staff view): no cache, shared or
  // private, may keep them. A route that means to be cached says so with its own header.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    if (!reply.hasHeader('cache-control') && JSON_TYPE.test(String(reply.getHeader('content-type') ?? ''))) reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  // Node's HTTP server refuses a request line over 16 KB, but not every way into the app does
  // (a proxy, app.inject): an address longer than any the shop makes is refused, not searched for.
  app.addHook('onRequest', (request, _reply, done) => {
    done(request.url.length > MAX_URL_LENGTH ? urlTooLong() : undefined);
  });

  app.addHook('onResponse', (request, reply, done) => {
    if (logger.isLevelEnabled('info')) {
      request.log.info({ method: request.method, route: request.routeOptions.url ?? '(no route)', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
    done();
  });

  installSecurityHeaders(app, {
    contentSecurityPolicy,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
    // HSTS only where browsers reach the shop over HTTPS: sent over plain HTTP it means nothing, and a
    // shop on http://localhost must not pin the name to HTTPS (decision 0062).
    strictTransportSecurity: reachedOverHttps(config) ? HSTS : false,
  });
  // Any cookie we set is opaque, Secure, HttpOnly and SameSite unless a caller says otherwise.
  await app.register(cookie, { parseOptions: { httpOnly: true, secure: true, sameSite: 'lax', path: '/' } });
  if (config.rateLimitPerMinute > 0) {
    // Counted in the database when a module provides the counter (the shop's do, on PostgreSQL), so
    // the limit holds across every process of the shop; otherwise per process (decision 0066).
    // A count that fails (the database away for a moment) lets the request through, logged at most
    // once a minute: /healthz must not fail for it, and a request that needs the database fails anyway.
    let counter: RequestCounter | null = null;
    for (const module of options.modules) {
      counter = module.requestCounter?.(app) ?? null;
      if (counter) break;
    }
    await app.register(rateLimit, {
      ...(counter
        ? {
            store: counterStore(counter, (err) => logger.warn({ error: { type: err.name, code: (err as { code?: unknown }).code } }, 'rate limit: a request could not be counted and was let through')),
            skipOnError: true,
          }
        : {}),
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      onExceeded: (request) => request.log.warn({ route: request.routeOptions.url }, 'rate limit exceeded'),
      errorResponseBuilder: () => new AppError('RATE_LIMITED'),
    });
    // The plugin adds its check to each route AFTER the route's own onRequest hooks, so a route
    // that authenticates there (the catalogue's staff API) would answer 401s for free. A root hook
    // runs before every route's own; the plugin counts a request once (decision 0029).
    app.addHook('onRequest', app.rateLimit());
  }
  registerNotFoundHandler(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Custodian API', version: '0.1.0', description: 'Staff and storefront JSON API.' },
      components: {
        securitySchemes: {
          staffToken: {
            type: 'http',
            scheme: 'bearer',
            description:
              "Catalogue routes: the shop's shared token (STAFF_API_TOKEN). Every other staff route: a staff member's personal API token (cst_…, made at /staff/api-tokens), which acts as that member in the token's role.",
          },
        },
      },
    },
  });
  await app.register(fastifyStatic, { root: staticRoot, prefix: '/static/', maxAge: '1h', index: false });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(database.db);
      return { status: 'ready', database: database.engine };
    } catch {
      return reply.code(503).send({ error: { code: 'NOT_READY', message: 'The database is not reachable.', fields: [] } });
    }
  });

  for (const module of options.modules) {
    if (module.routes) await app.register(module.routes);
  }

  return app;
}
