// The promise report's audit-chain part: the result of verifying the chain now, against the anchor
// kept outside the database (P003-19).
import type { VerifyReport } from '../../privacy/index.ts';
import { html, type SafeHtml } from '../../web/template.ts';

function anchorLine(report: VerifyReport): SafeHtml {
  if (!report.anchor) return html`<li>Anchor outside the database: none yet (the sealer writes it after its first seal).</li>`;
  return report.anchor.matches
    ? html`<li>Anchor outside the database: link ${report.anchor.seq}, recorded ${report.anchor.anchoredAt}, still in the chain unchanged.</li>`
    : html`<li>Anchor outside the database: link ${report.anchor.seq}, recorded ${report.anchor.anchoredAt}, NOT matched by the chain.</li>`;
}

export function chainSection(report: VerifyReport): SafeHtml {
  const pending = report.oldestPendingSeconds === null ? '' : ` (the oldest for ${report.oldestPendingSeconds} s${report.sealLagAlert ? ': the sealer is late' : ''})`;
  return html`<section aria-labelledby="audit-chain"><h2 id="audit-chain">Audit chain</h2>
<div class="notice" role="status"><p>${
    report.ok
      ? 'The audit log verifies: no entry was changed, removed or reordered, and every entry is sealed or waiting to be.'
      : html`<strong>The audit log does NOT verify.</strong> Look into it before relying on any figure below.`
  }</p></div>
<ul>
<li>Entries sealed in the hash chain: ${report.sealed}${report.head ? html`, up to link ${report.head.seq}` : ''}.</li>
<li>Waiting to be sealed: ${report.pending}${pending}.</li>
${anchorLine(report)}
${report.firstBroken ? html`<li>First broken: link ${report.firstBroken.seq ?? '?'}: ${report.firstBroken.problem}</li>` : ''}
</ul>
<p>Verified when this page was made. <code>custodian audit verify</code> runs the same check from the command line.</p>
</section>`;
}
