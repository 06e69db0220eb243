// The console's API token pages (decision 0026): a signed-in staff member lists, makes (with a
// freshly entered second-factor code) and revokes their own personal API tokens.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkFields, validationError } from '../../platform/errors.ts';
import { sendPage } from '../../web/page.ts';
import { CONFIRM_FIELD, isConfirmed } from '../../web/confirm.ts';
import { redirectWithFlash, registerFlashes } from '../../web/flash.ts';
import { formRoute, formValues, textForm, textOf, validationProblem, withFieldChecks } from '../../web/form-handling.ts';
import { pageQuery } from '../../web/pagination.ts';
import { createApiToken, listApiTokens, revokeApiToken, rolesWithin, tokenFieldChecks } from '../api-tokens.ts';
import { apiTokensPage, confirmRevokePage } from '../pages/api-tokens.ts';
import { checkSecondFactor } from '../second-factor.ts';
import type { ActiveSession } from '../sessions.ts';

const tokenBody = {
  type: 'object',
  additionalProperties: false,
  required: ['role', 'days', 'code'],
  properties: { role: { type: 'string', maxLength: 40 }, days: { type: 'string', pattern: '^[0-9]{1,2}$' }, code: { type: 'string', minLength: 1, maxLength: 20 } },
} as const;
const TOKENS_PER_PAGE = 20;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;

export async function apiTokenRoutes(app: FastifyInstance): Promise<void> {
  const { accounts } = app;
  const deps = accounts.deps;
  registerFlashes(app, { 'accounts.token-revoked': 'Revoked: the token no longer works.', 'accounts.token-not-revoked': 'That token was already revoked or is not yours.' });

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: ActiveSession,
    extra: { made?: string; errors?: Record<string, string>; keep?: boolean; page?: number } = {},
    status = 200,
  ) => {
    const tokens = await listApiTokens(app.db, session.user, { page: extra.page ?? 1, perPage: TOKENS_PER_PAGE });
    const values = extra.keep ? formValues(request.body, ['role', 'days']) : { days: '30' };
    const state = { csrf: accounts.formToken(request, reply), values, ...(extra.errors ? { errors: extra.errors } : {}) };
    const page = apiTokensPage({
      tokens,
      roles: rolesWithin(deps.kernel.map, session.user.role!),
      state,
      now: deps.now(),
      ...(extra.made ? { made: extra.made } : {}),
    });
    return sendPage(request, reply, page, status);
  };

  app.get<{ Querystring: { page: number } }>('/staff/api-tokens', { schema: { hide: true, querystring: pageQuery } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply);
    return session ? show(request, reply, session, { page: request.query.page }) : reply;
  });

  app.post('/staff/api-tokens', formRoute(tokenBody), async (request, reply) => {
    const session = await accounts.staffPage(request, reply);
    if (!session) return reply;
    try {
      const problem = validationProblem(request);
      if (problem) throw problem;
      const body = request.body as { role: string; days: string; code: string };
      const made = await app.db.transaction().execute(async (trx) => {
        // Every problem at once: a role or days out of range and a stale code are named together.
        const codeOk = await checkSecondFactor(deps.kernel, trx, session.user, body.code, deps.now());
        checkFields([
          ...tokenFieldChecks(deps.kernel.map, session.user.role!, { role: body.role, days: Number(body.days) }),
          () => {
            if (!codeOk) throw validationError('code', 'is not the code your app shows now (enter a fresh one)');
          },
        ]);
        return createApiToken(trx, deps.kernel.map, session.user, { role: body.role, days: Number(body.days) }, deps.now());
      });
      return show(request, reply, session, { made: made.token }, 201);
    } catch (err) {
      const b = request.body;
      const { errors, status } = withFieldChecks(err, () => checkFields(tokenFieldChecks(deps.kernel.map, session.user.role!, { role: textOf(b, 'role'), days: Number(textOf(b, 'days')) })));
      return show(request, reply, session, { errors, keep: true }, status);
    }
  });

  app.post<{ Params: { id: string } }>('/staff/api-tokens/:id/revoke', { schema: { hide: true, params: idParams, body: textForm({ [CONFIRM_FIELD]: 1 }) } }, async (request, reply) => {
    const session = await accounts.staffPage(request, reply);
    if (!session) return reply;
    if (!isConfirmed(request.body)) return sendPage(request, reply, confirmRevokePage(request.params.id, accounts.formToken(request, reply)));
    const revoked = await revokeApiToken(app.db, session.user, request.params.id, deps.now());
    return redirectWithFlash(reply, '/staff/api-tokens', revoked ? 'accounts.token-revoked' : 'accounts.token-not-revoked');
  });
}
