// What counts as a finding of the security scan (decision 0070), read from the scanners' own
// reports: sqlmap's log and results CSV, wapiti's JSON report, and the shop's request log (a 5xx is
// a finding: bad input is a 4xx, never a 500). Pure functions, so test/security-scan.test.ts can
// plant findings without the scanners.

export type Category = 'injection' | 'headers' | 'cookies' | 'csrf' | 'server-error' | 'other';

export const CATEGORIES: readonly Category[] = ['injection', 'headers', 'cookies', 'csrf', 'server-error', 'other'];

export interface Finding {
  tool: 'sqlmap' | 'wapiti' | 'shop';
  category: Category;
  /** The scanner's own words (wapiti's vulnerability name, sqlmap's log line). */
  kind: string;
  detail: string;
  /** The path attacked, when the scanner names one. */
  path?: string;
  /** wapiti: the request it reported was a multipart form (one that takes a file). */
  multipart?: boolean;
}

/** wapiti's vulnerability and anomaly names (wapitiCore/definitions) and the category of each. */
const WAPITI_CATEGORIES: Record<string, Category> = {
  'SQL Injection': 'injection',
  'Blind SQL Injection': 'injection',
  'Cross Site Scripting': 'injection',
  'Command execution': 'injection',
  'Path Traversal': 'injection',
  'CRLF Injection': 'injection',
  'XML External Entity': 'injection',
  'Server Side Request Forgery': 'injection',
  'HTTP Secure Headers': 'headers',
  'Content Security Policy Configuration': 'headers',
  'Secure Flag cookie': 'cookies',
  'HttpOnly Flag cookie': 'cookies',
  'Cross Site Request Forgery': 'csrf',
  'Internal Server Error': 'server-error',
};

export interface AllowedFinding {
  tool: Finding['tool'];
  kind: string;
  detail: string;
  /** Only on this path (a finding elsewhere still fails). */
  path?: string;
  /** Only on a multipart form (a form that takes a file); the same report on any other form fails. */
  multipart?: true;
  /** Why this is not a problem of the shop; each entry is justified in decision 0070. */
  reason: string;
}

/** Findings that are the scanner's mistake, matched exactly. Keep it tiny. */
export const ALLOWED: readonly AllowedFinding[] = [
  {
    tool: 'wapiti',
    kind: 'HTTP Secure Headers',
    detail: 'X-XSS-Protection is not set',
    // The shop sends `X-XSS-Protection: 0` on purpose (helmet's default, OWASP's advice): the
    // browsers' XSS auditors it switches on are gone or removed for causing leaks; the CSP is the
    // protection. wapiti 3.0.4 wants the header to contain "1" and reports "0" as not set.
    reason: 'X-XSS-Protection: 0 is deliberate (the XSS auditor is obsolete and leaky; the CSP protects); wapiti 3.0.4 only accepts "1"',
  },
  {
    tool: 'wapiti',
    kind: 'Cross Site Request Forgery',
    detail: "CSRF token '_csrf' is not properly checked in backend",
    multipart: true,
    // wapiti 3.0.4 sends every field of a multipart form as a file part (requests' files=), so the
    // form's one-file limit refuses its request with the right token and with a wrong one alike
    // (413), and it reads the two equal answers as an unchecked token. src/web/http-edges.test.ts
    // posts every form of the route table that takes a file as a browser does: a wrong token is a
    // 403 CSRF_INVALID, the right one passes.
    reason: "wapiti sends a multipart form's fields as files: both its requests get the same 413 before the token is read; every such form's check is tested in http-edges.test.ts",
  },
  {
    tool: 'wapiti',
    kind: 'Cross Site Request Forgery',
    detail: 'Lack of anti CSRF token',
    path: '/cart/add',
    // Decision 0020: the cached product page's "Add to cart" form has an empty token for a visitor
    // without a cookie, so browsing sets none. Such a post carries no cookie, so there is no session
    // or cart to forge; it is let through only with a same-origin Origin/Sec-Fetch-Site, and every
    // add that carries a cookie needs the token. wapiti saw the page before it held a cookie.
    reason: 'the cached Add to cart form of a cookie-less visitor has an empty token by design (decision 0020): a post without cookies has nothing to forge',
  },
];

export function isAllowed(finding: Finding, allowed: readonly AllowedFinding[] = ALLOWED): AllowedFinding | undefined {
  return allowed.find(
    (a) =>
      a.tool === finding.tool &&
      a.kind === finding.kind &&
      a.detail === finding.detail &&
      (a.path === undefined || a.path === finding.path) &&
      (a.multipart === undefined || finding.multipart === true),
  );
}

interface WapitiEntry {
  info?: unknown;
  method?: unknown;
  path?: unknown;
  parameter?: unknown;
  http_request?: unknown;
}

/** The request wapiti reports was a multipart form: its header block (before the first blank line) names the type. */
const MULTIPART = /^Content-Type: multipart\/form-data/im;

