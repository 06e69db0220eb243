// Check 1: the security headers and the content security policy of the running shop's pages
// (src/web/security-headers.ts says what the shop sends): a CSP without unsafe-inline,
// unsafe-eval or wildcards whose default-src is 'self' or 'none'; nosniff; framing refused;
// a referrer policy; HSTS when the shop is served over HTTPS.
import type { Check, FetchedPage, Finding, Severity } from '../findings.ts';

const ID = 'headers';

interface Problem {
  severity: Severity;
  title: string;
  fix: string;
}

export function cspProblems(csp: string): Problem[] {
  const out: Problem[] = [];
  const directives = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  const all = [...directives.entries()];
  if (all.some(([, v]) => v.includes("'unsafe-inline'")))
    out.push({ severity: 'high', title: "The content security policy allows 'unsafe-inline'", fix: "Remove 'unsafe-inline': move inline scripts and styles into files served by the shop." });
  if (all.some(([, v]) => v.includes("'unsafe-eval'"))) out.push({ severity: 'high', title: "The content security policy allows 'unsafe-eval'", fix: "Remove 'unsafe-eval' from the policy." });
  const wild = all.filter(([, v]) => v.some((s) => s === '*' || /^(https?|wss?):$/.test(s) || s.startsWith('*.'))).map(([n]) => n);
  if (wild.length)
    out.push({ severity: 'medium', title: 'The content security policy allows any source (a wildcard)', fix: `Name the sources of ${wild.join(', ')} instead of a wildcard or a bare scheme.` });
  const def = directives.get('default-src');
  if (!def || !(def.length === 1 && (def[0] === "'self'" || def[0] === "'none'")))
    out.push({
      severity: 'medium',
      title: "The content security policy's default-src is not 'self' or 'none'",
      fix: "Set default-src 'none' (or 'self') and allow each kind of resource by its own directive.",
    });
  return out;
}

export function headerProblems(page: FetchedPage, https: boolean): Problem[] {
  const h = page.headers;
  const out: Problem[] = [];
  const csp = h['content-security-policy'];
  if (!csp) out.push({ severity: 'high', title: 'A page is served without a content security policy', fix: 'Send Content-Security-Policy on every answer (src/web/app.ts contentSecurityPolicy).' });
  else out.push(...cspProblems(csp));
  if ((h['x-content-type-options'] ?? '').toLowerCase() !== 'nosniff')
    out.push({ severity: 'medium', title: 'X-Content-Type-Options: nosniff is missing', fix: 'Send X-Content-Type-Options: nosniff on every answer.' });
  const framing = /frame-ancestors\s+'none'|frame-ancestors\s+'self'/.test(csp ?? '') || /^(deny|sameorigin)$/i.test(h['x-frame-options'] ?? '');
  if (!framing) out.push({ severity: 'medium', title: 'Pages may be framed by other sites', fix: "Send frame-ancestors 'none' in the CSP (and X-Frame-Options: DENY for old browsers)." });
  if (!h['referrer-policy']) out.push({ severity: 'low', title: 'No Referrer-Policy', fix: 'Send Referrer-Policy: no-referrer (or strict-origin-when-cross-origin).' });
  if (https && !/max-age=\d{6,}/.test(h['strict-transport-security'] ?? ''))
    out.push({ severity: 'medium', title: 'HTTPS without HSTS (Strict-Transport-Security)', fix: 'Send Strict-Transport-Security: max-age=31536000; includeSubDomains from the shop or its proxy.' });
  return out;
}

/** The problems of every page, one finding per problem naming the pages that have it. */
export function pageFindings(check: string, pages: readonly FetchedPage[], problemsOf: (p: FetchedPage) => Problem[]): Finding[] {
  const seen = new Map<string, Problem & { paths: string[] }>();
  for (const page of pages) {
    for (const p of problemsOf(page)) {
      const known = seen.get(p.title) ?? { ...p, paths: [] };
      known.paths.push(page.path);
      seen.set(p.title, known);
    }
  }
  return [...seen.values()].map((p) => ({ check, severity: p.severity, title: p.title, detail: `Seen on ${p.paths.join(', ')}.`, fix: p.fix }));
}

export const headersCheck: Check = {
  id: ID,
  title: 'Security headers and content security policy of the storefront, a product page and the sign-in pages',
  async run(ctx) {
    const got = await ctx.pages();
    if (!got)
      return [
        {
          check: ID,
          severity: 'info',
          title: 'Headers not checked: no shop to ask',
          detail: `Nothing answered at ${ctx.config.publicUrl} and the shop could not be built in this process.`,
          fix: 'Run the check from the shop (the scheduled job) or with the shop running.',
        },
      ];
    const https = new URL(ctx.config.publicUrl).protocol === 'https:';
    return pageFindings(ID, got.pages, (p) => headerProblems(p, https));
  },
};
