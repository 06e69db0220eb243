// The pages of legal and other disclosures: the list (newest first, paged, emergencies awaiting
// review on top for the privacy officer), the choice of basis and recipient, the request form and
// one request's page. No personal value is shown but the instrument's reference to staff whose
// role may read it; the person is named by a short pseudonymous reference.
import type { DataMap } from '../../privacy/index.ts';
import { errorSummary, form, type FormState, input, select, textarea } from '../../web/form.ts';
import type { Page } from '../../web/page.ts';
import { type PageSlice, pagination } from '../../web/pagination.ts';
import { table } from '../../web/table.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { type DisclosureRoute, LEGAL_BASES } from './choices.ts';
import { type LegalState, stateLabels } from './states.ts';
import type { LegalDisclosureRow } from './store.ts';

export interface RequestView {
  row: LegalDisclosureRow;
  state: LegalState;
  basisLabel: string;
  recipientName: string;
}

const when = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 16).replace('T', ' ') : '—');
const person = (subject: string | null) => (subject ? `person ${subject.slice(0, 8)}` : 'erased');
const fieldsOf = (map: DataMap, categories: readonly string[]) => categories.map((c) => map.categories.get(c)?.label ?? c).join(', ');
const notice = (text?: string) => (text ? html`<div class="notice" role="status"><p>${text}</p></div>` : '');

function requestTable(caption: string, map: DataMap, views: readonly RequestView[]): SafeHtml {
  return table({
    caption,
    columns: [{ label: 'Request' }, { label: 'Recorded' }, { label: 'Basis' }, { label: 'Recipient' }, { label: 'Fields' }, { label: 'Person' }, { label: 'State' }],
    rows: views.map((v) => [
      html`<a href="/staff/disclosures/${v.row.id}">${v.row.number}</a>`,
      when(v.row.recorded_at),
      v.basisLabel,
      v.recipientName,
      fieldsOf(map, v.row.categories),
      person(v.row.subject_id),
      stateLabels[v.state],
    ]),
  });
}

export function listPage(o: { map: DataMap; requests: PageSlice<RequestView>; review: readonly RequestView[]; officer: boolean }): Page {
  return {
    audience: 'staff',
    title: 'Legal and other disclosures',
    body: html`<section class="console"><h1>Legal and other disclosures</h1>
<p>A court order, a subpoena, a law-enforcement or fraud request, a collections report to a credit agency or an emergency call: each names a basis from the shop’s fixed list, the person, the fields and the instrument. The privacy officer approves it first (an emergency proceeds and is reviewed after); producing it gives the recipient exactly those fields and records them in the disclosure ledger.</p>
<p><a href="/staff/disclosures/new">Record a request</a></p>
${o.officer ? html`<h2>Emergencies awaiting your review</h2>${o.review.length ? requestTable('Emergency disclosures made without prior approval, oldest first', o.map, o.review) : html`<p>No emergency disclosure is waiting for your review.</p>`}` : ''}
<h2>All requests</h2>
${
  o.requests.items.length
    ? html`${requestTable('Disclosure requests, newest first', o.map, o.requests.items)}
${pagination({ page: o.requests.page, pageCount: o.requests.pageCount, href: (n) => `/staff/disclosures?page=${n}` })}`
    : html`<p>No request has been recorded yet.</p>`
}
<p><a href="/staff">Back to the console</a></p></section>`,
  };
}

export function chooseRoutePage(o: { routes: readonly DisclosureRoute[] }): Page {
  return {
    audience: 'staff',
    title: 'Record a disclosure request',
    body: html`<section class="console"><h1>Record a disclosure request</h1>
<p>Choose the basis and the recipient; the next page asks for the person, the fields this recipient may receive and the document.</p>
${LEGAL_BASES.map((basis) => {
  const routes = o.routes.filter((r) => r.basis === basis);
  return routes.length ? html`<h2>${routes[0]!.basisLabel}</h2><ul>${routes.map((r) => html`<li><a href="/staff/disclosures/new/${r.basis}/${r.recipient}">To ${r.recipientName}</a></li>`)}</ul>` : '';
})}
<p><a href="/staff/disclosures">Back to the disclosures</a></p></section>`,
  };
}

