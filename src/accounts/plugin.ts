// The sign-in machinery every module shares: the visitor cookie, the session of a request, and
// the one CSRF check on every unsafe request. Registered once at the root (not encapsulated), so
// its hook guards every form of every module registered before or after it.
import { createHmac } from 'node:crypto';
import { BlockList, isIPv4 } from 'node:net';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../platform/db/database.ts';
import { AppError } from '../platform/errors.ts';
import type { PrivacyKernel, Actor } from '../privacy/index.ts';
import type { AccountsDeps } from './customers.ts';
import { customerForCheckout, type CheckoutCustomer, type CheckoutCustomerInput } from './checkout-customer.ts';
import { CSRF_FIELD, csrfToken, csrfValid } from './csrf.ts';
import { isOwnOrigin } from '../web/origin.ts';
import { clearCookieOptions, type CookieDeclaration, cookieOptions, durationWords } from '../web/cookies.ts';
import type { AccountMailer } from './mail.ts';
import { ensureDecoy } from './identity.ts';
import { seedDemoLogins } from '../demo/index.ts';
import { currentParams } from './passwords.ts';
import { alertStaff } from './alerts.ts';
import { loadSecret, throttleSecret as throttleSecretOf } from './secrets.ts';
import { recordSecurityEvent } from './security-events.ts';
import { actorOfUser, createSession, endSession, findSession, sessionLifetimes, type ActiveSession } from './sessions.ts';
import { findApiToken } from './api-tokens.ts';
import { confirmOwnPassword, logIn, type LoginResult } from './customers.ts';
import type { UserKind, UserRow } from './tables.ts';
import { randomToken, TOKEN_SHAPE } from './tokens.ts';
import { lockoutPolicy, networkOf } from './throttle.ts';
import { mayMail } from './mail-throttle.ts';
import { staffPageGate, type StaffPageGate } from './routes/staff-gate.ts';
import { staffLabels } from './staff.ts';

/** The one cookie: an opaque random token. `__Host-` pins it to this host, Secure and Path=/. */
export const SESSION_COOKIE = '__Host-session';

const { customer: customerLife, staff: staffLife, vendor: vendorLife } = sessionLifetimes;
/** The session cookie in the inventory (src/web/cookies.ts); every setCookie of it takes these options. */
export const sessionCookie: CookieDeclaration = {
  name: SESSION_COOKIE,
  purpose: 'Protects the forms you fill in against forgery (set when you first open one) and keeps you signed in. Needed to check out, sign in and use your account.',
  lifetime: `Until you close your browser; once you sign in as a customer, at most ${durationWords(customerLife.absoluteMs)}, and you are signed out after ${durationWords(customerLife.idleMs)} without use. Staff and vendor sign-ins end with the browser, after ${durationWords(staffLife.idleMs)} (staff) or ${durationWords(vendorLife.idleMs)} (vendors) without use, at the latest after ${durationWords(Math.max(staffLife.absoluteMs, vendorLife.absoluteMs))}.`,
  contents: 'An opaque random id (the shop keeps only a fingerprint of it).',
  attributes: { path: '/', secure: true, httpOnly: true, sameSite: 'lax' },
  maxAgeSeconds: null,
};

