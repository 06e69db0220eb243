// How the security scan calls sqlmap and wapiti (decision 0070): the arguments, and running one
// with its output in a log file and a hard time limit. Nothing here reaches beyond the shop: the
// wapiti modules that download databases or call wapiti's own servers are not loaded, its crash
// reports are off, and both tools run with HOME in the scan's temp folder and no proxy.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A closed local port: where anything that is not the shop is sent, so it fails instead of going online. */
const DEAD_PROXY = 'http://127.0.0.1:9';

/** The wapiti modules the scan loads: every one works offline against the shop alone. */
export const WAPITI_MODULES = [
  // injection
  'sql',
  'blindsql',
  'xss',
  'permanentxss',
  'exec',
  'file',
  'crlf',
  'redirect',
  // forms, headers and cookies
  'csrf',
  'http_headers',
  'cookieflags',
  'csp',
  // the server
  'methods',
  'backup',
  'htaccess',
] as const;

/**
 * Modules left out, and why: nikto and wapp download their databases from GitHub at each run; ssrf
 * and xxe work only through wapiti's public endpoint (wapiti3.ovh); buster and brute_login_form
 * guess paths and passwords for minutes (and would lock the demo sign-ins); shellshock attacks
 * bash CGI scripts, which a Node process has none of.
 */
export const WAPITI_ONLINE_OR_OFF_TOPIC = ['nikto', 'wapp', 'ssrf', 'xxe', 'buster', 'brute_login_form', 'shellshock'] as const;

/**
 * Forms and links the scanners must not submit: they end or weaken a signed-in session the scan
 * runs with, or deactivate or erase its account (every other form is fair game, on a throw-away
 * shop). Each is a prefix (wapiti `-x` path*, sqlmap's scope):
 * - the three sign-outs, and the customer's own deletion and deactivation;
 * - `/staff/password`: the owner's own password; a change signs the owner out everywhere else and
 *   rotates the session, and wrong current passwords count towards the sign-in lockout (the prefix
 *   also covers `/staff/password/set`, the emailed reset link, which needs a token the scan has not);
 * - `/staff/vendors/terms`: publishing a new version of the vendors' data-use terms sends every
 *   vendor user back to the terms page until they accept it, so the vendor lane would scan that
 *   page alone.
 * The owner's own role and status form and the demo vendor's suspend button have the record's id
 * in their path: `ownSessionPaths` names them once the ids are known.
 */
export const SESSION_ENDING_PATHS = [
  '/account/logout',
  '/staff/logout',
  '/vendor/logout',
  '/account/privacy/delete',
  '/account/privacy/deactivate',
  '/staff/password',
  '/staff/vendors/terms',
] as const;

/**
 * The session-ending forms whose path holds an id: saving the owner's own role and status (any
 * save ends the member's sessions, so the change applies at once) and suspending the demo vendor
 * (ends its users' sessions and the portal refuses them).
 */
export function ownSessionPaths(ids: { owner: string; vendor: string }): string[] {
  return [`/staff/users/${ids.owner}`, `/staff/vendors/${ids.vendor}/suspend`];
}

/**
 * Pages wapiti must not crawl because each fetch makes them longer: the copy of a customer's data
 * and their access log read (and audit) every item of the customer, and show those reads, so each
 * of wapiti's many re-fetches (after every payload it sends elsewhere) adds some 120 rows to parse;
 * the customer lane ran out of time parsing them. They take no input; stored script on them is
 * tested by test/fuzz-injections.test.ts and the every-page crawl.
 */
export const SELF_GROWING_PATHS = ['/account/privacy/export', '/account/privacy/access-log'] as const;

/**
 * Forms the staff lane must not submit because they take away, mid-scan, what the other lanes are
 * scanning at the same time (`*` is any text). wapiti's crawl posts every option of a form: each
 * product whose status form it reaches ends archived, and each variant it reaches is removed, so
 * the product pages, their cart forms and the checkout of a cart holding them answer 404 to the
 * visitor lane and to sqlmap (which then tested the cart form on nothing). Neither form takes free
 * text: a status out of a list (checked in code against it; the message never repeats the input)
 * and a bare confirmation.
 */
export const SHARED_DATA_PATHS = ['/staff/catalogue/products/*/status', '/staff/catalogue/products/*/variants/*/remove'] as const;

export interface WapitiRun {
  origin: string;
  /** The folder the crawl starts from and stays in ('/' or e.g. '/account/'). */
  folder: string;
  /** Where the crawl starts (defaults to the folder). */
  start?: string;
  reportPath: string;
  sessionDir: string;
  /** A wapiti JSON cookie file to send (a signed-in session); none: a visitor's cookies, set by the shop. */
  cookieFile?: string;
  modules?: readonly string[];
  /** More paths (prefixes) not to crawl or submit, besides SESSION_ENDING_PATHS and SELF_GROWING_PATHS. */
  exclude?: readonly string[];
  maxScanSeconds: number;
  maxAttackSeconds: number;
}

