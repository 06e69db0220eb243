// The security scan's own logic (scripts/security-scan, decision 0070) without the scanners: what
// it reads as a finding in sqlmap's log and wapiti's report, what its allow-list lets pass, the
// shop's 5xx answers, and the arguments that keep the scanners on the shop alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALLOWED, judge, perCategory, shopRequests, sqlmapCounts, sqlmapFindings, wapitiCrawl, wapitiFindings } from '../scripts/security-scan/findings.ts';
import {
  ownSessionPaths,
  SELF_GROWING_PATHS,
  SESSION_ENDING_PATHS,
  SHARED_DATA_PATHS,
  sqlmapArgs,
  WAPITI_MODULES,
  WAPITI_ONLINE_OR_OFF_TOPIC,
  wapitiArgs,
  wapitiCookieFile,
} from '../scripts/security-scan/tools.ts';

const entry = (info: string, path = '/', method = 'GET', headers = '') => ({
  method,
  path,
  info,
  level: 1,
  parameter: '',
  http_request: `${method} ${path} HTTP/1.1\nHost: 127.0.0.1:1\n${headers}\n_csrf=x`,
  curl_command: '',
});
/** How wapiti 3.0.4 writes a multipart form's request: the type in the headers, the fields as parts. */
const multipart = 'Content-Type: multipart/form-data; boundary=------------------------boundarystring\n';
/** A urlencoded form whose body merely mentions the multipart type: not a multipart request. */
const mentionsMultipart = `Content-Type: application/x-www-form-urlencoded\n\n${multipart}`;

/** A wapiti 3.0.4 JSON report with these vulnerabilities and anomalies (the rest empty). */
function wapitiReport(vulnerabilities: Record<string, unknown[]>, anomalies: Record<string, unknown[]> = {}) {
  const empty = (names: string[]) => Object.fromEntries(names.map((n) => [n, []]));
  return {
    classifications: {},
    vulnerabilities: { ...empty(['SQL Injection', 'Cross Site Scripting', 'HTTP Secure Headers', 'Secure Flag cookie', 'Cross Site Request Forgery']), ...vulnerabilities },
    anomalies: { ...empty(['Internal Server Error', 'Resource consumption']), ...anomalies },
    additionals: { 'Fingerprint web technology': [entry('Fastify')] },
    infos: { target: 'https://127.0.0.1:1/', version: 'Wapiti 3.0.4' },
  };
}

test('a clean wapiti report has no finding; its fingerprints are not findings', () => {
  assert.deepEqual(wapitiFindings(wapitiReport({})), []);
});

test('wapiti findings of every category fail, each in its category', () => {
  const findings = wapitiFindings(
    wapitiReport(
      {
        'SQL Injection': [entry('SQL Injection (DBMS: PostgreSQL) via injection in the parameter q', '/search')],
        'Cross Site Scripting': [entry('XSS vulnerability found via injection in the parameter q', '/search')],
        'HTTP Secure Headers': [entry('X-Frame-Options is not set')],
        'Secure Flag cookie': [entry('Secure flag is not set in the cookie : __Host-cart')],
        'Cross Site Request Forgery': [entry("CSRF token '_csrf' is not properly checked in backend", '/cart/add', 'POST')],
      },
      { 'Internal Server Error': [entry('The server responded with a 500 HTTP error code', '/checkout', 'POST')] },
    ),
  );
  const verdict = judge(findings);
  assert.equal(verdict.failing.length, 6);
  assert.deepEqual(perCategory(verdict.failing), { injection: 2, headers: 1, cookies: 1, csrf: 1, 'server-error': 1, other: 0 });
  assert.equal(verdict.failing.find((f) => f.category === 'csrf')?.path, '/cart/add');
});