export interface AccountsApi {
  deps: AccountsDeps;
  /** The signed-in session of this request, or null. */
  session(request: FastifyRequest): Promise<ActiveSession | null>;
  /** The session of a signed-in user of `kind`, or an UNAUTHENTICATED error. */
  requireSession(request: FastifyRequest, kind: UserKind): Promise<ActiveSession>;
  /** For a customer's own pages: the signed-in customer, or null after a redirect to sign in. */
  customerPage(request: FastifyRequest, reply: FastifyReply): Promise<ActiveSession | null>;
  /** For a staff console page: the staff session (of one of `roles`, when given), or null after a redirect; FORBIDDEN for another role. */
  staffPage: StaffPageGate;
  /** How staff members (by user id) are named to `reader` on a record of who did what: names when the reader's role may read them, else roles. */
  staffLabels(db: Db, ids: readonly string[], reader: Actor): Promise<Map<string, string>>;
  /** The CSRF token to put in a form (sets the visitor cookie when there is none yet). */
  formToken(request: FastifyRequest, reply: FastifyReply): string;
  /** Sets the cookie of a new session (after sign-in); the visitor token it replaces is gone. */
  startSession(reply: FastifyReply, token: string, session: ActiveSession): void;
  /** Ends the cookie (after sign-out). */
  clearSession(reply: FastifyReply): void;
  /** Checks a customer's email and password as a sign-in does (failures count towards the lockout), without signing in. */
  checkPassword(db: Db, input: { email: string; password: string; ip: string }): Promise<LoginResult & { actor?: Actor }>;
  /** Whether this is the signed-in user's password (a wrong one counts towards the lockout), for confirming a weighty step. */
  confirmPassword(db: Db, user: UserRow, password: string, ip: string): Promise<boolean>;
  /** Signs a user in: a new session, its cookie; the request's earlier session ends. */
  signIn(request: FastifyRequest, reply: FastifyReply, user: UserRow): Promise<void>;
  /** Signs out: ends the request's session in the database and its cookie. */
  signOut(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /**
   * The customer of a guest checkout, in the checkout's transaction: the account of that email
   * (nothing in it changes) or a new pending one, whose owner is mailed a set-password link.
   * Same answer shape and same kind of work either way; never show `created` to the buyer.
   */
  customerForCheckout(db: Db, input: CheckoutCustomerInput): Promise<CheckoutCustomer>;
  /** Takes one mail to `email` asked from `ip` from the allowances of mail anyone can trigger (mail-throttle.ts); false when spent. */
  mayMail(db: Db, email: string, ip: string): Promise<boolean>;
  /** A keyed digest of the network of `ip` (the /64 for IPv6), for counts other modules keep per source; `label` keeps uses apart. */
  sourceOf(ip: string, label?: string): Buffer;
}

declare module 'fastify' {
  interface FastifyInstance {
    accounts: AccountsApi;
  }
  interface FastifyRequest {
    accountSession: Promise<ActiveSession | null> | null;
    visitorToken: string | null;
  }
}

export interface AccountsPluginOptions {
  mailer: (app: FastifyInstance) => AccountMailer;
  now?: () => Date;
}

/** The token of an `Authorization: Bearer` header, or null when there is none. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7).trim() : null;
}

function cookieToken(request: FastifyRequest): string | undefined {
  const value = request.cookies[SESSION_COOKIE];
  return value && TOKEN_SHAPE.test(value) ? value : undefined;
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** No Origin (a same-origin GET-born form in an old browser, a non-browser client), or this shop's, compared whole. */
function sameOrigin(request: FastifyRequest, publicUrl: string): boolean {
  const origin = request.headers.origin;
  return origin === undefined || isOwnOrigin(request, origin, publicUrl);
}

/** A test for "is this address in one of these networks", or null when any address may come. */
export function staffAllowList(networks: readonly string[]): ((ip: string) => boolean) | null {
  if (networks.length === 0) return null;
  const list = new BlockList();
  for (const cidr of networks) {
    const [address = '', prefix = ''] = cidr.split('/');
    list.addSubnet(address, Number(prefix), isIPv4(address) ? 'ipv4' : 'ipv6');
  }
  return (ip) => {
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
    const address = v4 ?? ip;
    return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  };
}

export function accountsPlugin(options: AccountsPluginOptions): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    const kernel: PrivacyKernel = app.privacy;
    const csrfKey = await loadSecret(app.db, 'csrf');
    const throttleSecret = throttleSecretOf(kernel);
    const now = options.now ?? (() => new Date());
    const passwordCosts = app.config.testPasswordCosts ?? currentParams;
    const decoy = await ensureDecoy(kernel, app.db, passwordCosts);
    const deps: AccountsDeps = {
      kernel,
      decoy,
      mail: options.mailer(app),
      throttleSecret,
      publicUrl: app.config.publicUrl,
      shopName: app.config.shopName,
      now,
      throttle: lockoutPolicy(app.config.loginLockout),
      staffPasswordMaxAgeDays: app.config.staffPasswordMaxAgeDays,
      passwordCosts,
    };

    app.decorateRequest('accountSession', null);
    app.decorateRequest('visitorToken', null);

    // A request with a bearer token is authenticated by that token alone, never by a cookie it
    // also carries: a staff member's personal API token, or nobody.
    const session = (request: FastifyRequest): Promise<ActiveSession | null> => {
      if (!request.accountSession) {
        const bearer = bearerToken(request);
        const token = cookieToken(request);
        request.accountSession = bearer !== null ? tokenSession(bearer) : token ? findSession(app.db, token, now()) : Promise.resolve(null);
      }
      return request.accountSession;
    };
    const tokenSession = async (bearer: string): Promise<ActiveSession | null> => {
      const found = await findApiToken(app.db, kernel.map, bearer, now());
      if (!found) return null;
      return { id: `token:${found.tokenId}`, user: found.user, expiresAt: found.expiresAt, stage: 'full', actor: actorOfUser(found.user), via: 'token' };
    };

