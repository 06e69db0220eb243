// The customer account as a JSON API (same commands as the pages). Signed in by the same session
// cookie; JSON bodies only, so the CSRF hook needs no token (see csrf.ts).
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { selfActor } from '../../privacy/index.ts';
import { changePassword, completeReset, confirmEmailChange, confirmSignUp, prepareSignUp, requestEmailChange, requestReset, signUp, type AgeStatement } from '../customers.ts';
import { readProfile } from '../identity.ts';
import { createSession } from '../sessions.ts';
import type { UserRow } from '../tables.ts';
import { tickedConsents } from '../collection-consents.ts';
import { formKit } from './form-kit.ts';
import { UNIFORM_ANSWER_MS, atLeast } from './forms.ts';
import { accountView, emailBody, emptyBody, errorResponse, loginBody, passwordBody, resetBody, resetConfirmBody, signupBody, tokenBody } from './schemas.ts';

type Body = Record<string, string>;
const tags = ['account'];
const accepted = { type: 'object', properties: { status: { type: 'string' } } } as const;
const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 429: errorResponse };

export async function customerApi(app: FastifyInstance): Promise<void> {
  const { accounts } = app;
  const deps = accounts.deps;
  // A staff invitation is a reset token too; here it would skip the staff second factor.
  const completeCustomerReset = async (db: Db, token: string, password: string) => {
    const done = await completeReset(deps, db, { token, password });
    if (done.user.kind !== 'customer') throw new AppError('LINK_INVALID');
    return done;
  };

  const view = async (user: UserRow) => {
    const profile = await readProfile(deps.kernel, app.db, user, selfActor(user.subject_id));
    return { id: user.id, name: profile.name, email: profile.email, orders_url: '/api/account/orders' };
  };

  const { signIn, passwordSignIn } = formKit(app);

  app.post(
    '/api/account/signup',
    { schema: { tags, summary: 'Create an account (confirmed by a mailed link); optional consents as consent_<purpose>: "yes"', body: signupBody, response: { 202: accepted, ...errors } } },
    async (request, reply) => {
      const started = performance.now();
      const body = request.body as Body;
      const consents = tickedConsents(deps.kernel.map, body);
      const prepared = await prepareSignUp({ name: body.name!, email: body.email!, password: body.password!, age: body.age as AgeStatement, consents }, deps.passwordCosts);
      await app.db.transaction().execute((trx) => signUp(deps, trx, prepared.input, prepared.hash, request.ip));
      await atLeast(started, UNIFORM_ANSWER_MS);
      return reply.code(202).send({ status: 'check-your-inbox' });
    },
  );

  app.post('/api/account/confirm', { schema: { tags, summary: 'Confirm a sign-up link and sign in', body: tokenBody, response: { 200: accountView, ...errors } } }, async (request, reply) => {
    const issued = await app.db.transaction().execute((trx) => confirmSignUp(deps, trx, (request.body as Body).token!));
    await signIn(request, reply, issued);
    return view(issued.user);
  });

  app.post('/api/account/login', { schema: { tags, summary: 'Sign in', body: loginBody, response: { 200: accountView, ...errors } } }, async (request, reply) => {
    const user = await passwordSignIn(request, 'customer');
    const issued = await app.db.transaction().execute((trx) => createSession(trx, user, deps.now()));
    await signIn(request, reply, issued);
    return view(user);
  });

  app.post('/api/account/logout', { schema: { tags, summary: 'Sign out', body: { ...emptyBody, nullable: true } } }, async (request, reply) => {
    await accounts.signOut(request, reply);
    return reply.code(204).send();
  });

  app.get('/api/account', { schema: { tags, summary: "The signed-in customer's account", response: { 200: accountView, 401: errorResponse } } }, async (request) => {
    const session = await accounts.requireSession(request, 'customer');
    return view(session.user);
  });

  app.post(
    '/api/account/password',
    { schema: { tags, summary: 'Change the password (ends every other session)', body: passwordBody, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      const session = await accounts.requireSession(request, 'customer');
      const body = request.body as Body;
      const issued = await app.db.transaction().execute((trx) => changePassword(deps, trx, session, { current: body.current_password!, next: body.new_password!, ip: request.ip }));
      accounts.startSession(reply, issued.token, issued.session);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/account/email',
    { schema: { tags, summary: 'Ask to change the sign-in email (confirmed by a link to the new address)', body: emailBody, response: { 202: accepted, ...errors } } },
    async (request, reply) => {
      const session = await accounts.requireSession(request, 'customer');
      const body = request.body as Body;
      await app.db.transaction().execute((trx) => requestEmailChange(deps, trx, session, { email: body.new_email!, password: body.password!, ip: request.ip }));
      return reply.code(202).send({ status: 'check-your-inbox' });
    },
  );

  app.post('/api/account/email/confirm', { schema: { tags, summary: 'Confirm a new sign-in email', body: tokenBody, response: { 204: { type: 'null' }, ...errors } } }, async (request, reply) => {
    await app.db.transaction().execute((trx) => confirmEmailChange(deps, trx, (request.body as Body).token!));
    return reply.code(204).send();
  });

  app.post('/api/account/reset', { schema: { tags, summary: 'Ask for a password reset link', body: resetBody, response: { 202: accepted, ...errors } } }, async (request, reply) => {
    const started = performance.now();
    await app.db.transaction().execute((trx) => requestReset(deps, trx, { email: (request.body as Body).email!, ip: request.ip }));
    await atLeast(started, UNIFORM_ANSWER_MS);
    return reply.code(202).send({ status: 'check-your-inbox' });
  });

  app.post(
    '/api/account/reset/confirm',
    { schema: { tags, summary: 'Set a new password from a reset link and sign in', body: resetConfirmBody, response: { 200: accountView, ...errors } } },
    async (request, reply) => {
      const body = request.body as Body;
      const issued = await app.db.transaction().execute((trx) => completeCustomerReset(trx, body.token!, body.new_password!));
      await signIn(request, reply, issued);
      return view(issued.user);
    },
  );
}