test('the allow-list lets only its exact findings pass: the X-XSS-Protection header, an unchecked token on forms that take a file, a missing token on /cart/add', () => {
  const findings = wapitiFindings(
    wapitiReport({
      'HTTP Secure Headers': [entry('X-XSS-Protection is not set'), entry('X-Content-Type-Options is not set')],
      'Cross Site Request Forgery': [
        entry("CSRF token '_csrf' is not properly checked in backend", '/account/testimonials/company', 'POST', multipart),
        entry("CSRF token '_csrf' is not properly checked in backend", '/vendor/downloads', 'POST', multipart),
        entry("CSRF token '_csrf' is not properly checked in backend", '/account/privacy/choices', 'POST'),
        entry("CSRF token '_csrf' is not properly checked in backend", '/staff/users', 'POST', mentionsMultipart),
        entry('Lack of anti CSRF token', '/cart/add', 'POST'),
        entry('Lack of anti CSRF token', '/cart/remove', 'POST'),
      ],
    }),
  );
  const verdict = judge(findings);
  assert.deepEqual(
    verdict.allowed.map(({ finding }) => `${finding.kind}: ${finding.detail}${finding.path === '/' ? '' : ` ${finding.path}`}`),
    [
      'HTTP Secure Headers: X-XSS-Protection is not set',
      "Cross Site Request Forgery: CSRF token '_csrf' is not properly checked in backend /account/testimonials/company",
      "Cross Site Request Forgery: CSRF token '_csrf' is not properly checked in backend /vendor/downloads",
      'Cross Site Request Forgery: Lack of anti CSRF token /cart/add',
    ],
  );
  assert.deepEqual(
    verdict.failing.map((f) => `${f.detail} ${f.path}`),
    [
      'X-Content-Type-Options is not set /',
      "CSRF token '_csrf' is not properly checked in backend /account/privacy/choices",
      "CSRF token '_csrf' is not properly checked in backend /staff/users",
      'Lack of anti CSRF token /cart/remove',
    ],
  );
  for (const allowed of ALLOWED) assert.ok(allowed.reason.length > 40, `${allowed.kind}: every entry says why`);
});

test('something that is not a wapiti report is refused, not read as a clean scan', () => {
  assert.throws(() => wapitiFindings({}), /not a wapiti JSON report/);
  assert.throws(() => wapitiFindings(null), /not a wapiti JSON report/);
});

// sqlmap 1.7.2's own lines, as it prints them.
const cleanSqlmapLog = `[1/4] URL:
GET https://127.0.0.1:40000/search?q=lapto
[01:02:41] [INFO] testing if GET parameter 'q' is dynamic
[01:02:41] [WARNING] heuristic (basic) test shows that GET parameter 'q' might not be injectable
[01:02:41] [INFO] testing for SQL injection on GET parameter 'q'
[01:02:42] [WARNING] GET parameter 'q' does not seem to be injectable
[01:02:42] [ERROR] all tested parameters do not appear to be injectable. Try to increase values for '--level'/'--risk' options if you wish to perform more tests.
[2/4] Form:
POST https://127.0.0.1:40000/account/login
[01:03:36] [INFO] testing for SQL injection on POST parameter 'email'
[01:03:41] [WARNING] POST parameter 'email' does not seem to be injectable
`;

test('a clean sqlmap log has no finding, and its targets and parameters are counted', () => {
  assert.deepEqual(sqlmapFindings(cleanSqlmapLog, 'Target URL,Place,Parameter,Technique(s),Note(s)\n'), []);
  assert.deepEqual(sqlmapCounts(cleanSqlmapLog), { targets: 2, parameters: 2 });
});

