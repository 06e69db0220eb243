// The staff console (pages) and its JSON API: sign-in, password set/change with the staff rules
// and rotation age, the console, the owner's staff list, and customer reads limited to the role.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { selfActor, staffActor, staffRoles } from '../../privacy/actors.ts';
import { changePassword, completeReset, logIn } from '../customers.ts';
import { readProfile } from '../identity.ts';
import type { FormState } from '../pages/form.ts';
import { consolePage, staffLoginPage, staffPasswordPage, staffSetPasswordPage, staffUsersPage } from '../pages/staff.ts';
import { invalidLinkPage } from '../pages/customer.ts';
import { passwordExpired } from '../password-policy.ts';
import { SESSION_COOKIE } from '../plugin.ts';
import { createSession, endSession, type ActiveSession } from '../sessions.ts';
import { createStaff, listStaff } from '../staff.ts';
import { findCustomersAsStaff, readAsStaff } from '../staff-access.ts';
import { tokenIsLive } from '../tokens.ts';
import { formErrors, formValues, sendPage, validationProblem } from './forms.ts';
import { errorResponse, loginBody, passwordBody, resetConfirmBody, tokenQuery } from './schemas.ts';

type Body = Record<string, string>;
const formRoute = (body: object) => ({ schema: { hide: true, body }, attachValidation: true });
const tags = ['staff'];
const staffBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email', 'role'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', minLength: 3, maxLength: 254 }, role: { type: 'string', enum: [...staffRoles] } },
} as const;
const category = { type: 'string', pattern: '^[a-z_]+(\\.[a-z_]+)*$', maxLength: 100 } as const;
const purpose = { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 100 } as const;

