// Which staff session may open a console page: signed in as staff, past the second factor, with a
// password younger than the rotation age (else it is sent to change it), and for some pages one
// of the named roles.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { StaffRole } from '../../privacy/index.ts';
import { passwordExpired } from '../password-policy.ts';
import type { ActiveSession } from '../sessions.ts';

export type StaffPageGate = (request: FastifyRequest, reply: FastifyReply, options?: { allowExpired?: boolean; roles?: readonly StaffRole[] }) => Promise<ActiveSession | null>;

/** The staff session, or null after a redirect to sign-in, the second factor or the password page; FORBIDDEN for another role. */
export function staffPageGate(app: FastifyInstance): StaffPageGate {
  const { accounts } = app;
  return async (request, reply, options = {}) => {
    const session = await accounts.session(request);
    // Console pages are for a person at a browser: a personal API token never opens one.
    if (session?.user.kind !== 'staff' || session.via !== 'cookie') {
      void reply.redirect('/staff/login', 303);
      return null;
    }
    if (session.stage !== 'full') {
      void reply.redirect(session.stage === 'enrol' ? '/staff/2fa/enrol' : '/staff/2fa', 303);
      return null;
    }
    if (!options.allowExpired && passwordExpired(session.user.password_changed_at, accounts.deps.now(), accounts.deps.staffPasswordMaxAgeDays)) {
      void reply.redirect('/staff/password', 303);
      return null;
    }
    // The console's navigation shows the links of this role (src/web/nav.ts).
    request.shopHeader = { ...request.shopHeader, staffRole: session.user.role! };
    if (options.roles && !options.roles.includes(session.user.role!)) throw new AppError('FORBIDDEN', `Only ${options.roles.join(' or ')} staff use this page.`);
    return session;
  };
}
