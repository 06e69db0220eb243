// The staff console (pages) and its JSON API: sign-in, password set/change with the staff rules
// and rotation age, the console, the owner's staff list, and customer reads limited to the role.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { AppError, validationError } from '../../platform/errors.ts';
import { selfActor, staffActor, staffRoles, systemActor, anchorPathFor, verifyAuditLog, type VerifyReport, isPrivacyRefusal } from '../../privacy/index.ts';
import { changePassword, completeReset } from '../customers.ts';
import { readProfile } from '../identity.ts';
import type { FormState } from '../../web/form.ts';
import { consolePage, enrolPage, recoveryCodesPage, secondFactorPage, staffLoginPage, staffPasswordPage, staffSetPasswordPage, staffUsersPage } from '../pages/staff.ts';
import { passwordExpired, STAFF_PASSWORD_MAX_AGE_DAYS } from '../password-policy.ts';
import { SESSION_COOKIE } from '../plugin.ts';
import { createSession, endSession, findSession, type ActiveSession } from '../sessions.ts';
import { checkSecondFactor, finishEnrolment, startEnrolment, totpOf } from '../second-factor.ts';
import { recentSecurityEvents, recordSecurityEvent } from '../security-events.ts';
import { contactPage, dpoPage } from '../pages/dpo.ts';
import { pendingConsentViews, pendingDisclosureViews } from '../dpo-console.ts';
import { checkStaffFields, createStaff, listStaff, reinviteStaff, updateStaff } from '../staff.ts';
import type { UserRow } from '../tables.ts';
import { reserveAttempt, settleFailure, settleSuccess, throttleKeys } from '../throttle.ts';
import { otpauthUri } from '../totp.ts';
import { qrSvg } from '../qr.ts';
import { findCustomersAsStaff, readAsStaff } from '../staff-access.ts';
import { dashboardFor } from '../dashboard.ts';
import { formKit, formRoute } from './form-kit.ts';
import { staffPageGate } from './staff-gate.ts';
import { formErrors, formValues, validationProblem, emptyBody, textOf, withFieldChecks } from '../../web/form-handling.ts';
import { sendPage } from '../../web/page.ts';
import { CONFIRM_FIELD, isConfirmed } from '../../web/confirm.ts';
import { pageQuery } from '../../web/pagination.ts';
import { confirmDisablePage } from '../pages/staff-confirm.ts';
import { errorResponse, loginBody, passwordBody, resetConfirmBody } from './schemas.ts';

type Body = Record<string, string>;
const tags = ['staff'];
const ENROL_QR_LABEL = 'QR code of your authenticator key for this shop';
const staffBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'email', 'role'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', minLength: 3, maxLength: 254 }, role: { type: 'string', enum: [...staffRoles] } },
} as const;
const decisionBody = { type: 'object', additionalProperties: false, required: ['decision'], properties: { decision: { type: 'string', enum: ['approved', 'rejected'] } } } as const;
const consentReviewBody = { type: 'object', additionalProperties: false, required: ['decision'], properties: { decision: { type: 'string', enum: ['confirmed', 'reversed'] } } } as const;
const codeBody = { type: 'object', additionalProperties: false, required: ['code'], properties: { code: { type: 'string', minLength: 1, maxLength: 20 } } } as const;
const category = { type: 'string', pattern: '^[a-z_]+(\\.[a-z_]+)*$', maxLength: 100 } as const;
const purpose = { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 100 } as const;

