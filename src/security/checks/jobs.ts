// Check 8: overdue jobs. Every declared schedule (as the workers wrote them into the schedule
// table) whose job last finished successfully more than twice its period ago, plus a grace, is
// overdue: retention sweeps, erasure reconciliation and mail that should have run did not.
import { scheduleRuns } from '../../platform/jobs/index.ts';
import type { Check } from '../findings.ts';

const ID = 'jobs';
export const GRACE_MS = 10 * 60_000;

export const jobsCheck: Check = {
  id: ID,
  title: 'Scheduled jobs (retention sweeps included) whose last successful run is older than twice their period',
  async run({ db, now }) {
    const runs = await scheduleRuns(db);
    const late = runs.filter((r) => now.getTime() - (r.lastDoneAt ?? r.since).getTime() > 2 * r.everySeconds * 1000 + GRACE_MS);
    if (!late.length) return [];
    return [
      {
        check: ID,
        severity: late.some((r) => /sweep|purge|retention|erasure|seal/.test(r.job)) ? 'high' : 'medium',
        title: 'Scheduled jobs are overdue',
        detail: late.map((r) => `${r.schedule} (every ${r.everySeconds} s): ${r.lastDoneAt ? `last done ${r.lastDoneAt.toISOString()}` : 'never done'}`).join('; '),
        fix: 'Check that a worker runs (RUN_WORKER or `npm run worker`) and look for dead jobs (`custodian jobs dead`).',
      },
    ];
  },
};