export async function staffRoutes(app: FastifyInstance): Promise<void> {
  const { accounts } = app;
  const deps = accounts.deps;
  const state = (request: FastifyRequest, reply: FastifyReply, extra: Partial<FormState> = {}): FormState => ({ csrf: accounts.formToken(request, reply), ...extra });

  /** The staff session, or a redirect to sign-in (or to the password page when the password is too old). */
  async function staffPage(request: FastifyRequest, reply: FastifyReply, options: { allowExpired?: boolean } = {}): Promise<ActiveSession | null> {
    const session = await accounts.session(request);
    if (session?.user.kind !== 'staff') {
      void reply.redirect('/staff/login', 303);
      return null;
    }
    if (!options.allowExpired && passwordExpired(session.user.password_changed_at, deps.now())) {
      void reply.redirect('/staff/password', 303);
      return null;
    }
    return session;
  }

  async function staffApi(request: FastifyRequest): Promise<ActiveSession> {
    const session = await accounts.requireSession(request, 'staff');
    if (passwordExpired(session.user.password_changed_at, deps.now())) throw new AppError('FORBIDDEN', 'Your password is more than 90 days old: change it first.');
    return session;
  }

  async function signIn(request: FastifyRequest, reply: FastifyReply, issued: { token: string; session: ActiveSession }): Promise<void> {
    const previous = request.cookies[SESSION_COOKIE];
    if (previous) await endSession(app.db, previous);
    accounts.startSession(reply, issued.token, issued.session);
  }

  async function form(request: FastifyRequest, reply: FastifyReply, keep: readonly string[], page: (s: FormState) => ReturnType<typeof staffLoginPage>, action: () => Promise<FastifyReply>) {
    try {
      const problem = validationProblem(request);
      if (problem) throw problem;
      return await action();
    } catch (err) {
      const { errors, status } = formErrors(err);
      return sendPage(request, reply, page(state(request, reply, { values: formValues(request.body, keep), errors })), status);
    }
  }

  const consoleOf = async (request: FastifyRequest, reply: FastifyReply, session: ActiveSession, notice?: string) => {
    const profile = await readProfile(deps.kernel, app.db, session.user, selfActor(session.user.subject_id));
    return sendPage(request, reply, consolePage({ name: profile.name, role: session.user.role!, csrf: accounts.formToken(request, reply), ...(notice ? { notice } : {}) }));
  };

  app.get('/staff', { schema: { hide: true } }, async (request, reply) => {
    const session = await staffPage(request, reply);
    return session ? consoleOf(request, reply, session) : reply;
  });

  app.get('/staff/login', { schema: { hide: true } }, async (request, reply) => sendPage(request, reply, staffLoginPage(state(request, reply))));

  app.post('/staff/login', formRoute(loginBody), async (request, reply) =>
    form(request, reply, ['email'], staffLoginPage, async () => {
      const body = request.body as Body;
      const result = await logIn(deps, app.db, { email: body.email!, password: body.password!, ip: request.ip, kind: 'staff' });
      if (!result.ok) throw new AppError(result.reason === 'locked' ? 'LOGIN_LOCKED' : 'LOGIN_FAILED');
      await signIn(request, reply, await app.db.transaction().execute((trx) => createSession(trx, result.user, deps.now())));
      return reply.redirect('/staff', 303);
    }),
  );

  app.post('/staff/logout', { schema: { hide: true } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await endSession(app.db, token);
    accounts.clearSession(reply);
    return reply.redirect('/staff/login', 303);
  });

  app.get<{ Querystring: { token?: string } }>('/staff/password/set', { schema: { hide: true, querystring: tokenQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    if (!/^[A-Za-z0-9_-]{43}$/.test(token) || !(await tokenIsLive(app.db, token, 'reset-password', deps.now()))) return sendPage(request, reply, invalidLinkPage(), 400);
    return sendPage(request, reply, staffSetPasswordPage(state(request, reply), token));
  });

  app.post('/staff/password/set', formRoute(resetConfirmBody), async (request, reply) => {
    const token = formValues(request.body, ['token']).token!;
    return form(request, reply, [], (s) => staffSetPasswordPage(s, token), async () => {
      const body = request.body as Body;
      const issued = await app.db.transaction().execute((trx) => completeReset(deps, trx, { token: body.token!, password: body.new_password! }));
      if (issued.user.kind !== 'staff') throw new AppError('LINK_INVALID');
      await signIn(request, reply, issued);
      return reply.redirect('/staff', 303);
    });
  });

  app.get('/staff/password', { schema: { hide: true } }, async (request, reply) => {
    const session = await staffPage(request, reply, { allowExpired: true });
    if (!session) return reply;
    return sendPage(request, reply, staffPasswordPage(state(request, reply), passwordExpired(session.user.password_changed_at, deps.now())));
  });

  app.post('/staff/password', formRoute(passwordBody), async (request, reply) => {
    const session = await staffPage(request, reply, { allowExpired: true });
    if (!session) return reply;
    const expired = passwordExpired(session.user.password_changed_at, deps.now());
    return form(request, reply, [], (s) => staffPasswordPage(s, expired), async () => {
      const body = request.body as Body;
      const issued = await app.db.transaction().execute((trx) => changePassword(deps, trx, session, { current: body.current_password!, next: body.new_password!, ip: request.ip }));
      accounts.startSession(reply, issued.token, issued.session);
      return consoleOf(request, reply, issued.session, 'Your password is changed. You are signed out everywhere else.');
    });
  });

  const ownerPage = async (request: FastifyRequest, reply: FastifyReply): Promise<ActiveSession | null> => {
    const session = await staffPage(request, reply);
    if (session && session.user.role !== 'owner') throw new AppError('FORBIDDEN', 'Only an owner manages staff members.');
    return session;
  };

  app.get('/staff/users', { schema: { hide: true } }, async (request, reply) => {
    const session = await ownerPage(request, reply);
    if (!session) return reply;
    const staff = await listStaff(deps, app.db, staffActor(session.user.id, 'owner'));
    return sendPage(request, reply, staffUsersPage({ staff, state: state(request, reply), roles: staffRoles }));
  });

  app.post('/staff/users', formRoute(staffBody), async (request, reply) => {
    const session = await ownerPage(request, reply);
    if (!session) return reply;
    const actor = staffActor(session.user.id, 'owner');
    try {
      const problem = validationProblem(request);
      if (problem) throw problem;
      const body = request.body as Body;
      await app.db.transaction().execute((trx) => createStaff(deps, trx, { name: body.name!, email: body.email!, role: body.role!, actor }));
      const staff = await listStaff(deps, app.db, actor);
      return sendPage(request, reply, staffUsersPage({ staff, state: state(request, reply), roles: staffRoles, invited: 'Added. We mailed them a link to choose their password.' }));
    } catch (err) {
      const { errors, status } = formErrors(err);
      const staff = await listStaff(deps, app.db, actor);
      return sendPage(request, reply, staffUsersPage({ staff, state: state(request, reply, { values: formValues(request.body, ['name', 'email', 'role']), errors }), roles: staffRoles }), status);
    }
  });

  // JSON API.
  const staffView = { type: 'object', properties: { id: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } } } as const;
  const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 429: errorResponse };

  app.post('/api/staff/login', { schema: { tags, summary: 'Staff sign-in', body: loginBody, response: { 200: staffView, ...errors } } }, async (request, reply) => {
    const body = request.body as Body;
    const result = await logIn(deps, app.db, { email: body.email!, password: body.password!, ip: request.ip, kind: 'staff' });
    if (!result.ok) throw new AppError(result.reason === 'locked' ? 'LOGIN_LOCKED' : 'LOGIN_FAILED');
    await signIn(request, reply, await app.db.transaction().execute((trx) => createSession(trx, result.user, deps.now())));
    const profile = await readProfile(deps.kernel, app.db, result.user, selfActor(result.user.subject_id));
    return { id: result.user.id, role: result.user.role, name: profile.name, email: profile.email };
  });

  app.post('/api/staff/users', { schema: { tags, summary: 'Add a staff member (owner only); they are mailed a link to set their password', body: staffBody, response: { 201: { type: 'object', properties: { id: { type: 'string' } } }, ...errors } } }, async (request, reply) => {
    const session = await staffApi(request);
    if (session.user.role !== 'owner') throw new AppError('FORBIDDEN', 'Only an owner manages staff members.');
    const body = request.body as Body;
    const { user } = await app.db.transaction().execute((trx) => createStaff(deps, trx, { name: body.name!, email: body.email!, role: body.role!, actor: staffActor(session.user.id, 'owner') }));
    return reply.code(201).send({ id: user.id });
  });

  app.post<{ Body: { email: string; purpose: string } }>(
    '/api/staff/customers/lookup',
    {
      schema: {
        tags,
        summary: 'Find customers by exact email, under a purpose your role may use',
        body: { type: 'object', additionalProperties: false, required: ['email', 'purpose'], properties: { email: { type: 'string', minLength: 3, maxLength: 254 }, purpose } },
        response: { 200: { type: 'object', properties: { subjects: { type: 'array', items: { type: 'string' } } } }, ...errors },
      },
    },
    async (request) => {
      const session = await staffApi(request);
      return { subjects: await findCustomersAsStaff(deps, app.db, session.user, request.body) };
    },
  );

  app.get<{ Params: { subject: string }; Querystring: { purpose: string; categories: string[] } }>(
    '/api/staff/customers/:subject',
    {
      schema: {
        tags,
        summary: "A customer's data: only categories your role may see, under a purpose it may use; audited",
        params: { type: 'object', required: ['subject'], properties: { subject: { type: 'string', format: 'uuid' } } },
        querystring: { type: 'object', additionalProperties: false, required: ['purpose', 'categories'], properties: { purpose, categories: { type: 'array', items: category, minItems: 1, maxItems: 20 } } },
        response: { 200: { type: 'object', properties: { subject: { type: 'string' }, purpose: { type: 'string' }, values: { type: 'object', additionalProperties: true } } }, ...errors },
      },
    },
    async (request) => {
      const session = await staffApi(request);
      const record = await readAsStaff(deps, app.db, session.user, { subject: request.params.subject, purpose: request.query.purpose, categories: request.query.categories });
      return { subject: record.subjectId, purpose: request.query.purpose, values: record.values };
    },
  );
}
