// The security headers every answer carries (CSP, HSTS, frame, sniffing, referrer, …), worked out
// by helmet once at start-up and then copied onto each response. @fastify/helmet built a new helmet
// middleware for every request (re-parsing the CSP directives each time): about a sixth of a
// cached product page's cost. Our headers do not depend on the request (no nonces, no functions in
// the directives), so the answer helmet gives for one response is the answer for all (decision 0040).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** The headers helmet sets with these options, in its order (lower-case names). */
export function securityHeaders(options: HelmetOptions): ReadonlyArray<readonly [string, string]> {
  const csp = options.contentSecurityPolicy;
  if (csp && typeof csp === 'object') {
    for (const [name, value] of Object.entries(csp.directives ?? {})) {
      if (typeof value === 'function' || (Array.isArray(value) && value.some((v) => typeof v === 'function'))) {
        throw new Error(`CSP directive ${name} depends on the request: security headers are worked out once and cannot hold it`);
      }
    }
  }
  const headers = new Map<string, string>();
  const response = {
    setHeader(name: string, value: unknown) {
      headers.set(name.toLowerCase(), String(value));
      return response;
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  let failure: unknown;
  let finished = false;
  helmet(options)({ headers: {} } as IncomingMessage, response as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
    finished = true;
  });
  if (failure) throw failure;
  if (!finished) throw new Error('helmet did not finish synchronously: security headers cannot be worked out once');
  return [...headers];
}

/** Sets the headers on every response, before routing decides anything (404s and errors too). */
export function installSecurityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const headers = securityHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    const raw = reply.raw;
    for (const [name, value] of headers) raw.setHeader(name, value);
    done();
  });
}
