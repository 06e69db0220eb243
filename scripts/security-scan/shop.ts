// The shop the security scan attacks: `npm start`'s own entry (src/main.ts) as a child process, on
// embedded PGlite in a fresh temp DATA_DIR with the demo data, serving HTTPS on 127.0.0.1 with a
// throw-away self-signed certificate (as a real shop serves it: Secure cookies, HSTS), on free
// ports. Also the HTTP client the scan signs in with (it trusts only that certificate).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { stepAt, totpCode } from '../../src/accounts/index.ts';
import { demoLogins } from '../../src/demo/index.ts';
import { scriptFlags } from '../../src/platform/testing/script-flags.ts';
import { selfSignedCertificate } from '../../src/platform/testing/certificate.ts';
import { freePort } from '../../src/platform/testing/free-port.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface Answer {
  status: number;
  location: string | undefined;
  /** name=value of every Set-Cookie, as a browser would send them back. */
  cookies: Record<string, string>;
  body: string;
}

export interface Shop {
  origin: string;
  /** The certificate the shop serves (PEM), for clients that verify it. */
  ca: string;
  /** The shop's stdout and stderr: JSON log lines, one per request at LOG_LEVEL info. */
  logPath: string;
  request(path: string, options?: { method?: 'GET' | 'POST'; cookies?: Record<string, string>; form?: Record<string, string> }): Promise<Answer>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the shop under `workDir` (its data, certificate and log go there) and waits until it answers. */
export async function startShop(workDir: string, startTimeoutMs = 120_000): Promise<Shop> {
  const dataDir = join(workDir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  const { cert, key } = selfSignedCertificate(workDir);
  const ca = readFileSync(cert, 'utf8');
  const port = await freePort();
  const origin = `https://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: origin,
    TLS_CERT_PATH: cert,
    TLS_KEY_PATH: key,
    SANDBOX_PROCESSOR_PORT: String(await freePort()),
    // The scanners send thousands of requests a minute from one address; with the limit on they
    // would mostly read 429s and test nothing (decision 0070).
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'info',
    DEMO_DATA: 'true',
  };
  // The embedded database, as `npm start` without settings; CI exports DATABASE_URL for its tests.
  for (const name of ['DATABASE_URL', 'DATABASE_DIRECT_URL', 'DATABASE_REPLICA_URL', 'CUSTODIAN_CONFIG', 'STAFF_NETWORKS']) delete env[name];
  const logPath = join(workDir, 'shop.log');
  const log = createWriteStream(logPath);
  const child: ChildProcess = spawn(process.execPath, [...scriptFlags('start'), 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = code ?? (signal ? -1 : null);
      resolve();
    });
  });
  // Whatever ends the scan (an exception, Ctrl+C), the shop does not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const request: Shop['request'] = (path, options = {}) =>
    new Promise((resolve, reject) => {
      const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
      const cookie = Object.entries(options.cookies ?? {})
        .map(([n, v]) => `${n}=${v}`)
        .join('; ');
      const req = httpsRequest(
        `${origin}${path}`,
        {
          method: options.method ?? 'GET',
          ca,
          agent: false,
          headers: {
            accept: 'text/html',
            ...(cookie ? { cookie } : {}),
            ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', origin } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => {
            const cookies: Record<string, string> = {};
            for (const line of res.headers['set-cookie'] ?? []) {
              const [pair] = line.split(';');
              const at = pair!.indexOf('=');
              cookies[pair!.slice(0, at)] = pair!.slice(at + 1);
            }
            resolve({ status: res.statusCode!, location: res.headers.location, cookies, body: text });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= halt());
  const halt = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      await Promise.race([exit, sleep(20_000)]);
      if (exited === undefined) child.kill('SIGKILL');
      await exit;
    }
    process.off('exit', killOnExit);
    await new Promise((resolve) => log.end(resolve));
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`the shop exited (code ${exited}) before it answered; its log: ${logPath}`);
    }
    const up = await request('/').then(
      (a) => a.status === 200,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the shop did not answer within ${startTimeoutMs / 1000} s; its log: ${logPath}`);
    }
    await sleep(500);
  }
  return { origin, ca, logPath, request, stop };
}

const csrfOf = (html: string): string => {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF field on the page');
  return token;
};

/** A visitor's cookie (as the first form page sets it) with a cart holding the first product on `productPath`. */
export async function visitorWithCart(shop: Shop, productPath: string): Promise<Record<string, string>> {
  // A product page is cached for visitors without a cookie: its form carries no token until one is set.
  const cookies = { ...(await shop.request('/account/login')).cookies };
  const page = await shop.request(productPath, { cookies });
  const variant = /name="variant_id" value="([^"]+)"/.exec(page.body)?.[1];
  if (!variant) throw new Error(`no option to buy on ${productPath}`);
  const added = await shop.request('/cart/add', { method: 'POST', cookies, form: { _csrf: csrfOf(page.body), variant_id: variant, quantity: '1' } });
  if (added.status !== 303) throw new Error(`adding to the cart answered ${added.status}`);
  Object.assign(cookies, added.cookies);
  if (!Object.keys(cookies).some((n) => n.includes('cart'))) throw new Error('adding to the cart set no cart cookie');
  return cookies;
}

