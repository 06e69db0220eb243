// The one place errors become HTTP answers. Known errors keep their stable code and name the
// offending field; anything unexpected becomes a 500 with an incident id and no internals, and is
// logged (through the redacting logger) under that id.
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorCatalogue, type ErrorCode, type FieldProblem } from '../platform/errors.ts';
import { layout } from './layout.ts';
import { audienceOfPath } from './nav.ts';
import { html } from './template.ts';

interface ValidationItem {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function fieldOf(context: string | undefined, item: ValidationItem): string {
  const path = item.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra = (item.params.missingProperty as string | undefined) ?? (item.params.additionalProperty as string | undefined);
  return [context ?? 'body', path, extra].filter((p) => p !== undefined && p !== '').join('.');
}

function describe(item: ValidationItem): string {
  const p = item.params;
  switch (item.keyword) {
    case 'additionalProperties':
      return 'is not an accepted field';
    case 'required':
      return 'is required';
    case 'pattern':
      return 'is not in the accepted format';
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters`;
    case 'minLength':
      return Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters`;
    case 'type':
      return `must be ${String(p.type)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
    default:
      return item.message ?? 'is not valid';
  }
}

const codeForStatus = new Map<number, ErrorCode>();
for (const [code, { status }] of Object.entries(errorCatalogue)) if (!codeForStatus.has(status)) codeForStatus.set(status, code as ErrorCode);

export const urlTooLong = (): AppError => new AppError('URL_TOO_LONG', 'url: is too long', [{ field: 'url', message: 'is too long' }]);

export function toAppError(err: FastifyError & { validation?: ValidationItem[]; validationContext?: string }): AppError | null {
  if (err instanceof AppError) return err;
  if (err.validation) {
    const fields: FieldProblem[] = err.validation.map((item) => ({
      field: fieldOf(err.validationContext, item),
      message: describe(item),
    }));
    return new AppError('VALIDATION_FAILED', fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('BAD_JSON', 'body: is not valid JSON', [{ field: 'body', message: 'is not valid JSON' }]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE');
  }
  if (err instanceof SyntaxError && err.statusCode === 400) {
    return new AppError('BAD_JSON', 'body: is not valid JSON', [{ field: 'body', message: 'is not valid JSON' }]);
  }
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return urlTooLong();
  if (err.code === 'FST_ERR_BAD_URL') {
    return new AppError('VALIDATION_FAILED', 'url: is not a valid address', [{ field: 'url', message: 'is not a valid address' }]);
  }
  // Plugins (static files, rate limit) throw plain HTTP errors; a client error stays one, with our
  // code and message rather than theirs.
  const status = err.statusCode ?? 0;
  const code = status >= 400 && status < 500 ? codeForStatus.get(status) : undefined;
  return code ? new AppError(code) : null;
}

export function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

function errorPage(request: FastifyRequest, reply: FastifyReply, status: number, title: string, detail: string) {
  const shopName = request.server.config.shopName;
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      layout({
        shopName,
        title,
        audience: audienceOfPath(request.url.split('?')[0]!),
        header: request.shopHeader ?? undefined,
        body: html`<section class="error-page"><h1>${title}</h1><p>${detail}</p><p><a href="/">Back to the shop</a></p></section>`,
        brand: request.server.brandLook?.(),
        siteNotices: request.server.siteNotices?.(),
      }).value,
    );
}

/**
 * For errors Fastify meets before routing (a URL that cannot be decoded): no hooks run for these,
 * so the answer is always JSON and carries the essential security headers itself.
 */
export function answerFrameworkError(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = toAppError(err) ?? new AppError('VALIDATION_FAILED');
  void reply
    .code(known.status)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
    .send({ error: { code: known.code, message: known.message, fields: known.fields } });
}

/** Unexpected errors logged with their stack per address and minute; past it, one short line each. */
export const STACKS_PER_ADDRESS_MINUTE = 5;

/**
 * Whether this address may still have an unexpected error logged in full this minute. A client
 * that can cause 500s must not be able to flood the log with stack traces.
 */
function stackBudget(now: () => number = Date.now): (address: string) => boolean {
  const seen = new Map<string, { since: number; count: number }>();
  return (address) => {
    const at = now();
    let entry = seen.get(address);
    if (!entry || at - entry.since >= 60_000) {
      if (seen.size >= 10_000) seen.clear();
      entry = { since: at, count: 0 };
      seen.set(address, entry);
    }
    entry.count++;
    return entry.count <= STACKS_PER_ADDRESS_MINUTE;
  };
}

export function registerErrorHandling(app: FastifyInstance): void {
  const fullLog = stackBudget();
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = toAppError(err);
    if (known) {
      if (known.status >= 500) request.log.error({ err }, 'request failed');
      if (wantsHtml(request)) return errorPage(request, reply, known.status, known.status === 404 ? 'Not found' : 'We could not do that', known.message);
      return reply.code(known.status).send({ error: { code: known.code, message: known.message, fields: known.fields } });
    }
    const incident = randomUUID();
    if (fullLog(request.ip)) request.log.error({ err, incident }, 'unexpected error');
    else request.log.warn({ incident, error: err.code ?? err.name }, 'unexpected error, again from this address (no stack logged)');
    if (wantsHtml(request)) {
      return errorPage(request, reply, 500, 'Something went wrong', `Our team has been told. Incident ${incident}.`);
    }
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'Something went wrong on our side.', incident } });
  });
}

/** Unknown paths get the same answers as other errors; they count against the rate limit too. */
export function registerNotFoundHandler(app: FastifyInstance): void {
  const rateLimited = typeof app.rateLimit === 'function';
  app.setNotFoundHandler(rateLimited ? { preHandler: app.rateLimit() } : {}, (request, reply) => {
    const err = new AppError('ROUTE_NOT_FOUND');
    if (wantsHtml(request)) return errorPage(request, reply, 404, 'Not found', 'There is no such page here.');
    return reply.code(404).send({ error: { code: err.code, message: err.message, fields: [] } });
  });
}
