// The privacy officer's console entry (P000-16) and the published contact page.
import { pageOf, pagination } from '../../web/pagination.ts';
import { table } from '../../web/table.ts';
import { html } from '../../web/template.ts';
import { dpoChannelWords, type VerifyReport, type PendingDisclosureRequest, type ConsentReview, type DpoContact } from '../../privacy/index.ts';
import type { SecurityEventRow } from '../tables.ts';
import type { Page } from './customer.ts';
import { form } from '../../web/form.ts';

/** A pending request as the console shows it: who asked is named by role and a short id. */
export interface DisclosureRequestView extends PendingDisclosureRequest {
  requestedByLabel: string;
}

function disclosureRequests(csrf: string, requests: DisclosureRequestView[], notice?: string) {
  return html`<h2>Disclosures awaiting your approval</h2>
${notice ? html`<div class="notice" role="status"><p>${notice}</p></div>` : ''}
${
  requests.length
    ? table({
        caption: "Requests to share a person's data with a third party (no personal values are shown)",
        rowHeaders: false,
        columns: [
          { label: 'Asked' },
          { label: 'By' },
          { label: 'Recipient' },
          { label: 'Categories' },
          { label: 'Basis' },
          { label: 'Purpose' },
          { label: 'Order' },
          { label: 'Person' },
          { label: 'Decision', hideLabel: true },
        ],
        rows: requests.map((r) => [
          r.requestedAt.toISOString(),
          r.requestedByLabel,
          r.recipientName,
          r.categories.join(', '),
          r.basisLabel,
          r.purpose,
          r.order ?? '—',
          html`${r.subject.slice(0, 8)} <a href="/staff/disclosures/${r.id}">Instrument and document</a>`,
          form(
            { action: `/staff/dpo/disclosures/${r.id}`, csrf, className: 'inline-form' },
            html`<button type="submit" name="decision" value="approved">Approve</button> <button type="submit" name="decision" value="rejected">Reject</button>`,
          ),
        ]),
      })
    : html`<p>No disclosure is waiting for your approval.</p>`
}`;
}

/** A staff-recorded consent change as the console shows it (decision 0030). */
export interface ConsentReviewView extends ConsentReview {
  purposeName: string;
  recipientName: string | null;
  recordedByLabel: string;
  /** Recorded by the officer looking: another officer reviews it. */
  mine: boolean;
}

const REVIEWS_PER_PAGE = 20;

function consentReviews(csrf: string, reviews: ConsentReviewView[], page: number) {
  const shown = pageOf(reviews, page, REVIEWS_PER_PAGE);
  return html`<h2 id="consent-reviews">Consents recorded by staff</h2>
<p>A consent or withdrawal staff recorded for a person (from a call, a letter, a signed form) takes effect at once and waits here for your review. Reversing it restores what held before, unless the person has chosen again since.</p>
${
  reviews.length
    ? html`${table({
        caption: 'Consent changes recorded by staff, awaiting review',
        columns: [
          { label: 'Entry' },
          { label: 'Recorded' },
          { label: 'By' },
          { label: 'Person' },
          { label: 'Use' },
          { label: 'Change' },
          { label: 'Channel' },
          { label: 'Evidence' },
          { label: 'Review', hideLabel: true },
        ],
        rows: shown.items.map((r) => [
          String(r.id),
          r.recordedAt.toISOString(),
          r.recordedByLabel,
          r.subject.slice(0, 8),
          `${r.purposeName}${r.recipientName ? ` (to ${r.recipientName})` : ''}`,
          r.action === 'grant' ? 'consent given' : 'consent withdrawn',
          r.channel,
          r.evidence ?? '—',
          r.mine
            ? 'You recorded it: another privacy officer reviews it.'
            : form(
                { action: `/staff/dpo/consents/${String(r.id)}`, csrf, className: 'inline-form' },
                html`<button type="submit" name="decision" value="confirmed">Confirm</button> <button type="submit" name="decision" value="reversed">Reverse</button>`,
              ),
        ]),
      })}
${pagination({ page: shown.page, pageCount: shown.pageCount, href: (n) => `/staff/dpo?page=${n}#consent-reviews` })}`
    : html`<p>No consent recorded by staff is waiting for your review.</p>`
}`;
}