test('sqlmap injections, DBMS errors and XSS or file-inclusion hints are findings; so is a row of its results CSV', () => {
  const planted = [
    "[01:05:01] [INFO] GET parameter 'sort' appears to be 'PostgreSQL AND boolean-based blind - WHERE or HAVING clause (CAST)' injectable ",
    "[01:05:02] [INFO] POST parameter 'email' is 'PostgreSQL AND error-based - WHERE or HAVING clause' injectable ",
    'sqlmap identified the following injection point(s) with a total of 52 HTTP(s) requests:',
    "[01:05:03] [INFO] heuristic (basic) test shows that GET parameter 'q' might be injectable (possible DBMS: 'PostgreSQL')",
    "[01:05:03] [INFO] heuristic (XSS) test shows that GET parameter 'q' might be vulnerable to cross-site scripting (XSS) attacks",
    "[01:05:03] [INFO] heuristic (FI) test shows that GET parameter 'file' might be vulnerable to file inclusion (FI) attacks",
  ];
  const fromLog = sqlmapFindings(`${cleanSqlmapLog}${planted.join('\n')}\n`);
  assert.deepEqual(
    fromLog.map((f) => f.kind),
    ['SQL injection', 'SQL injection', 'SQL injection', 'SQL injection (DBMS error in the answer)', 'cross-site scripting (heuristic)', 'file inclusion (heuristic)'],
  );
  assert.ok(fromLog.every((f) => f.category === 'injection' && f.tool === 'sqlmap'));
  const fromCsv = sqlmapFindings(cleanSqlmapLog, 'Target URL,Place,Parameter,Technique(s),Note(s)\nhttps://127.0.0.1:40000/search?q=x,GET,q,BT,\n');
  assert.equal(fromCsv.length, 1);
  assert.match(fromCsv[0]!.detail, /search\?q=x,GET,q,BT/);
  assert.equal(judge(fromLog).failing.length, fromLog.length, 'none of them is allowed');
});

test("the shop's 5xx answers are findings, counted with every request by status class", () => {
  const line = (status: number, route = '/search', method = 'GET') => JSON.stringify({ level: 30, reqId: 'r', method, route, status, ms: 3, msg: 'request' });
  const log = [
    line(200),
    line(303, '/cart/add', 'POST'),
    line(400, '/account/login', 'POST'),
    line(500, '/account/testimonials/company', 'POST'),
    JSON.stringify({ level: 50, msg: 'unexpected error', err: { message: 'x' } }),
    'Custodian is running (embedded PGlite).',
  ].join('\n');
  const requests = shopRequests(log);
  assert.equal(requests.total, 4);
  assert.deepEqual(requests.byStatus, { '2xx': 1, '3xx': 1, '4xx': 1, '5xx': 1 });
  assert.deepEqual(
    requests.serverErrors.map((f) => `${f.category} ${f.kind} ${f.detail}`),
    ['server-error HTTP 500 POST /account/testimonials/company'],
  );
  assert.deepEqual(shopRequests([line(200), line(404)].join('\n')).serverErrors, []);
});

test('wapiti loads only offline modules, sends no crash report, keeps off the session-ending forms and sends the session it is given', () => {
  for (const online of ['nikto', 'wapp', 'ssrf', 'xxe']) {
    assert.ok((WAPITI_ONLINE_OR_OFF_TOPIC as readonly string[]).includes(online));
    assert.ok(!(WAPITI_MODULES as readonly string[]).includes(online), online);
  }
  const args = wapitiArgs({
    origin: 'https://127.0.0.1:4000',
    folder: '/account/',
    start: '/account',
    reportPath: '/tmp/r.json',
    sessionDir: '/tmp/s',
    cookieFile: '/tmp/c.json',
    exclude: ownSessionPaths({ owner: 'owner-id', vendor: 'vendor-id' }),
    maxScanSeconds: 30,
    maxAttackSeconds: 12,
  });
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  assert.deepEqual(value('-m')!.split(','), [...WAPITI_MODULES]);
  assert.ok(args.includes('--no-bugreport'));
  assert.equal(value('--skip'), '_csrf');
  assert.match(value('--endpoint')!, /^http:\/\/127\.0\.0\.1:\d+/);
  assert.equal(value('-u'), 'https://127.0.0.1:4000/account/');
  assert.equal(value('--scope'), 'folder');
  assert.equal(value('-c'), '/tmp/c.json');
  assert.deepEqual(
    args.flatMap((a, i) => (args[i - 1] === '-x' ? [a] : [])),
    [...SESSION_ENDING_PATHS, ...SELF_GROWING_PATHS, ...SHARED_DATA_PATHS, '/staff/users/owner-id', '/staff/vendors/vendor-id/suspend'].map((p) => `https://127.0.0.1:4000${p}*`),
  );
  for (const path of ['/staff/logout', '/vendor/logout', '/staff/password', '/staff/vendors/terms']) assert.ok((SESSION_ENDING_PATHS as readonly string[]).includes(path), path);
  assert.deepEqual(JSON.parse(wapitiCookieFile('127.0.0.1', { '__Host-session': 'abc' })), {
    '127.0.0.1': { '/': { '__Host-session': { value: 'abc', expires: null, secure: true, port: null, version: 0 } } },
  });
});

