// Opt-out preference signals (P000-19, decision 0051): a signed-in customer's request carrying
// `Sec-GPC: 1` or `DNT: 1` withdraws the purposes the signal covers, through the kernel, once. A
// root hook (every module's pages), written for the storefront's speed: a request without either
// header, or without a session cookie, passes synchronously; with them, one query finds that
// nothing is left to withdraw. A visitor without an account gives the shop nothing to record:
// the shop sets no marketing or analytics cookie and pre-ticks no consent for anyone.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { SESSION_COOKIE } from '../../accounts/index.ts';
import type { OptOutSignal } from '../../privacy/index.ts';

/** The opt-out signal a request carries (GPC, the binding one, when both are sent), or null. */
export function signalOf(headers: IncomingHttpHeaders): OptOutSignal | null {
  if (String(headers['sec-gpc'] ?? '').trim() === '1') return 'gpc';
  if (String(headers.dnt ?? '').trim() === '1') return 'dnt';
  return null;
}

export const signalHook: FastifyPluginAsync = async (app) => {
  const honour = async (request: FastifyRequest, signal: OptOutSignal): Promise<void> => {
    const session = await app.accounts.session(request);
    if (session?.user.kind !== 'customer' || session.via !== 'cookie' || session.stage !== 'full') return;
    const subject = session.user.subject_id;
    await app.db.transaction().execute((trx) => app.privacy.honourSignal(trx, { subject, signal, actor: session.actor }));
  };
  app.addHook('preHandler', (request, _reply, done) => {
    const signal = request.headers['sec-gpc'] === undefined && request.headers.dnt === undefined ? null : signalOf(request.headers);
    if (signal === null || request.cookies[SESSION_COOKIE] === undefined || request.url.startsWith('/static/')) {
      done();
      return;
    }
    // A page is never lost to the signal: a failure is logged (no personal data) and tried again on the next request.
    honour(request, signal).then(
      () => done(),
      (err: unknown) => {
        request.log.warn({ code: (err as { code?: string }).code ?? (err as Error).name, signal }, 'could not record an opt-out signal');
        done();
      },
    );
  });
};
(signalHook as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
