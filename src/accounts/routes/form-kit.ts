// The form handling every sign-in area shares (customer, staff, vendor): the form state with its
// CSRF token, running a form's action and showing the form again with the fields named, signing
// in with token rotation, checking a password sign-in, and the GET page of a mailed
// set-password link.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { logIn } from '../customers.ts';
import type { Page } from '../pages/customer.ts';
import { invalidLinkPage, passwordAlreadySetPage } from '../pages/customer.ts';
import type { FormState } from '../../web/form.ts';
import { SESSION_COOKIE } from '../plugin.ts';
import { endSession, type ActiveSession } from '../sessions.ts';
import type { UserKind, UserRow } from '../tables.ts';
import { tokenIsLive, usedTokenUser } from '../tokens.ts';
import { userById } from '../users.ts';
import { sendPage } from '../../web/page.ts';
import { handleForm } from '../../web/form-handling.ts';
import { tokenQuery } from './schemas.ts';

export { formRoute } from '../../web/form-handling.ts';

export interface FormKit {
  state(request: FastifyRequest, reply: FastifyReply, extra?: Partial<FormState>): FormState;
  /** Runs `action` unless the body failed validation; on a client error shows the form again with what was typed in `keep`. */
  handleForm(request: FastifyRequest, reply: FastifyReply, keep: readonly string[], form: (s: FormState) => Page, action: () => Promise<FastifyReply>, checks?: () => unknown): Promise<FastifyReply>;
  /** Signs in: the visitor's cookie token (or an older session) is replaced by the new session token. */
  signIn(request: FastifyRequest, reply: FastifyReply, issued: { token: string; session: ActiveSession }): Promise<void>;
  /** A password sign-in of a user of `kind` from the body's email and password, or the error to show. */
  passwordSignIn(request: FastifyRequest, kind: UserKind): Promise<UserRow>;
  /** Registers the GET page of a mailed set-password link: its form, or "this link is not valid". */
  setPasswordLink(path: string, page: (s: FormState, token: string) => Page): void;
}

export function formKit(app: FastifyInstance): FormKit {
  const { accounts } = app;
  const deps = accounts.deps;
  const state: FormKit['state'] = (request, reply, extra = {}) => ({ csrf: accounts.formToken(request, reply), ...extra });
  return {
    state,
    handleForm: (request, reply, keep, form, action, checks) => handleForm(request, reply, (extra) => state(request, reply, extra), keep, form, action, checks),
    async signIn(request, reply, issued) {
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await endSession(app.db, previous);
      accounts.startSession(reply, issued.token, issued.session);
    },
    async passwordSignIn(request, kind) {
      const body = request.body as Record<string, string>;
      const result = await logIn(deps, app.db, { email: body.email!, password: body.password!, ip: request.ip, kind });
      if (result.ok) return result.user;
      const codes = { locked: 'LOGIN_LOCKED', pending: 'EMAIL_NOT_CONFIRMED', deactivated: 'ACCOUNT_DEACTIVATED', wrong: 'LOGIN_FAILED' } as const;
      throw new AppError(codes[result.reason]);
    },
    setPasswordLink(path, page) {
      app.get<{ Querystring: { token?: string } }>(path, { schema: { hide: true, querystring: tokenQuery } }, async (request, reply) => {
        const token = request.query.token ?? '';
        if (!(await tokenIsLive(app.db, token, 'reset-password', deps.now()))) {
          // A used link of an account that has its password now (e.g. the set-password link in two order mails): say so.
          const usedBy = await usedTokenUser(app.db, token, 'reset-password');
          const user = usedBy ? await userById(app.db, usedBy) : null;
          if (user?.status === 'active') return sendPage(request, reply, passwordAlreadySetPage(`/${path.split('/')[1]}/login`), 400);
          return sendPage(request, reply, invalidLinkPage(), 400);
        }
        return sendPage(request, reply, page(state(request, reply), token));
      });
    },
  };
}
