// The customer's account pages (GET shows a form, POST does the thing and redirects, or shows the
// form again with the fields named). Every POST passed the CSRF hook before it gets here.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { selfActor, policyVersionAt } from '../../privacy/index.ts';
import {
  changePassword,
  checkEmail,
  checkSignUpFields,
  completeReset,
  confirmEmailChange,
  confirmSignUp,
  prepareSignUp,
  requestEmailChange,
  requestReset,
  signUp,
  type AgeStatement,
} from '../customers.ts';
import { readProfile } from '../identity.ts';
import { accountPage, checkInboxPage, confirmPage, emailPage, invalidLinkPage, loginPage, passwordPage, resetConfirmPage, resetRequestPage, signupPage } from '../pages/customer.ts';
import { createSession } from '../sessions.ts';
import { consentBoxes, consentFieldNames, tickedConsents } from '../collection-consents.ts';
import type { FormState } from '../../web/form.ts';
import { tokenIsLive } from '../tokens.ts';
import { formKit, formRoute } from './form-kit.ts';
import { UNIFORM_ANSWER_MS, atLeast } from './forms.ts';
import { formValues, validationProblem, emptyBody, textOf } from '../../web/form-handling.ts';
import { sendPage } from '../../web/page.ts';
import { emailBody, loginBody, passwordBody, resetBody, resetConfirmBody, signupBody, tokenBody, tokenQuery } from './schemas.ts';

type Body = Record<string, string>;

