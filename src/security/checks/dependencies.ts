// Check 9: the dependency audit, `npm audit --json --omit=dev`, when the registry answers (20 s at
// most); otherwise an info finding says the audit was unavailable, never a failed check. Counts by
// severity, and the names of packages with high or critical advisories.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AuditRunner, Check, Finding } from '../findings.ts';

const ID = 'dependencies';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const AUDIT_TIMEOUT_MS = 20_000;

export const npmAudit: AuditRunner = () =>
  new Promise((resolve) => {
    execFile('npm', ['audit', '--json', '--omit=dev'], { cwd: ROOT, timeout: AUDIT_TIMEOUT_MS, maxBuffer: 20 * 1024 * 1024 }, (err, stdout) => {
      // npm audit exits 1 when it finds advisories: the JSON is still the answer.
      resolve({ stdout: String(stdout ?? ''), error: err && !String(stdout ?? '').trim() ? err.message : null });
    });
  });

const unavailable = (why: string): Finding => ({
  check: ID,
  severity: 'info',
  title: 'Dependency audit unavailable: registry not reachable',
  detail: why.slice(0, 300),
  fix: 'Run `npm audit --omit=dev` where the registry is reachable, or let the next run try again.',
});

interface AuditJson {
  error?: unknown;
  statusCode?: number;
  metadata?: { vulnerabilities?: Record<string, number>; dependencies?: { prod?: number; total?: number } };
  vulnerabilities?: Record<string, { severity?: string }>;
}

/** The findings of one `npm audit --json` output. */
export function auditFindings(stdout: string): Finding[] {
  let parsed: AuditJson;
  try {
    parsed = JSON.parse(stdout) as AuditJson;
  } catch {
    return [unavailable('npm audit gave no JSON answer.')];
  }
  const counts = parsed.metadata?.vulnerabilities;
  if (parsed.error || !counts) {
    const code = (parsed.error as { code?: unknown } | undefined)?.code ?? parsed.statusCode;
    return [unavailable(`npm audit answered with an error${code !== undefined ? ` (${String(code).slice(0, 40)})` : ''}.`)];
  }
  const n = (k: string) => Number(counts[k] ?? 0);
  const summary = `${n('critical')} critical, ${n('high')} high, ${n('moderate')} moderate, ${n('low')} low.`;
  const serious = Object.entries(parsed.vulnerabilities ?? {})
    .filter(([, v]) => v.severity === 'high' || v.severity === 'critical')
    .map(([name]) => name)
    .sort();
  const fix = 'Run `npm audit fix --omit=dev` (or update the packages named), then test and deploy.';
  if (n('critical') + n('high') > 0)
    return [{ check: ID, severity: 'high', title: 'Dependencies with high or critical advisories', detail: `${summary} Packages: ${serious.join(', ') || '(see npm audit)'}.`, fix }];
  if (n('moderate') > 0) return [{ check: ID, severity: 'medium', title: 'Dependencies with moderate advisories', detail: summary, fix }];
  if (n('low') > 0) return [{ check: ID, severity: 'low', title: 'Dependencies with low advisories', detail: summary, fix }];
  return [{ check: ID, severity: 'info', title: 'No known advisories in the production dependencies', detail: summary, fix: 'Nothing to do.' }];
}

export const dependenciesCheck: Check = {
  id: ID,
  title: 'Dependency audit (npm audit of the production dependencies)',
  async run({ audit }) {
    if (!audit) return [{ check: ID, severity: 'info', title: 'Dependency audit skipped (--offline)', detail: 'The registry was not asked.', fix: 'Run without --offline to audit.' }];
    const { stdout, error } = await audit();
    if (error) return [unavailable(error)];
    return auditFindings(stdout);
  },
};
