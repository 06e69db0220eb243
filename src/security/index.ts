// The public entry of the security module. Any other file here is internal (decision 0032).
export { securityModule } from './module.ts';

// The CLI command `custodian selfcheck` (src/cli/commands/selfcheck.ts) runs the same checks.
export { CHECKS } from './checks/index.ts';
export { npmAudit } from './checks/dependencies.ts';
export { type AuditRunner, type Finding, type Injector, SEVERITIES, type Severity } from './findings.ts';
export type { SelfcheckServices } from './job.ts';
export { answers, httpFetcher, injectFetcher } from './shop-pages.ts';
export { countsOf, pagesOnce, runChecks, SELFCHECK_JOB } from './run.ts';

// Used by tests: one `npm audit --json` output parsed.
export { auditFindings } from './checks/dependencies.ts';
