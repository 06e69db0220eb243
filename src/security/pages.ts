// The staff page /staff/security: the latest run (counts, findings by severity with how to fix),
// the history of runs, and the button that queues a run now. No JavaScript needed.
import { form } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { table } from '../web/table.ts';
import { html } from '../web/template.ts';
import type { Finding } from './findings.ts';
import type { StoredRun } from './run.ts';

const utc = (d: Date) => `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const severityLabel = { high: 'High', medium: 'Medium', low: 'Low', info: 'Info' } as const;
const triggerLabel = { schedule: 'Schedule', staff: 'Asked by staff', cli: 'Command line' } as const;

export interface SecurityView {
  latest: (StoredRun & { findings: Finding[] }) | null;
  history: StoredRun[];
  csrf: string;
  notice?: string;
}

export function securityPage(v: SecurityView): Page {
  const latest = v.latest;
  return {
    audience: 'staff',
    title: 'Security self-check',
    ...(v.notice ? { flash: v.notice } : {}),
    body: html`<h1>Security self-check</h1>
<p>The shop checks itself every day: its security headers and cookies, TLS, secrets left at weak or published values, the keyring's file, staff second factors and password ages, the audit chain, overdue jobs and known advisories in its dependencies. New high or medium findings are mailed to owners and privacy officers. From a terminal: <code>custodian selfcheck</code>.</p>
${form({ action: '/staff/security/run', csrf: v.csrf }, html`<p><button type="submit">Run the check now</button></p>`)}
<h2 id="latest">Latest run</h2>
${
  latest
    ? html`<p>${utc(latest.started_at)} (${triggerLabel[latest.trigger]}): <strong>${latest.high} high</strong>, ${latest.medium} medium, ${latest.low} low, ${latest.info} info.</p>
${table({
  caption: 'Findings of the latest run, most severe first',
  columns: [{ label: 'Finding' }, { label: 'Severity' }, { label: 'Check' }, { label: 'Detail' }, { label: 'How to fix' }],
  rows: latest.findings.map((f) => [f.title, severityLabel[f.severity], f.check, f.detail, f.fix]),
  empty: 'No findings: every check passed.',
})}`
    : html`<p>No run yet: press "Run the check now", or wait for the daily run.</p>`
}
<h2 id="history">Runs</h2>
${table({
  caption: 'Recent runs',
  columns: [{ label: 'Started' }, { label: 'How' }, { label: 'High', numeric: true }, { label: 'Medium', numeric: true }, { label: 'Low', numeric: true }, { label: 'New', numeric: true }],
  rows: v.history.map((r) => [utc(r.started_at), triggerLabel[r.trigger], String(r.high), String(r.medium), String(r.low), String(r.new_findings)]),
  empty: 'No runs yet.',
})}`,
  };
}