/** Every vulnerability and anomaly in a wapiti JSON report (its `additionals` are fingerprints, not findings). */
export function wapitiFindings(report: unknown): Finding[] {
  const sections = report as { vulnerabilities?: Record<string, WapitiEntry[]>; anomalies?: Record<string, WapitiEntry[]> } | null;
  if (!sections || typeof sections !== 'object' || !sections.vulnerabilities || !sections.anomalies) {
    throw new Error('not a wapiti JSON report: no vulnerabilities or anomalies section');
  }
  const findings: Finding[] = [];
  for (const section of [sections.vulnerabilities, sections.anomalies]) {
    for (const [kind, entries] of Object.entries(section)) {
      for (const entry of entries ?? []) {
        const where = [entry.method, entry.path, entry.parameter ? `(${String(entry.parameter)})` : ''].filter(Boolean).join(' ');
        findings.push({
          tool: 'wapiti',
          category: WAPITI_CATEGORIES[kind] ?? 'other',
          kind,
          detail: String(entry.info ?? where),
          ...(typeof entry.path === 'string' ? { path: entry.path } : {}),
          ...(typeof entry.http_request === 'string' && MULTIPART.test(entry.http_request.split('\n\n')[0]!) ? { multipart: true } : {}),
        });
      }
    }
  }
  return findings;
}

// sqlmap 1.7's words for an injection it confirmed, and for its heuristics' XSS and file
// inclusion hints; "might not be injectable" and "does not seem to be injectable" are not findings.
const SQLMAP_FINDINGS: readonly [RegExp, string][] = [
  [/parameter '[^']+' (?:is|appears to be) '[^']+' injectable/i, 'SQL injection'],
  [/sqlmap identified the following injection point/i, 'SQL injection'],
  [/heuristic \(basic\) test shows that .* might be injectable/i, 'SQL injection (DBMS error in the answer)'],
  [/might be vulnerable to cross-site scripting/i, 'cross-site scripting (heuristic)'],
  [/might be vulnerable to file inclusion/i, 'file inclusion (heuristic)'],
  [/\bis vulnerable\b/i, 'vulnerable'],
];

/** Findings in sqlmap's console log and in the rows of its multiple-targets results CSV. */
export function sqlmapFindings(log: string, resultsCsv = ''): Finding[] {
  const findings: Finding[] = [];
  for (const line of log.split('\n')) {
    const hit = SQLMAP_FINDINGS.find(([pattern]) => pattern.test(line));
    if (hit) findings.push({ tool: 'sqlmap', category: 'injection', kind: hit[1], detail: line.trim() });
  }
  // Header: Target URL,Place,Parameter,Technique(s),Note(s); a row is an injection point.
  for (const row of resultsCsv.split('\n').slice(1)) {
    if (row.trim()) findings.push({ tool: 'sqlmap', category: 'injection', kind: 'SQL injection', detail: `results CSV: ${row.trim()}` });
  }
  return findings;
}

export interface SqlmapCounts {
  targets: number;
  parameters: number;
}

/** How many targets (URLs, forms) sqlmap took up and how many parameters it tested. */
export function sqlmapCounts(log: string): SqlmapCounts {
  return {
    targets: (log.match(/^\[\d+\/(?:\d+|\?)\] (?:URL|Form):$/gm) ?? []).length,
    parameters: (log.match(/testing for SQL injection on .*parameter '/g) ?? []).length,
  };
}

export interface WapitiCrawl {
  /** Resources (pages and forms) the crawl fetched before its time ran out or it was done. */
  crawled: number;
  /** URLs and forms it knew of at the end of the crawl, fetched or not (wapiti's own count). */
  found: number;
}

/**
 * What wapiti's crawl covered, from its log at -v 1. The attack modules print each resource they
 * attack in the same `[+] GET …` form, so only the lines before the crawl's end ("Saving scan
 * state") are the crawl's.
 */
export function wapitiCrawl(log: string): WapitiCrawl {
  const end = log.indexOf('[*] Saving scan state');
  const crawl = end === -1 ? log : log.slice(0, end);
  return {
    crawled: (crawl.match(/^\[\+\] (?:GET|POST) /gm) ?? []).length,
    found: Number(/Wapiti found (\d+) URLs and forms/.exec(log)?.[1] ?? 0),
  };
}

export interface ShopRequests {
  total: number;
  byStatus: Record<string, number>;
  serverErrors: Finding[];
}

/** The shop's JSON request log lines (pino, msg "request"): requests by status class, and each 5xx as a finding. */
export function shopRequests(log: string): ShopRequests {
  const byStatus: Record<string, number> = {};
  const serverErrors: Finding[] = [];
  let total = 0;
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { msg?: unknown; status?: unknown; method?: unknown; route?: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.msg !== 'request' || typeof entry.status !== 'number') continue;
    total++;
    const group = `${Math.floor(entry.status / 100)}xx`;
    byStatus[group] = (byStatus[group] ?? 0) + 1;
    if (entry.status >= 500) {
      serverErrors.push({ tool: 'shop', category: 'server-error', kind: `HTTP ${entry.status}`, detail: `${String(entry.method)} ${String(entry.route)}` });
    }
  }
  return { total, byStatus, serverErrors };
}

export interface Verdict {
  failing: Finding[];
  allowed: { finding: Finding; entry: AllowedFinding }[];
}

export function judge(findings: readonly Finding[], allowed: readonly AllowedFinding[] = ALLOWED): Verdict {
  const verdict: Verdict = { failing: [], allowed: [] };
  for (const finding of findings) {
    const entry = isAllowed(finding, allowed);
    if (entry) verdict.allowed.push({ finding, entry });
    else verdict.failing.push(finding);
  }
  return verdict;
}

/** Findings per category (every category named, zeros too), failing ones only. */
export function perCategory(findings: readonly Finding[]): Record<Category, number> {
  const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const f of findings) counts[f.category]++;
  return counts;
}
