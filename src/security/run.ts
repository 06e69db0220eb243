// Running the self-check: every check in turn (a check that fails becomes a finding, never a
// failed run), findings sorted by severity; a run stored with its findings; owners and privacy
// officers mailed when a run has high or medium findings its previous run did not have.
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { activeStaffOf } from '../accounts/index.ts';
import { queueMail } from '../comms/index.ts';
import type { Db } from '../platform/db/database.ts';
import type { StaffRole } from '../privacy/index.ts';
import { CHECKS } from './checks/index.ts';
import { type Check, type CheckContext, type FetchedPage, type Finding, type PageFetcher, SEVERITIES, type Severity } from './findings.ts';
import { newFindingsMail } from './mail.ts';
import { shopPages } from './shop-pages.ts';
import { type RunTable, type RunTrigger, securityDb } from './tables.ts';

export const SELFCHECK_JOB = 'security.selfcheck';
/** Who reads the findings and is mailed new ones. */
export const SECURITY_ROLES: readonly StaffRole[] = ['owner', 'dpo'];

const rank = (s: Severity) => SEVERITIES.indexOf(s);
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The pages, fetched on first ask and kept for the run (the header and cookie checks share them). */
export function pagesOnce(fetcher: PageFetcher | null, via: 'http' | 'in-process'): CheckContext['pages'] {
  let got: Promise<{ via: 'http' | 'in-process'; pages: FetchedPage[] } | null> | null = null;
  return () => (got ??= fetcher ? shopPages(fetcher).then((pages) => ({ via, pages })) : Promise.resolve(null));
}

export async function runChecks(ctx: CheckContext, checks: readonly Check[] = CHECKS): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const check of checks) {
    try {
      out.push(...(await check.run(ctx)));
    } catch (err) {
      out.push({
        check: check.id,
        severity: 'medium',
        title: 'The check could not run',
        detail: clip(`${check.title}: ${(err as Error).message ?? String(err)}`, 600),
        fix: 'Resolve what the detail says (often another finding of this run), then run the check again.',
      });
    }
  }
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f.severity) - rank(b.f.severity) || a.i - b.i)
    .map(({ f }) => f);
}

export const countsOf = (findings: readonly Finding[]) => Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;

const keyOf = (f: { check: string; title: string }) => `${f.check}\u0000${f.title}`;

/** A run as read back: its table row. */
export type StoredRun = Selectable<RunTable>;

/** Stores the run; returns it with the high and medium findings the previous run did not have. */
export async function recordRun(db: Db, o: { trigger: RunTrigger; startedAt: Date; finishedAt: Date; findings: readonly Finding[] }): Promise<{ run: StoredRun; fresh: Finding[] }> {
  const t = securityDb(db);
  const previous = await latestRun(db);
  const before = new Set((previous?.findings ?? []).map(keyOf));
  const fresh = o.findings.filter((f) => (f.severity === 'high' || f.severity === 'medium') && !before.has(keyOf(f)));
  const counts = countsOf(o.findings);
  const run = await t
    .insertInto('security_runs')
    .values({ id: randomUUID(), trigger: o.trigger, started_at: o.startedAt, finished_at: o.finishedAt, ...counts, new_findings: fresh.length })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (o.findings.length)
    await t
      .insertInto('security_findings')
      .values(
        o.findings.map((f, position) => ({
          id: randomUUID(),
          run_id: run.id,
          position,
          check_id: f.check,
          severity: f.severity,
          title: clip(f.title, 300),
          detail: clip(f.detail, 2000),
          fix: clip(f.fix, 1000),
        })),
      )
      .execute();
  return { run, fresh };
}

export async function latestRun(db: Db): Promise<(StoredRun & { findings: Finding[] }) | null> {
  const t = securityDb(db);
  const run = await t.selectFrom('security_runs').selectAll().orderBy('started_at', 'desc').orderBy('finished_at', 'desc').limit(1).executeTakeFirst();
  if (!run) return null;
  const rows = await t.selectFrom('security_findings').selectAll().where('run_id', '=', run.id).orderBy('position').execute();
  return { ...run, findings: rows.map((r) => ({ check: r.check_id, severity: r.severity, title: r.title, detail: r.detail, fix: r.fix })) };
}

export async function runHistory(db: Db, limit = 20): Promise<StoredRun[]> {
  return securityDb(db).selectFrom('security_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
}

/** When the last scheduled run started (the job skips until SELFCHECK_INTERVAL_HOURS have passed). */
export async function lastScheduledRun(db: Db): Promise<Date | null> {
  const row = await securityDb(db).selectFrom('security_runs').select('started_at').where('trigger', '=', 'schedule').orderBy('started_at', 'desc').limit(1).executeTakeFirst();
  return row ? new Date(row.started_at) : null;
}

export async function mailNewFindings(db: Db, run: { id: string }, fresh: readonly Finding[], publicUrl: string): Promise<number> {
  if (!fresh.length) return 0;
  const counts = countsOf(fresh);
  const staff = await activeStaffOf(db, SECURITY_ROLES);
  for (const member of staff)
    await queueMail(db, {
      template: newFindingsMail,
      subject: member.subject_id,
      purpose: 'account',
      params: { high: String(counts.high), medium: String(counts.medium), link: `${publicUrl}/staff/security` },
      idempotencyKey: `security.selfcheck:${run.id}:${member.id}`,
    });
  return staff.length;
}