    const api: AccountsApi = {
      deps,
      session,
      async requireSession(request, kind) {
        const s = await session(request);
        if (!s && bearerToken(request) !== null) {
          throw new AppError('UNAUTHENTICATED', "This route takes a personal API token (made in the staff console) or a signed-in session; the shop's shared token reaches only the catalogue.");
        }
        if (!s || s.user.kind !== kind) throw new AppError('UNAUTHENTICATED', 'Sign in first.');
        if (s.stage !== 'full') throw new AppError('UNAUTHENTICATED', s.stage === 'enrol' ? 'Set up your second factor first.' : 'Enter the code of your second factor first.');
        return s;
      },
      async customerPage(request, reply) {
        const s = await session(request);
        if (s?.user.kind === 'customer' && s.via === 'cookie') return s;
        void reply.redirect('/account/login', 303);
        return null;
      },
      formToken(request, reply) {
        let token = request.visitorToken ?? cookieToken(request);
        if (!token) {
          token = randomToken();
          reply.setCookie(SESSION_COOKIE, token, cookieOptions(sessionCookie));
        }
        request.visitorToken = token;
        return csrfToken(csrfKey, token);
      },
      startSession(reply, token, s) {
        const life = sessionLifetimes[s.user.kind];
        // Customers stay signed in across browser restarts; staff and vendor cookies die with the browser.
        const maxAge = s.user.kind === 'customer' ? Math.floor(life.absoluteMs / 1000) : undefined;
        reply.setCookie(SESSION_COOKIE, token, cookieOptions(sessionCookie, maxAge ?? null));
        reply.request.visitorToken = token;
      },
      clearSession(reply) {
        reply.clearCookie(SESSION_COOKIE, clearCookieOptions(sessionCookie));
      },
      async signOut(request, reply) {
        const token = request.cookies[SESSION_COOKIE];
        if (token) await endSession(app.db, token);
        api.clearSession(reply);
      },
      customerForCheckout: (db, input) => customerForCheckout(deps, db, input),
      mayMail: (db, email, ip) => mayMail(deps, db, email, ip),
      sourceOf: (ip, label = 'unpaid-hold') =>
        createHmac('sha256', throttleSecret)
          .update(`${label}\0${networkOf(ip)}`)
          .digest(),
      async checkPassword(db, input) {
        const result = await logIn(deps, db, { ...input, kind: 'customer' });
        // The password was right (signed in, or a deactivated account to reactivate): the person is authenticated.
        return result.user && (result.ok || result.reason === 'deactivated') ? { ...result, actor: actorOfUser(result.user) } : result;
      },
      confirmPassword: (db, user, password, ip) => confirmOwnPassword(deps, db, user, password, ip),
      async signIn(request, reply, user) {
        const previous = request.cookies[SESSION_COOKIE];
        if (previous) await endSession(app.db, previous);
        const issued = await createSession(app.db, user, now());
        api.startSession(reply, issued.token, issued.session);
      },
      staffPage: (request, reply, options) => staffGate(request, reply, options),
      staffLabels: (db, ids, reader) => staffLabels(deps, db, ids, reader),
    };
    app.decorate('accounts', api);
    const staffGate = staffPageGate(app);
    if (app.config.demoData && (await seedDemoLogins(deps, app.db))) app.log.info('demo sign-ins made (see the start banner)');

    // The staff area answers only the networks in STAFF_NETWORKS, when set (P000-14).
    const allowed = staffAllowList(app.config.staffNetworks);
    if (allowed) {
      app.addHook('onRequest', async (request) => {
        const path = request.url.split('?')[0]!;
        if (path !== '/staff' && !path.startsWith('/staff/') && !path.startsWith('/api/staff/')) return;
        if (!allowed(request.ip)) throw new AppError('FORBIDDEN', 'The staff area cannot be reached from this network.');
      });
    }

    // Rate-limit hits (P002-19) are counted here and recorded at most once a minute as one event,
    // so a flood of refused requests does not become a flood of database writes.
    let rateLimited = 0;
    let lastRecorded = 0;
    app.addHook('onError', async (_request, _reply, error) => {
      if (!(error instanceof AppError) || error.code !== 'RATE_LIMITED') return;
      rateLimited++;
      const at = now();
      if (at.getTime() - lastRecorded < 60_000) return;
      lastRecorded = at.getTime();
      const hits = rateLimited;
      rateLimited = 0;
      await recordSecurityEvent(app.db, { kind: 'rate-limited', at, detail: { hits } });
      await alertStaff(deps, app.db, 'rate-limited', at);
    });

    // The one CSRF check. Bearer-token API calls need none, but only when no cookie comes with
    // them: whenever a cookie could authenticate the request, it is checked (decision 0029).
    const checkCsrf = (request: FastifyRequest): void => {
      if (!unsafe.has(request.method) || request.is404) return;
      if ((request.headers.authorization ?? '').startsWith('Bearer ') && !request.headers.cookie) return;
      // RFC 8058 one-click unsubscribe: the mail client posts it with no cookie and no form token;
      // the unguessable token in the path is the whole authority, and it only ever withdraws.
      if (request.routeOptions.config?.oneClickUnsubscribe === true) {
        const body = request.body as Record<string, unknown> | undefined | null;
        if (body && typeof body === 'object') delete body[CSRF_FIELD];
        return;
      }
      const type = String(request.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      if (type === 'application/json') {
        if (!sameOrigin(request, app.config.publicUrl)) throw new AppError('CSRF_INVALID', 'Cross-site requests are not accepted.');
        return;
      }
      const body = request.body as Record<string, unknown> | undefined | null;
      const submitted = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
      if (!sameOrigin(request, app.config.publicUrl) || !csrfValid(csrfKey, cookieToken(request), submitted)) throw new AppError('CSRF_INVALID');
      delete body![CSRF_FIELD];
    };
    app.addHook('preValidation', (request, _reply, done) => {
      // Synchronous: a safe method (every page view) passes without a promise per request.
      try {
        checkCsrf(request);
      } catch (err) {
        done(err as Error);
        return;
      }
      done();
    });
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