export function wapitiArgs(run: WapitiRun): string[] {
  const base = `${run.origin}${run.folder}`;
  return [
    ...['-u', base, '--scope', 'folder'],
    ...(run.start ? ['-s', `${run.origin}${run.start}`] : []),
    ...['-m', (run.modules ?? WAPITI_MODULES).join(',')],
    // A payload in the form token is refused (403) before any code behind the form runs: it tests
    // nothing and costs a tenth of the requests. The csrf module tests the token on its own.
    ...['--skip', '_csrf'],
    ...[...SESSION_ENDING_PATHS, ...SELF_GROWING_PATHS, ...SHARED_DATA_PATHS, ...(run.exclude ?? [])].flatMap((path) => ['-x', `${run.origin}${path}*`]),
    ...(run.cookieFile ? ['-c', run.cookieFile] : []),
    ...['--max-scan-time', String(run.maxScanSeconds), '--max-attack-time', String(run.maxAttackSeconds)],
    ...['-t', '30'],
    ...['-f', 'json', '-o', run.reportPath],
    ...['--store-session', run.sessionDir, '--store-config', run.sessionDir, '--flush-session'],
    // Never phone home: no crash reports, and the endpoint the SSRF/XXE modules would use is a closed local port.
    '--no-bugreport',
    ...['--endpoint', DEAD_PROXY],
    ...['-v', '1'],
  ];
}

/** The JSON cookie file wapiti's -c reads, for cookies of `host` (an IP address). */
export function wapitiCookieFile(host: string, cookies: Record<string, string>): string {
  const jar = Object.fromEntries(Object.entries(cookies).map(([name, value]) => [name, { value, expires: null, secure: true, port: null, version: 0 }]));
  return JSON.stringify({ [host]: { '/': jar } });
}

export interface SqlmapRun {
  /** A file of URLs, one a line (sqlmap's -m). */
  targetsFile: string;
  /** Test the forms on those pages (else the URLs' own query parameters). */
  forms: boolean;
  cookies: Record<string, string>;
  outputDir: string;
  level: number;
  risk: number;
}

export function sqlmapArgs(run: SqlmapRun): string[] {
  const cookie = Object.entries(run.cookies)
    .map(([n, v]) => `${n}=${v}`)
    .join('; ');
  const escaped = SESSION_ENDING_PATHS.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
  // --crawl-exclude needs --crawl; --scope also filters the forms --forms finds: every URL but these.
  return [
    ...['-m', run.targetsFile],
    ...(run.forms ? ['--forms', '--scope', `^(?!https?://[^/]+(?:${escaped}))`] : []),
    '--batch',
    // The shop runs on PostgreSQL (or PGlite, which is PostgreSQL): payloads for other databases are noise.
    '--dbms=PostgreSQL',
    ...[`--level=${run.level}`, `--risk=${run.risk}`],
    // One fixed session: the form tokens on the pages belong to it, and the answers' cookies do not replace it.
    ...(cookie ? ['--cookie', cookie, '--drop-set-cookie'] : []),
    '--skip=_csrf',
    '--skip-waf',
    ...['--timeout=30', '--retries=1'],
    ...['--output-dir', run.outputDir, '--flush-session'],
    '--disable-coloring',
  ];
}

export interface ToolResult {
  code: number | null;
  timedOut: boolean;
  seconds: number;
}

const running = new Set<import('node:child_process').ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Stops every scanner still running (the scan was interrupted). */
export function stopTools(): void {
  for (const child of running) child.kill('SIGTERM');
}

/**
 * wapiti through scripts/security-scan/wapiti.py (Debian's wapiti 3.0.4 with its -x fixed for
 * Python 3.11), run by the interpreter wapiti's own script names (the one its package is installed
 * for, whatever python3 comes first on PATH).
 */
export function wapitiCommand(): [string, string] {
  const script = execFileSync('sh', ['-c', 'command -v wapiti'], { encoding: 'utf8' }).trim();
  const interpreter = /^#!\s*(\S+)/.exec(readFileSync(script, 'utf8').split('\n')[0]!)?.[1];
  if (!interpreter) throw new Error(`${script} names no interpreter`);
  return [interpreter, join(import.meta.dirname, 'wapiti.py')];
}

/** Runs `command` with its stdout and stderr into `logPath`; after `timeoutSeconds` it is stopped. */
export function runTool(command: string, args: readonly string[], options: { logPath: string; home: string; timeoutSeconds: number }): Promise<ToolResult> {
  const started = Date.now();
  // Anything but the shop goes to a proxy on a closed local port, so it fails rather than leaves the machine.
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: options.home, TERM: 'dumb' };
  for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy']) delete env[name];
  Object.assign(env, { http_proxy: DEAD_PROXY, https_proxy: DEAD_PROXY, HTTP_PROXY: DEAD_PROXY, HTTPS_PROXY: DEAD_PROXY, no_proxy: '127.0.0.1', NO_PROXY: '127.0.0.1' });
  return new Promise((resolve, reject) => {
    const log = createWriteStream(options.logPath);
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, options.timeoutSeconds * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      running.delete(child);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      log.end(() => resolve({ code, timedOut, seconds: (Date.now() - started) / 1000 }));
    });
  });
}