export function dpoPage(o: {
  csrf: string;
  events: SecurityEventRow[];
  report?: VerifyReport;
  disclosures: DisclosureRequestView[];
  consents?: ConsentReviewView[];
  consentsPage?: number;
  notice?: string;
  /** A decision that was refused (nothing chosen, or the kernel said no), shown as an error. */
  error?: string;
}): Page {
  const r = o.report;
  return {
    audience: 'dpo',
    title: 'Privacy officer',
    body: html`<section class="console"><h1>Privacy officer</h1>
${o.error ? html`<div class="form-errors" role="alert"><p>${o.error}</p></div>` : ''}
<h2>Audit log</h2>
<p>Every read, write, refusal, disclosure and consent is one entry of a hash-chained audit log. Verifying checks every link of the chain.</p>
${form({ action: '/staff/dpo/verify', csrf: o.csrf }, html`<button type="submit">Verify the audit log now</button>`)}
${
  r
    ? html`<div class="notice" role="status"><p>${r.ok ? 'The audit log verifies: no entry was changed, removed or reordered.' : 'The audit log does NOT verify.'}</p>
<ul><li>Sealed entries: ${r.sealed}</li><li>Waiting to be sealed: ${r.pending}</li>${r.head ? html`<li>Head: link ${r.head.seq}</li>` : ''}
${r.anchor ? html`<li>Anchor outside the database: link ${r.anchor.seq}, recorded ${r.anchor.anchoredAt}${r.anchor.matches ? ', matches the chain' : ', NOT held by the chain'}</li>` : ''}
${r.firstBroken ? html`<li>First broken: ${r.firstBroken.seq ?? '?'} (${r.firstBroken.problem})</li>` : ''}</ul></div>`
    : ''
}
<h2>Security events</h2>
${
  o.events.length
    ? table({
        caption: 'The latest intrusion signals (no addresses are kept)',
        columns: [{ label: 'When' }, { label: 'What' }, { label: 'Detail' }],
        rowHeaders: false,
        rows: o.events.map((e) => [
          e.at.toISOString(),
          e.kind,
          Object.entries(e.detail)
            .map(([k, v]) => `${k}: ${String(v)}`)
            .join(', '),
        ]),
      })
    : html`<p>No security events in the last 30 days.</p>`
}
${disclosureRequests(o.csrf, o.disclosures, o.notice)}
${consentReviews(o.csrf, o.consents ?? [], o.consentsPage ?? 1)}
<h2>Data-subject rights</h2>
<ul>
<li><a href="/staff/requests">Requests and their deadlines</a>: access, correction, deletion, deactivation and opt-out requests, from the privacy centre or entered by staff from an email, a call or a letter.</li>
<li><a href="/staff/disclosures">Legal and other disclosures</a>: court orders, law-enforcement and fraud requests, collections reports and emergency calls, with their instrument and document; emergencies made without prior approval wait there for your review.</li>
<li><a href="/staff/dpo/notices">Notices to recipients</a>: erasures and corrections to pass on to carriers and other recipients.</li>
<li><a href="/staff/dpo/complaints">Complaints</a>: reports that the shop is not keeping its policy.</li>
<li><a href="/staff/dpo/report">Promise report</a>: each promise of the policy, the mechanism that keeps it and its live evidence.</li>
<li><a href="/staff/dpo/datamap">The data map</a>: what the shop holds, why, for whom and for how long.</li>
<li><a href="/staff/dpo/retention">Retention</a>: what is deleted when its time is up, the period the map gives each store, and the latest runs.</li>
</ul>
<p><a href="/staff">Back to the console</a></p></section>`,
  };
}

/** The published contact (P003-25): email, phone and postal address, as the data map gives them. */
export function contactPage(o: { organization: string; contact: DpoContact }): Page {
  const c = o.contact;
  return {
    audience: 'dpo',
    title: 'Privacy contact',
    body: html`<section class="account-form"><h1>Privacy contact</h1>
<p>${o.organization} has a designated privacy officer who oversees how personal data is handled here.</p>
<h2 id="reach">How to reach them</h2>
<dl>
<dt>Who</dt><dd>${c.name}, ${o.organization}</dd>
${c.email ? html`<dt>Email</dt><dd><a href="mailto:${c.email}">${c.email}</a></dd>` : ''}
${c.phone ? html`<dt>Phone</dt><dd><a href="tel:${c.phone.replace(/[^0-9+]/g, '')}">${c.phone}</a></dd>` : ''}
${c.postalAddress ? html`<dt>Post</dt><dd><address>${c.postalAddress}</address></dd>` : ''}
</dl>
<h2 id="correct">Requests about your data</h2>
<p>Signed in, you see, copy, correct and delete your data yourself in <a href="/account/privacy">your privacy centre</a>. For anything it does not let you change there (what you bought, a payment reference, your statement of age), or for any request about your data, write to the privacy officer by ${dpoChannelWords(c)}: say which item and what it should say. We confirm the request is yours with a link mailed to the address we hold, and answer within the time our <a href="/privacy#rights">privacy policy</a> gives.</p>
<p>To report that this shop is not keeping its privacy policy, use <a href="/privacy/complaint">the complaint form</a>: the privacy officer opens a case and answers you by mail.</p>
<p>See also our <a href="/privacy">privacy page</a>.</p></section>`,
  };
}