/** The demo customer's signed-in session cookie. */
export async function customerSession(shop: Shop): Promise<Record<string, string>> {
  const page = await shop.request('/account/login');
  const { email, password } = demoLogins.customer;
  const signedIn = await shop.request('/account/login', { method: 'POST', cookies: page.cookies, form: { _csrf: csrfOf(page.body), email, password } });
  if (signedIn.status !== 303 || !signedIn.cookies['__Host-session']) throw new Error(`the demo customer's sign-in answered ${signedIn.status}`);
  return { '__Host-session': signedIn.cookies['__Host-session'] };
}

/** The demo owner's signed-in staff session: password, then the second factor set up as at a first sign-in. */
export async function ownerSession(shop: Shop): Promise<Record<string, string>> {
  const page = await shop.request('/staff/login');
  const { email, password } = demoLogins.owner;
  const half = await shop.request('/staff/login', { method: 'POST', cookies: page.cookies, form: { _csrf: csrfOf(page.body), email, password } });
  if (half.status !== 303 || half.location !== '/staff/2fa/enrol') throw new Error(`the demo owner's sign-in answered ${half.status} to ${half.location}`);
  let cookies = { '__Host-session': half.cookies['__Host-session']! };
  const enrol = await shop.request('/staff/2fa/enrol', { cookies });
  const secret = /id="totp-secret"[^>]*>([^<]+)</.exec(enrol.body)?.[1]?.replace(/\s/g, '');
  if (!secret) throw new Error('no TOTP secret on the enrolment page');
  const done = await shop.request('/staff/2fa/enrol', { method: 'POST', cookies, form: { _csrf: csrfOf(enrol.body), code: totpCode(secret, stepAt(new Date())) } });
  if (done.status !== 200) throw new Error(`confirming the second factor answered ${done.status}`);
  if (done.cookies['__Host-session']) cookies = { '__Host-session': done.cookies['__Host-session'] };
  return cookies;
}

/**
 * The demo vendor user's signed-in portal session. A vendor user sees nothing but the data-use terms
 * until they accept the version in force (README "Vendor portal"), so this accepts it as a first
 * sign-in does: otherwise every portal page would redirect to the terms and nothing be scanned.
 */
export async function vendorSession(shop: Shop): Promise<Record<string, string>> {
  const page = await shop.request('/vendor/login');
  const { email, password } = demoLogins.vendor;
  const signedIn = await shop.request('/vendor/login', { method: 'POST', cookies: page.cookies, form: { _csrf: csrfOf(page.body), email, password } });
  if (signedIn.status !== 303 || signedIn.location !== '/vendor' || !signedIn.cookies['__Host-session']) {
    throw new Error(`the demo vendor's sign-in answered ${signedIn.status} to ${signedIn.location}`);
  }
  const cookies = { '__Host-session': signedIn.cookies['__Host-session'] };
  const home = await shop.request('/vendor', { cookies });
  if (home.status === 303 && home.location === '/vendor/terms') {
    const terms = await shop.request('/vendor/terms', { cookies });
    const version = /name="version" value="(\d+)"/.exec(terms.body)?.[1];
    if (!version) throw new Error('no terms version on /vendor/terms');
    const accepted = await shop.request('/vendor/terms', { method: 'POST', cookies, form: { _csrf: csrfOf(terms.body), version, agree: 'yes' } });
    if (accepted.status !== 303) throw new Error(`accepting the vendor terms answered ${accepted.status}`);
  } else if (home.status !== 200) {
    throw new Error(`the vendor portal answered ${home.status} to ${home.location} after sign-in`);
  }
  if (!(await stillSignedIn(shop, '/vendor', cookies))) throw new Error('the vendor portal does not open after sign-in and the terms');
  return cookies;
}

/** The ids in the forms that would end the scan's own sessions: the demo owner's staff record and the demo vendor. */
export interface OwnIds {
  /** The demo owner's user id (its role and status form on /staff/users). */
  owner: string;
  /** The demo vendor's id (its suspend button on /staff/vendors). */
  vendor: string;
}

/** Reads `OwnIds` from the owner's own console pages (the scan has no other way into the shop's database). */
export async function ownIds(shop: Shop, owner: Record<string, string>): Promise<OwnIds> {
  const users = await shop.request('/staff/users', { cookies: owner });
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ownerId = new RegExp(`for="role-([0-9a-f-]{36})">Role of ${literal(demoLogins.owner.name)}<`).exec(users.body)?.[1];
  if (users.status !== 200 || !ownerId) throw new Error(`no form of ${demoLogins.owner.name} on /staff/users (${users.status})`);
  const vendors = await shop.request('/staff/vendors', { cookies: owner });
  const vendorId = new RegExp(`action="/staff/vendors/([0-9a-f-]{36})/suspend"(?:(?!</form>)[\\s\\S])*Suspend ${literal(demoLogins.vendor.vendorName)}<`).exec(vendors.body)?.[1];
  if (vendors.status !== 200 || !vendorId) throw new Error(`no suspend button of ${demoLogins.vendor.vendorName} on /staff/vendors (${vendors.status})`);
  return { owner: ownerId, vendor: vendorId };
}

/** Whether `cookies` still open `path` as a signed-in page (not a redirect to a sign-in). */
export async function stillSignedIn(shop: Shop, path: string, cookies: Record<string, string>): Promise<boolean> {
  const answer = await shop.request(path, { cookies });
  return answer.status === 200;
}