export async function customerPages(app: FastifyInstance): Promise<void> {
  const { accounts } = app;
  const deps = accounts.deps;
  // A staff invitation is a reset token too; here it would skip the staff second factor.
  const completeCustomerReset = async (db: Db, token: string, password: string) => {
    const done = await completeReset(deps, db, { token, password });
    if (done.user.kind !== 'customer') throw new AppError('LINK_INVALID');
    return done;
  };
  const { state, handleForm, signIn, passwordSignIn, setPasswordLink } = formKit(app);

  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    const profile = await readProfile(deps.kernel, app.db, session.user, selfActor(session.user.subject_id));
    return sendPage(request, reply, accountPage({ profile, csrf: accounts.formToken(request, reply) }));
  });

  app.get('/account/login', { schema: { hide: true } }, async (request, reply) => {
    if ((await accounts.session(request))?.user.kind === 'customer') return reply.redirect('/account', 303);
    return sendPage(request, reply, loginPage(state(request, reply)));
  });

  app.post('/account/login', formRoute(loginBody), async (request, reply) =>
    handleForm(request, reply, ['email'], loginPage, async () => {
      const user = await passwordSignIn(request, 'customer');
      const issued = await app.db.transaction().execute((trx) => createSession(trx, user, deps.now()));
      await signIn(request, reply, issued);
      return reply.redirect('/account', 303);
    }),
  );

  app.post('/account/logout', { schema: { hide: true, body: emptyBody } }, async (request, reply) => {
    await accounts.signOut(request, reply);
    return reply.redirect('/', 303);
  });

  const currentPolicy = () => policyVersionAt(deps.kernel.map, deps.now())?.version ?? '';

  const map = deps.kernel.map;
  const signupForm = (s: FormState) => signupPage(s, currentPolicy(), consentBoxes(map, currentPolicy(), s.values));

  app.get('/account/signup', { schema: { hide: true } }, async (request, reply) => sendPage(request, reply, signupForm(state(request, reply))));

  app.post('/account/signup', formRoute(signupBody), async (request, reply) => {
    const started = performance.now();
    return handleForm(
      request,
      reply,
      ['name', 'email', 'age', ...consentFieldNames(map)],
      signupForm,
      async () => {
        const body = request.body as Body;
        const consents = tickedConsents(map, body);
        const prepared = await prepareSignUp({ name: body.name!, email: body.email!, password: body.password!, age: body.age as AgeStatement, consents }, deps.passwordCosts);
        await app.db.transaction().execute((trx) => signUp(deps, trx, prepared.input, prepared.hash, request.ip));
        await atLeast(started, UNIFORM_ANSWER_MS);
        return sendPage(request, reply, checkInboxPage('signup'));
      },
      () => checkSignUpFields({ name: textOf(request.body, 'name'), email: textOf(request.body, 'email'), password: textOf(request.body, 'password') }),
    );
  });

  /** GET of a mailed link: a button that POSTs the token, or the "not valid" page. */
  const linkPage = (path: string, purpose: 'confirm-signup' | 'change-email', page: Omit<Parameters<typeof confirmPage>[0], 'token' | 'csrf' | 'action'>) =>
    app.get<{ Querystring: { token?: string } }>(path, { schema: { hide: true, querystring: tokenQuery } }, async (request, reply) => {
      const token = request.query.token ?? '';
      if (!(await tokenIsLive(app.db, token, purpose, deps.now()))) return sendPage(request, reply, invalidLinkPage(), 400);
      return sendPage(request, reply, confirmPage({ ...page, action: path, token, csrf: accounts.formToken(request, reply) }));
    });

  linkPage('/account/confirm', 'confirm-signup', { title: 'Confirm your account', button: 'Confirm and sign in', text: 'One step left: confirm your email address to start using your account.' });

  app.post('/account/confirm', formRoute(tokenBody), async (request, reply) => {
    if (validationProblem(request)) return sendPage(request, reply, invalidLinkPage(), 400);
    try {
      const issued = await app.db.transaction().execute((trx) => confirmSignUp(deps, trx, (request.body as Body).token!));
      await signIn(request, reply, issued);
      return reply.redirect('/account', 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'LINK_INVALID') return sendPage(request, reply, invalidLinkPage(), 400);
      throw err;
    }
  });

  app.get('/account/password', { schema: { hide: true } }, async (request, reply) => {
    if (!(await accounts.customerPage(request, reply))) return reply;
    return sendPage(request, reply, passwordPage(state(request, reply)));
  });

  app.post('/account/password', formRoute(passwordBody), async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    return handleForm(request, reply, [], passwordPage, async () => {
      const body = request.body as Body;
      const issued = await app.db.transaction().execute((trx) => changePassword(deps, trx, session, { current: body.current_password!, next: body.new_password!, ip: request.ip }));
      accounts.startSession(reply, issued.token, issued.session);
      const profile = await readProfile(deps.kernel, app.db, session.user, selfActor(session.user.subject_id));
      return sendPage(request, reply, accountPage({ profile, csrf: accounts.formToken(request, reply), notice: 'Your password is changed. You are signed out everywhere else.' }));
    });
  });

  app.get('/account/email', { schema: { hide: true } }, async (request, reply) => {
    if (!(await accounts.customerPage(request, reply))) return reply;
    return sendPage(request, reply, emailPage(state(request, reply)));
  });

  app.post('/account/email', formRoute(emailBody), async (request, reply) => {
    const session = await accounts.customerPage(request, reply);
    if (!session) return reply;
    return handleForm(
      request,
      reply,
      ['new_email'],
      emailPage,
      async () => {
        const body = request.body as Body;
        await app.db.transaction().execute((trx) => requestEmailChange(deps, trx, session, { email: body.new_email!, password: body.password!, ip: request.ip }));
        return sendPage(request, reply, checkInboxPage('email'));
      },
      () => checkEmail('body.new_email', textOf(request.body, 'new_email')),
    );
  });

  linkPage('/account/email/confirm', 'change-email', { title: 'Confirm your new email', button: 'Use this address', text: 'Confirm that this is your new sign-in email.' });

  app.post('/account/email/confirm', formRoute(tokenBody), async (request, reply) => {
    if (validationProblem(request)) return sendPage(request, reply, invalidLinkPage(), 400);
    try {
      await app.db.transaction().execute((trx) => confirmEmailChange(deps, trx, (request.body as Body).token!));
    } catch (err) {
      if (err instanceof AppError && (err.code === 'LINK_INVALID' || err.code === 'CONFLICT')) return sendPage(request, reply, invalidLinkPage(), 400);
      throw err;
    }
    const session = await accounts.session(request);
    if (session?.user.kind !== 'customer') return reply.redirect('/account/login', 303);
    const profile = await readProfile(deps.kernel, app.db, session.user, selfActor(session.user.subject_id));
    return sendPage(request, reply, accountPage({ profile, csrf: accounts.formToken(request, reply), notice: 'Your sign-in email is changed.' }));
  });

  app.get('/account/reset', { schema: { hide: true } }, async (request, reply) => sendPage(request, reply, resetRequestPage(state(request, reply))));

  app.post('/account/reset', formRoute(resetBody), async (request, reply) => {
    const started = performance.now();
    return handleForm(request, reply, ['email'], resetRequestPage, async () => {
      await app.db.transaction().execute((trx) => requestReset(deps, trx, { email: (request.body as Body).email!, ip: request.ip }));
      await atLeast(started, UNIFORM_ANSWER_MS);
      return sendPage(request, reply, checkInboxPage('reset'));
    });
  });

  setPasswordLink('/account/reset/confirm', resetConfirmPage);

  app.post('/account/reset/confirm', formRoute(resetConfirmBody), async (request, reply) => {
    const token = formValues(request.body, ['token']).token!;
    return handleForm(
      request,
      reply,
      [],
      (s) => resetConfirmPage(s, token),
      async () => {
        const body = request.body as Body;
        const issued = await app.db.transaction().execute((trx) => completeCustomerReset(trx, body.token!, body.new_password!));
        await signIn(request, reply, issued);
        return reply.redirect('/account', 303);
      },
    );
  });
}