const labels = { basis: 'Basis', recipient: 'Recipient', email: 'Email address of the person', categories: 'Fields to disclose', instrument: 'Reference of the instrument', document: 'Document' };

export function recordPage(o: { map: DataMap; route: DisclosureRoute; state: FormState; chosen: readonly string[] }): Page {
  const emergency = o.route.basis === 'emergency';
  const error = o.state.errors?.categories;
  const documentError = o.state.errors?.document;
  return {
    audience: 'staff',
    title: 'Record a disclosure request',
    body: html`<section class="account-form"><h1>Record a disclosure request</h1>
<p>${o.route.basisLabel}, to ${o.route.recipientName}. ${emergency ? 'An emergency disclosure may be produced at once; the privacy officer reviews it after.' : 'The privacy officer approves or rejects it before anything is disclosed.'}</p>
${errorSummary(o.state, labels)}
${form(
  { action: '/staff/disclosures', csrf: o.state.csrf, enctype: 'multipart/form-data', novalidate: true, hidden: { basis: o.route.basis, recipient: o.route.recipient } },
  html`${input(o.state, { name: 'email', label: labels.email, type: 'email', autocomplete: 'off', maxlength: 254, hint: 'Found through the shop’s protected index of addresses; it is not stored with the request.' })}
<fieldset class="field${error ? ' field-error' : ''}" id="f-categories"${error ? html` aria-describedby="f-categories-error" aria-invalid="true"` : ''}>
<legend>${labels.categories}</legend>
<span class="hint">Only the fields this recipient is declared to receive on this basis.</span>
${o.route.categories.map((c, i) => html`<p><input type="checkbox" id="f-categories-${i}" name="categories" value="${c}"${o.chosen.includes(c) ? html` checked` : ''}> <label for="f-categories-${i}">${fieldsOf(o.map, [c])}${o.map.categories.get(c)?.cpni ? ' (CPNI: needs the customer’s authorisation unless the law compels it)' : ''}</label></p>`)}
${error ? html`<span class="error" id="f-categories-error">${error}</span>` : ''}
</fieldset>
${textarea(o.state, { name: 'instrument', label: labels.instrument, maxlength: 500, rows: 3, hint: emergency ? 'The call: when, who called, what for.' : 'The docket, case or account number and who issued it.' })}
<p class="field${documentError ? ' field-error' : ''}">
<label for="f-document">${labels.document}${emergency ? ' (optional)' : ''}</label>
<span class="hint" id="f-document-hint">A PDF, PNG or JPEG of at most 1 MB; kept encrypted with the person’s data.</span>
<input id="f-document" name="document" type="file" accept="application/pdf,image/png,image/jpeg" aria-describedby="f-document-hint${documentError ? ' f-document-error' : ''}"${documentError ? html` aria-invalid="true"` : ''}>
${documentError ? html`<span class="error" id="f-document-error">${documentError}</span>` : ''}
</p>
<p><button type="submit">Record the request</button></p>`,
)}
<p><a href="/staff/disclosures/new">Choose another basis or recipient</a></p></section>`,
  };
}

export interface DetailView extends RequestView {
  instrument: string | null;
  recordedByLabel: string;
  ledgerFields?: string;
}

const channels = [
  { value: 'paper', label: 'A signed form' },
  { value: 'email', label: 'By email' },
  { value: 'phone', label: 'By phone' },
  { value: 'in-person', label: 'In person' },
];