export async function staffRoutes(app: FastifyInstance): Promise<void> {
  const { accounts } = app;
  const deps = accounts.deps;
  const { state, handleForm: form, signIn, passwordSignIn, setPasswordLink } = formKit(app);

  /** The staff session, or a redirect to sign-in (or to the password page when the password is too old). */
  const staffPage = staffPageGate(app);
  const maxAgeDays = deps.staffPasswordMaxAgeDays ?? STAFF_PASSWORD_MAX_AGE_DAYS;
  const expired = (session: ActiveSession) => passwordExpired(session.user.password_changed_at, deps.now(), maxAgeDays);

  async function staffApi(request: FastifyRequest): Promise<ActiveSession> {
    const session = await accounts.requireSession(request, 'staff');
    if (expired(session)) throw new AppError('FORBIDDEN', `Your password is more than ${maxAgeDays} days old: change it first.`);
    return session;
  }

  /** A password-checked staff session: the second factor is still to enter (or to set up). */
  const halfSession = async (db: Db, user: UserRow) => {
    const enrolled = (await totpOf(deps.kernel, db, user, systemActor('accounts.login'))) !== null;
    return createSession(db, user, deps.now(), enrolled ? 'second-factor' : 'enrol');
  };
  const stagePath = (s: ActiveSession) => (s.stage === 'enrol' ? '/staff/2fa/enrol' : '/staff/2fa');

  /** The staff session waiting at `stage`, or null. */
  async function waitingAt(request: FastifyRequest, stage: 'second-factor' | 'enrol'): Promise<ActiveSession | null> {
    const session = await accounts.session(request);
    return session?.user.kind === 'staff' && session.stage === stage ? session : null;
  }

  /** After the second factor: the half session ends and a full one (a new token) begins. */
  async function promote(request: FastifyRequest, reply: FastifyReply, db: Db, session: ActiveSession): Promise<void> {
    await endSession(db, request.cookies[SESSION_COOKIE] ?? '');
    const issued = await createSession(db, session.user, deps.now());
    accounts.startSession(reply, issued.token, issued.session);
  }

  /** Checks a second-factor code; wrong codes count towards the same lockout as passwords, reserved before the check (decision 0029). */
  async function verifySecondFactor(request: FastifyRequest, session: ActiveSession, code: string): Promise<void> {
    const now = deps.now();
    const keys = throttleKeys(deps.throttleSecret, `second-factor:${session.user.id}`, request.ip);
    if (!(await reserveAttempt(app.db, keys, now, deps.throttle)).granted) throw new AppError('LOGIN_LOCKED');
    const ok = await app.db.transaction().execute((trx) => checkSecondFactor(deps.kernel, trx, session.user, code, now));
    if (ok) return settleSuccess(app.db, keys);
    const locking = await settleFailure(app.db, keys, now, deps.throttle);
    await recordSecurityEvent(app.db, { kind: 'login-failed', at: now, userId: session.user.id, detail: { reason: 'second-factor' } });
    if (locking.account || locking.source) throw new AppError('LOGIN_LOCKED');
    throw validationError('body.code', 'is not the current code (or an unused recovery code)');
  }

  const consoleOf = async (request: FastifyRequest, reply: FastifyReply, session: ActiveSession, notice?: string) => {
    const profile = await readProfile(deps.kernel, app.db, session.user, selfActor(session.user.subject_id));
    const figures = await dashboardFor(deps.kernel, app.db, session.user.role!, deps.now(), app.wiring.dashboardCards);
    return sendPage(request, reply, consolePage({ name: profile.name, role: session.user.role!, csrf: accounts.formToken(request, reply), figures, ...(notice ? { notice } : {}) }));
  };

  app.get('/staff', { schema: { hide: true } }, async (request, reply) => {
    const session = await staffPage(request, reply);
    return session ? consoleOf(request, reply, session) : reply;
  });

  app.get('/staff/login', { schema: { hide: true } }, async (request, reply) => sendPage(request, reply, staffLoginPage(state(request, reply))));

  app.post('/staff/login', formRoute(loginBody), async (request, reply) =>
    form(request, reply, ['email'], staffLoginPage, async () => {
      const user = await passwordSignIn(request, 'staff');
      const issued = await app.db.transaction().execute((trx) => halfSession(trx, user));
      await signIn(request, reply, issued);
      return reply.redirect(stagePath(issued.session), 303);
    }),
  );

  app.get('/staff/2fa', { schema: { hide: true } }, async (request, reply) => {
    if (!(await waitingAt(request, 'second-factor'))) return reply.redirect('/staff', 303);
    return sendPage(request, reply, secondFactorPage(state(request, reply)));
  });

  app.post('/staff/2fa', formRoute(codeBody), async (request, reply) => {
    const session = await waitingAt(request, 'second-factor');
    if (!session) return reply.redirect('/staff', 303);
    return form(request, reply, [], secondFactorPage, async () => {
      await verifySecondFactor(request, session, (request.body as Body).code!);
      await app.db.transaction().execute((trx) => promote(request, reply, trx, session));
      return reply.redirect('/staff', 303);
    });
  });

  app.get('/staff/2fa/enrol', { schema: { hide: true } }, async (request, reply) => {
    const session = await waitingAt(request, 'enrol');
    if (!session) return reply.redirect('/staff', 303);
    const secret = await app.db.transaction().execute((trx) => startEnrolment(deps.kernel, trx, session.user));
    const uri = otpauthUri(secret, deps.shopName, `staff-${session.user.id.slice(0, 8)}`);
    return sendPage(request, reply, enrolPage(state(request, reply), { secret, uri, qr: await qrSvg(uri, ENROL_QR_LABEL) }));
  });

  app.post('/staff/2fa/enrol', formRoute(codeBody), async (request, reply) => {
    const session = await waitingAt(request, 'enrol');
    if (!session) return reply.redirect('/staff', 303);
    const secret = await startEnrolment(deps.kernel, app.db, session.user);
    const uri = otpauthUri(secret, deps.shopName, `staff-${session.user.id.slice(0, 8)}`);
    const qr = await qrSvg(uri, ENROL_QR_LABEL);
    const page = (s: FormState) => enrolPage(s, { secret, uri, qr });
    return form(request, reply, [], page, async () => {
      const codes = await app.db.transaction().execute(async (trx) => {
        const recovery = await finishEnrolment(deps.kernel, trx, session.user, (request.body as Body).code!, deps.now());
        await promote(request, reply, trx, session);
        return recovery;
      });
      return sendPage(request, reply, recoveryCodesPage(codes));
    });
  });

  app.post('/staff/logout', { schema: { hide: true, body: emptyBody } }, async (request, reply) => {
    await accounts.signOut(request, reply);
    return reply.redirect('/staff/login', 303);
  });

  setPasswordLink('/staff/password/set', staffSetPasswordPage);

  app.post('/staff/password/set', formRoute(resetConfirmBody), async (request, reply) => {
    const token = formValues(request.body, ['token']).token!;
    return form(
      request,
      reply,
      [],
      (s) => staffSetPasswordPage(s, token),
      async () => {
        const body = request.body as Body;
        const issued = await app.db.transaction().execute(async (trx) => {
          const done = await completeReset(deps, trx, { token: body.token!, password: body.new_password! });
          if (done.user.kind !== 'staff') throw new AppError('LINK_INVALID');
          await endSession(trx, done.token);
          return halfSession(trx, done.user);
        });
        await signIn(request, reply, issued);
        return reply.redirect(stagePath(issued.session), 303);
      },
    );
  });

  app.get('/staff/password', { schema: { hide: true } }, async (request, reply) => {
    const session = await staffPage(request, reply, { allowExpired: true });
    if (!session) return reply;
    return sendPage(request, reply, staffPasswordPage(state(request, reply), expired(session), maxAgeDays));
  });

  app.post('/staff/password', formRoute(passwordBody), async (request, reply) => {
    const session = await staffPage(request, reply, { allowExpired: true });
    if (!session) return reply;
    const tooOld = expired(session);
    return form(
      request,
      reply,
      [],
      (s) => staffPasswordPage(s, tooOld, maxAgeDays),
      async () => {
        const body = request.body as Body;
        const issued = await app.db.transaction().execute((trx) => changePassword(deps, trx, session, { current: body.current_password!, next: body.new_password!, ip: request.ip }));
        accounts.startSession(reply, issued.token, issued.session);
        return consoleOf(request, reply, issued.session, 'Your password is changed. You are signed out everywhere else.');
      },
    );
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
      const b = request.body;
      const { errors, status } = withFieldChecks(err, () => checkStaffFields({ name: textOf(b, 'name'), email: textOf(b, 'email'), role: textOf(b, 'role') }));
      const staff = await listStaff(deps, app.db, actor);
      return sendPage(request, reply, staffUsersPage({ staff, state: state(request, reply, { values: formValues(request.body, ['name', 'email', 'role']), errors }), roles: staffRoles }), status);
    }
  });

  app.post<{ Params: { id: string } }>(
    '/staff/users/:id',
    {
      schema: {
        hide: true,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['role', 'status'],
          properties: { role: { type: 'string', enum: [...staffRoles] }, status: { type: 'string', enum: ['active', 'disabled'] }, [CONFIRM_FIELD]: { type: 'string', maxLength: 1 } },
        },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      const session = await ownerPage(request, reply);
      if (!session) return reply;
      const actor = staffActor(session.user.id, 'owner');
      let notice: string | undefined;
      let errors: Record<string, string> | undefined;
      let status = 200;
      try {
        const problem = validationProblem(request);
        if (problem) throw problem;
        const body = request.body as { role: string; status: 'active' | 'disabled' };
        if (body.status === 'disabled' && !isConfirmed(body)) {
          const member = (await listStaff(deps, app.db, actor)).find((m) => m.id === request.params.id);
          if (member && member.status !== 'disabled') return sendPage(request, reply, confirmDisablePage(member, body.role, accounts.formToken(request, reply)));
        }
        await app.db.transaction().execute((trx) => updateStaff(trx, { id: request.params.id, role: body.role, status: body.status, by: session.user }));
        notice = 'Saved. Their sessions ended, so the change applies at once.';
      } catch (err) {
        ({ errors, status } = formErrors(err));
      }
      // An owner who demoted or disabled themself is signed out by now.
      if (!(await findSession(app.db, request.cookies[SESSION_COOKIE] ?? '', deps.now()))) return reply.redirect('/staff/login', 303);
      const staff = await listStaff(deps, app.db, actor);
      return sendPage(request, reply, staffUsersPage({ staff, state: state(request, reply, errors ? { errors } : {}), roles: staffRoles, ...(notice ? { invited: notice } : {}) }), status);
    },
  );

  const dpoPageOf = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: ActiveSession,
    extra: { report?: VerifyReport; notice?: string; error?: string; consentsPage?: number } = {},
    status = 200,
  ) => {
    const events = await recentSecurityEvents(app.db, { since: new Date(deps.now().getTime() - 30 * 86_400_000), limit: 50 });
    const officer = staffActor(session.user.id, session.user.role!);
    const disclosures = await pendingDisclosureViews(app.db, deps.kernel, officer);
    const consents = await pendingConsentViews(app.db, deps.kernel, officer);
    return sendPage(request, reply, dpoPage({ csrf: accounts.formToken(request, reply), events, disclosures, consents, ...extra }), status);
  };
  const dpoOnly = async (request: FastifyRequest, reply: FastifyReply): Promise<ActiveSession | null> => {
    const session = await staffPage(request, reply);
    if (session && session.user.role !== 'dpo') throw new AppError('FORBIDDEN', 'Only the privacy officer (role dpo) uses this page.');
    return session;
  };

  app.get<{ Querystring: { page: number } }>('/staff/dpo', { schema: { hide: true, querystring: pageQuery } }, async (request, reply) => {
    const session = await dpoOnly(request, reply);
    return session ? dpoPageOf(request, reply, session, { consentsPage: request.query.page }) : reply;
  });

  app.post('/staff/dpo/verify', { schema: { hide: true, body: emptyBody } }, async (request, reply) => {
    const session = await dpoOnly(request, reply);
    if (!session) return reply;
    // Against the anchor outside the database: a chain rewritten with every hash recomputed verifies on its own.
    const report = await verifyAuditLog(app.db, deps.now(), { anchorPath: anchorPathFor(app.config.keyringPath) });
    return dpoPageOf(request, reply, session, { report });
  });

  app.post<{ Params: { id: string } }>(
    '/staff/dpo/disclosures/:id',
    { schema: { hide: true, params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, required: ['id'] }, body: decisionBody }, attachValidation: true },
    async (request, reply) => {
      const session = await dpoOnly(request, reply);
      if (!session) return reply;
      if (validationProblem(request)) return dpoPageOf(request, reply, session, { error: 'Choose approve or reject.' }, 400);
      const decision = (request.body as Body).decision as 'approved' | 'rejected';
      try {
        await app.db.transaction().execute((trx) => deps.kernel.decideDisclosure(trx, { approval: request.params.id, decision, actor: staffActor(session.user.id, session.user.role!) }));
      } catch (err) {
        if (!isPrivacyRefusal(err)) throw err;
        return dpoPageOf(request, reply, session, { error: `Not recorded: ${err.message}` }, 409);
      }
      return dpoPageOf(request, reply, session, { notice: decision === 'approved' ? 'The disclosure is approved; the requester may now make it.' : 'The request is rejected.' });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/staff/dpo/consents/:id',
    { schema: { hide: true, params: { type: 'object', properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } }, required: ['id'] }, body: consentReviewBody }, attachValidation: true },
    async (request, reply) => {
      const session = await dpoOnly(request, reply);
      if (!session) return reply;
      if (validationProblem(request)) return dpoPageOf(request, reply, session, { error: 'Choose confirm or reverse.' }, 400);
      const decision = (request.body as Body).decision as 'confirmed' | 'reversed';
      try {
        await app.db.transaction().execute((trx) => deps.kernel.reviewConsent(trx, { consent: Number(request.params.id), decision, actor: staffActor(session.user.id, session.user.role!) }));
      } catch (err) {
        if (!isPrivacyRefusal(err)) throw err;
        return dpoPageOf(request, reply, session, { error: `Not recorded: ${err.message}` }, 409);
      }
      return dpoPageOf(request, reply, session, { notice: decision === 'confirmed' ? 'The consent entry is confirmed.' : 'The consent entry is reversed: what held before it holds again.' });
    },
  );

  // Published: how to reach the privacy officer (the data map's organization.dpo_contact: email, phone, post).
  app.get('/privacy/contact', { schema: { hide: true } }, async (request, reply) =>
    sendPage(request, reply, contactPage({ organization: deps.kernel.map.organization.legalName, contact: deps.kernel.map.organization.dpoContact })),
  );

  // JSON API.
  const staffView = { type: 'object', properties: { id: { type: 'string' }, role: { type: 'string' }, second_factor: { type: 'string', enum: ['required', 'enrol'] } } } as const;
  const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 429: errorResponse };

  app.post('/api/staff/login', { schema: { tags, summary: 'Staff sign-in', body: loginBody, response: { 200: staffView, ...errors } } }, async (request, reply) => {
    const user = await passwordSignIn(request, 'staff');
    const issued = await app.db.transaction().execute((trx) => halfSession(trx, user));
    await signIn(request, reply, issued);
    return { id: user.id, role: user.role, second_factor: issued.session.stage === 'enrol' ? 'enrol' : 'required' };
  });

  app.get(
    '/api/staff/2fa/enrol',
    {
      schema: {
        tags,
        summary: 'Start setting up the second factor: the TOTP secret and its otpauth URI',
        response: { 200: { type: 'object', properties: { secret: { type: 'string' }, uri: { type: 'string' } } }, ...errors },
      },
    },
    async (request) => {
      const session = await waitingAt(request, 'enrol');
      if (!session) throw new AppError('UNAUTHENTICATED', 'Sign in with your password first; the second factor is set up once.');
      const secret = await app.db.transaction().execute((trx) => startEnrolment(deps.kernel, trx, session.user));
      return { secret, uri: otpauthUri(secret, deps.shopName, `staff-${session.user.id.slice(0, 8)}`) };
    },
  );

  app.post(
    '/api/staff/2fa/enrol',
    {
      schema: {
        tags,
        summary: 'Confirm the second factor with a first code; returns the recovery codes (shown once)',
        body: codeBody,
        response: { 200: { type: 'object', properties: { recovery_codes: { type: 'array', items: { type: 'string' } } } }, ...errors },
      },
    },
    async (request, reply) => {
      const session = await waitingAt(request, 'enrol');
      if (!session) throw new AppError('UNAUTHENTICATED', 'Sign in with your password first; the second factor is set up once.');
      const codes = await app.db.transaction().execute(async (trx) => {
        const recovery = await finishEnrolment(deps.kernel, trx, session.user, (request.body as Body).code!, deps.now());
        await promote(request, reply, trx, session);
        return recovery;
      });
      return { recovery_codes: codes };
    },
  );

  app.post(
    '/api/staff/2fa',
    { schema: { tags, summary: 'Enter the second-factor code (or a recovery code) after the password', body: codeBody, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      const session = await waitingAt(request, 'second-factor');
      if (!session) throw new AppError('UNAUTHENTICATED', 'Sign in with your password first.');
      await verifySecondFactor(request, session, (request.body as Body).code!);
      await app.db.transaction().execute((trx) => promote(request, reply, trx, session));
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/staff/users',
    {
      schema: {
        tags,
        summary: 'Add a staff member (owner only); they are mailed a link to set their password',
        body: staffBody,
        response: { 201: { type: 'object', properties: { id: { type: 'string' } } }, ...errors },
      },
    },
    async (request, reply) => {
      const session = await staffApi(request);
      if (session.user.role !== 'owner') throw new AppError('FORBIDDEN', 'Only an owner manages staff members.');
      const body = request.body as Body;
      const { user } = await app.db.transaction().execute((trx) => createStaff(deps, trx, { name: body.name!, email: body.email!, role: body.role!, actor: staffActor(session.user.id, 'owner') }));
      return reply.code(201).send({ id: user.id });
    },
  );

  app.post<{ Params: { id: string }; Body: { role?: string; status?: 'active' | 'disabled' } }>(
    '/api/staff/users/:id',
    {
      schema: {
        tags,
        summary: "Change a staff member's role or disable them (owner only); their sessions end",
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { role: { type: 'string', enum: [...staffRoles] }, status: { type: 'string', enum: ['active', 'disabled'] } },
        },
        response: { 200: { type: 'object', properties: { id: { type: 'string' }, role: { type: 'string' }, status: { type: 'string' } } }, ...errors, 404: errorResponse, 409: errorResponse },
      },
    },
    async (request) => {
      const session = await staffApi(request);
      if (session.user.role !== 'owner') throw new AppError('FORBIDDEN', 'Only an owner manages staff members.');
      const updated = await app.db.transaction().execute((trx) => updateStaff(trx, { id: request.params.id, ...request.body, by: session.user }));
      return { id: updated.id, role: updated.role, status: updated.status };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/staff/users/:id/reinvite',
    {
      schema: {
        tags,
        summary: "Wipe a staff member's password and second factor and mail a new invitation (owner only)",
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        body: emptyBody,
        response: { 202: { type: 'object', properties: { status: { type: 'string' } } }, ...errors, 404: errorResponse },
      },
    },
    async (request, reply) => {
      const session = await staffApi(request);
      if (session.user.role !== 'owner') throw new AppError('FORBIDDEN', 'Only an owner manages staff members.');
      await app.db.transaction().execute((trx) => reinviteStaff(deps, trx, { id: request.params.id }));
      return reply.code(202).send({ status: 'invitation-sent' });
    },
  );

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
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['purpose', 'categories'],
          properties: { purpose, categories: { type: 'array', items: category, minItems: 1, maxItems: 20 } },
        },
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