test("sqlmap runs in batch mode with the session's cookie, and its forms scope leaves out the session-ending forms", () => {
  const args = sqlmapArgs({ targetsFile: '/tmp/t.txt', forms: true, cookies: { '__Host-session': 'abc', '__Host-cart': 'def' }, outputDir: '/tmp/o', level: 1, risk: 1 });
  const value = (flag: string) => args[args.indexOf(flag) + 1];
  assert.ok(args.includes('--batch') && args.includes('--forms') && args.includes('--drop-set-cookie'));
  assert.equal(value('--cookie'), '__Host-session=abc; __Host-cart=def');
  assert.ok(args.includes('--skip=_csrf'));
  // sqlmap applies --scope with Python's re.search; this pattern means the same in JavaScript.
  const scope = new RegExp(value('--scope')!, 'i');
  for (const path of SESSION_ENDING_PATHS) assert.equal(scope.test(`https://127.0.0.1:4000${path}`), false, path);
  for (const path of ['/account/privacy/choices', '/cart/add', '/account/login', '/staff/customers', '/staff/vendors', '/staff/users'])
    assert.equal(scope.test(`https://127.0.0.1:4000${path}`), true, path);
  const queries = sqlmapArgs({ targetsFile: '/tmp/t.txt', forms: false, cookies: {}, outputDir: '/tmp/o', level: 1, risk: 1 });
  assert.ok(!queries.includes('--forms') && !queries.includes('--scope') && !queries.includes('--cookie'));
});

// wapiti 3.0.4's log at -v 1: the crawl's resources, its end, then each module printing what it attacks.
const wapitiLog = `Wapiti-3.0.4 (wapiti.sourceforge.io)
[+] GET https://127.0.0.1:4000/staff (0)
[+] GET https://127.0.0.1:4000/staff/orders?status=paid (1)
[+] POST https://127.0.0.1:4000/staff/users (2)
\tdata: _csrf=x&name=default
Max scan time was reached, stopping.
[*] Saving scan state, please wait...
[*] Wapiti found 442 URLs and forms during the scan
[*] Launching module sql
[+] GET https://127.0.0.1:4000/staff (0)
[+] POST https://127.0.0.1:4000/staff/users (2)
`;

test("wapiti's crawl is counted up to its end, not with the resources the modules attack afterwards", () => {
  assert.deepEqual(wapitiCrawl(wapitiLog), { crawled: 3, found: 442 });
  assert.deepEqual(wapitiCrawl(''), { crawled: 0, found: 0 });
});

test("the staff lane keeps off the forms that take the other lanes' products away, and off no other product form", () => {
  // As scripts/security-scan/wapiti.py reads a -x pattern: `*` is any text, the rest literal, whole URL.
  const excluded = (url: string) =>
    SHARED_DATA_PATHS.some((p) =>
      new RegExp(
        `^${`${p}*`
          .split('*')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
          .join('.*')}$`,
        's',
      ).test(url),
    );
  const product = '/staff/catalogue/products/0b1c2d3e-0000-4000-8000-000000000001';
  for (const url of [`${product}/status`, `${product}/variants/0b1c2d3e-0000-4000-8000-000000000002/remove`]) assert.ok(excluded(url), url);
  for (const url of [product, `${product}/variants`, `${product}/variants/0b1c2d3e-0000-4000-8000-000000000002`, `${product}/images`, '/staff/catalogue/products', '/staff/catalogue/stock']) {
    assert.ok(!excluded(url), url);
  }
});