export function detailPage(o: { map: DataMap; view: DetailView; csrf: string; canProduce: boolean; canReview: boolean; cpni: boolean; notice?: string; state?: FormState }): Page {
  const { row } = o.view;
  const state = o.state ?? { csrf: o.csrf };
  return {
    audience: 'staff',
    title: `Disclosure request ${row.number}`,
    body: html`<section class="console"><h1>Disclosure request ${row.number}</h1>
${notice(o.notice)}
<dl class="policy-facts">
<dt>State</dt><dd>${stateLabels[o.view.state]}</dd>
<dt>Basis</dt><dd>${o.view.basisLabel}</dd>
<dt>Recipient</dt><dd>${o.view.recipientName}</dd>
<dt>Purpose</dt><dd>${o.map.purposes.get(row.purpose)?.name ?? row.purpose}</dd>
<dt>Fields</dt><dd>${fieldsOf(o.map, row.categories)}</dd>
<dt>Person</dt><dd>${person(row.subject_id)}</dd>
<dt>Instrument</dt><dd>${o.view.instrument ?? 'Not shown to your role.'}</dd>
<dt>Document</dt><dd>${row.document_chunks > 0 ? html`<a href="/staff/disclosures/${row.id}/document">Open the document</a>` : 'None attached'}</dd>
<dt>Recorded</dt><dd>${when(row.recorded_at)} by ${o.view.recordedByLabel}</dd>
${row.produced_at ? html`<dt>Produced</dt><dd>${when(row.produced_at)}; ledger entry ${row.disclosure_id ?? ''}</dd>` : ''}
${row.reviewed_at ? html`<dt>Reviewed</dt><dd>${when(row.reviewed_at)}</dd>` : ''}
</dl>
${
  o.canProduce
    ? html`<h2>Produce the disclosure</h2>
<p>Gives you the export of exactly these fields to hand to the recipient and records it in the disclosure ledger. It is produced once: keep the file with the case.</p>
${form({ action: `/staff/disclosures/${row.id}/produce`, csrf: o.csrf }, html`<button type="submit">Produce the export</button>`)}`
    : ''
}
${o.canReview ? html`<h2>Review</h2><p>This emergency disclosure was made without prior approval. Confirm you reviewed it.</p>${form({ action: `/staff/disclosures/${row.id}/review`, csrf: o.csrf }, html`<button type="submit">Mark as reviewed</button>`)}` : ''}
${
  o.cpni
    ? html`<h2>Customer’s CPNI authorisation</h2>
<p>Telecom service and call records leave only with the customer’s recorded authorisation to give them to ${o.view.recipientName}, or when the law compels it (a court order, a law-enforcement demand or a legal obligation). Record the authorisation the customer gave; the privacy officer reviews it.</p>
${errorSummary(state, { channel: 'How the customer authorised it', evidence: 'What proves it' })}
${form(
  { action: `/staff/disclosures/${row.id}/authorisation`, csrf: o.csrf, novalidate: true },
  html`${select(state, { name: 'channel', label: 'How the customer authorised it', choices: channels })}
${input(state, { name: 'evidence', label: 'What proves it', maxlength: 500, hint: 'The signed form’s reference, the call’s date and reference.' })}
<p><button type="submit">Record the authorisation</button></p>`,
)}`
    : ''
}
<p><a href="/staff/disclosures">All disclosure requests</a></p></section>`,
  };
}

/** A request the DPO console links to that was asked elsewhere in the shop (a credit check at checkout). */
export function otherRequestPage(o: { map: DataMap; basisLabel: string; recipientName: string; categories: readonly string[]; decision: string }): Page {
  return {
    audience: 'staff',
    title: 'Disclosure request',
    body: html`<section class="console"><h1>Disclosure request</h1>
<p>This request was made by the shop itself (for example a credit check at checkout), not recorded here: it has no instrument or document.</p>
<dl class="policy-facts"><dt>Basis</dt><dd>${o.basisLabel}</dd><dt>Recipient</dt><dd>${o.recipientName}</dd><dt>Fields</dt><dd>${fieldsOf(o.map, o.categories)}</dd><dt>Decision</dt><dd>${o.decision}</dd></dl>
<p><a href="/staff/dpo">Privacy officer</a></p></section>`,
  };
}
