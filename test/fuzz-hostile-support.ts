// The hostile values of the fuzz (issue 18's list) and how an answer to them is judged: refused,
// naming its problem, and showing no injection at work. Shared by fuzz-refusals.test.ts and
// fuzz-injections.test.ts, which run in parallel.
import type { FastifyInstance } from 'fastify';
import { cookieOf, type Who } from './fuzz-support.ts';

export const MB = 1024 * 1024;
const DEPTH = 10_000;

export const SQL = ["' OR '1'='1' --", '1; DROP TABLE catalogue_products; --', "x') UNION SELECT email FROM accounts_users --", "\\'; select pg_sleep(5); --"];
const SCRIPT = '<script>alert("fuzz")</script>';
export const HTML = [SCRIPT, '"><img src=x onerror=alert(1)>', `'${SCRIPT}`];
export const HEADER = ['fuzz\r\nSet-Cookie: injected=1', 'fuzz\r\nLocation: https://evil.example/', 'fuzz\nX-Injected: 1', 'fuzz\r\n\r\n<html>injected'];
/** Path traversal as typed (sent percent-encoded) and already encoded (sent as it is). */
export const TRAVERSAL = ['../../../../etc/passwd', '..\\..\\..\\windows\\win.ini', '....//....//etc/passwd'];
export const TRAVERSAL_ENCODED = ['..%2f..%2f..%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '%252e%252e%252f%252e%252e%252fetc%252fpasswd'];
export const injections = { sql: SQL, html: HTML, header: HEADER, traversal: [...TRAVERSAL, ...TRAVERSAL_ENCODED] };

export const deepArrays = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
export const deepObject = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
/** Not UTF-8: a byte that never starts a character, a broken sequence, and an encoded surrogate. */
export const badBytes = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]);

// Tables that record requests, refused or not: the kernel's audit of reads, the job queue, the
// site-use counts, the rate-limit counters, the sessions (last seen), and the refused sign-ins
// (the throttle and the security events a refused password or code is recorded in).
export const RECORDS_EVERY_REQUEST = /audit|^jobs$|^analytics_|^rate_limits$|^accounts_(sessions|throttle|security_events)$/;

export interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

export type Body = { payload: string | Buffer; type: string };

/** Refused: a 4xx, or a signed-out visitor (or a staff member past a step) sent to sign in first. */
export const refused = (res: Answer): boolean => (res.statusCode >= 400 && res.statusCode < 500) || (res.statusCode === 303 && /\/login$|\/2fa$|^\/staff$/.test(String(res.headers.location ?? '')));

/** Why a refusal does not name its problem, or null when it does. */
export function unnamed(res: Answer): string | null {
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('json')) {
    let error: { code?: unknown; message?: unknown; fields?: { field: string }[] } | undefined;
    try {
      error = JSON.parse(res.body).error;
    } catch {
      return 'the JSON answer does not parse';
    }
    if (typeof error?.code !== 'string' || typeof error.message !== 'string' || !error.message) return 'no error code and message';
    if (/^(VALIDATION_FAILED|BAD_JSON|URL_TOO_LONG)$/.test(error.code) && !error.fields?.length) return `a ${error.code} that names no field`;
    return null;
  }
  // A form shown again with its errors, the error page, or a page whose heading says what is wrong.
  if (type.includes('html')) return /role="alert"|class="error-page"|class="error"|<h1>[^<]*\bnot\b/.test(res.body) ? null : 'the page shows no error';
  return `an answer of type ${type || 'none'}`;
}

/** Why an answer shows an injection working, or null. */
export function injected(res: Answer): string | null {
  for (const [name, value] of Object.entries(res.headers)) {
    if (/injected/i.test(name)) return `header ${name}`;
    if (/injected|evil\.example/i.test(String(value))) return `header ${name}: ${String(value).slice(0, 60)}`;
  }
  if (String(res.headers['content-type'] ?? '').includes('html')) {
    if (res.body.includes(SCRIPT) || res.body.includes('<img src=x onerror')) return 'the script echoed unescaped';
  }
  if (res.body.includes('root:x:0:0')) return 'a system file served';
  return null;
}

/** Sends requests as a visitor (their cookies, address and headers) and counts them. */
export function hostileSender(app: FastifyInstance) {
  const sender = {
    sent: 0,
    async send(who: Who, method: string, url: string, body: Body | null, accept: string): Promise<Answer> {
      sender.sent++;
      const res = await app.inject({
        method: method as 'POST',
        url,
        remoteAddress: who.client.ip,
        headers: { accept, cookie: cookieOf(who.client), ...who.headers, ...(body ? { 'content-type': body.type } : {}) },
        ...(body ? { payload: body.payload } : {}),
      });
      return { statusCode: res.statusCode, headers: res.headers, body: res.body };
    },
  };
  return sender;
}

/** One of `values`, by the seeded generator. */
export const pick = <T>(rand: () => number, values: readonly T[]): T => values[Math.floor(rand() * values.length)]!;
