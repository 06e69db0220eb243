// The privacy officer's console entry (P000-16) and the published contact page.
import { html } from '../../web/template.ts';
import type { VerifyReport } from '../../privacy/audit/verify.ts';
import type { SecurityEventRow } from '../tables.ts';
import type { Page } from './customer.ts';
import { csrfField } from './form.ts';

export function dpoPage(o: { csrf: string; events: SecurityEventRow[]; report?: VerifyReport }): Page {
  const r = o.report;
  return {
    title: 'Privacy officer',
    body: html`<section class="console"><h1>Privacy officer</h1>
<h2>Audit log</h2>
<p>Every read, write, refusal, disclosure and consent is one entry of a hash-chained audit log. Verifying checks every link of the chain.</p>
<form method="post" action="/staff/dpo/verify">${csrfField(o.csrf)}<button type="submit">Verify the audit log now</button></form>
${
  r
    ? html`<div class="notice" role="status"><p>${r.ok ? 'The audit log verifies: no entry was changed, removed or reordered.' : 'The audit log does NOT verify.'}</p>
<ul><li>Sealed entries: ${r.sealed}</li><li>Waiting to be sealed: ${r.pending}</li>${r.head ? html`<li>Head: link ${r.head.seq}</li>` : ''}
${r.firstBroken ? html`<li>First broken: ${r.firstBroken.seq ?? '?'} (${r.firstBroken.problem})</li>` : ''}</ul></div>`
    : ''
}
<h2>Security events</h2>
${
  o.events.length
    ? html`<table><caption>The latest intrusion signals (no addresses are kept)</caption><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Detail</th></tr></thead>
<tbody>${o.events.map((e) => html`<tr><td>${e.at.toISOString()}</td><td>${e.kind}</td><td>${Object.entries(e.detail).map(([k, v]) => `${k}: ${String(v)}`).join(', ')}</td></tr>`)}</tbody></table>`
    : html`<p>No security events in the last 30 days.</p>`
}
<h2>Requests and disclosures</h2>
<p>Access, export and erasure requests, and disclosures waiting for your approval, are not listed here yet: they arrive with the privacy centre.</p>
<p><a href="/staff">Back to the console</a></p></section>`,
  };
}

export function contactPage(o: { organization: string; contact: string }): Page {
  return {
    title: 'Privacy contact',
    body: html`<section class="account-form"><h1>Privacy contact</h1>
<p>${o.organization} has a designated privacy officer who oversees how personal data is handled here.</p>
<p>How to reach them: ${o.contact}</p>
<p>See also our <a href="/privacy">privacy page</a>.</p></section>`,
  };
}
