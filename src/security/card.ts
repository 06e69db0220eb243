// The self-check on the staff console's dashboard (owners and privacy officers): what the last run
// found, most severe first, and how long ago it ran, so a finding is seen where staff start their
// day, not only by whoever opens /staff/security. A run that is days old says so: the daily check
// runs in the worker, and an old last run means it has stopped.
import type { DashboardCard } from '../accounts/index.ts';
import { html } from '../web/template.ts';
import { latestRun, SECURITY_ROLES } from './run.ts';

const HOUR = 3_600_000;

function ago(from: Date, now: Date): string {
  const hours = Math.floor((now.getTime() - from.getTime()) / HOUR);
  if (hours < 1) return 'less than an hour ago';
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** High and medium findings named on the card; the rest are counted. */
const NAMED = 3;

export const selfcheckCard: DashboardCard = {
  id: 'security-selfcheck',
  title: 'Security self-check',
  roles: SECURITY_ROLES,
  async render(db, now) {
    const run = await latestRun(db);
    if (!run) return html`<p>No self-check has run yet. <a href="/staff/security">Run it now</a>.</p>`;
    const started = new Date(run.started_at);
    const stale = now.getTime() - started.getTime() > 48 * HOUR;
    const serious = run.findings.filter((f) => f.severity === 'high' || f.severity === 'medium');
    return html`<p>Last run ${ago(started, now)}: <strong data-severity="high">${run.high} high</strong>, <span data-severity="medium">${run.medium} medium</span>, ${run.low} low.</p>
${stale ? html`<p class="notice" role="status">The daily check has not run for over two days: is the worker running?</p>` : ''}
${
  serious.length
    ? html`<ul>${serious.slice(0, NAMED).map((f) => html`<li>${f.severity === 'high' ? 'High' : 'Medium'}: ${f.title}</li>`)}</ul>${
        serious.length > NAMED ? html`<p>and ${serious.length - NAMED} more.</p>` : ''
      }`
    : ''
}
<p><a href="/staff/security">See the findings and how to fix them</a></p>`;
  },
};
