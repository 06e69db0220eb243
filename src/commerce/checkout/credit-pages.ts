// The staff pages of credit checks: the list of invoice orders waiting, and one order's check with
// the form of its next step. Plain forms, no JavaScript.
import { creditNoteLabel, creditNotes, staffCreditNotes } from './credit-notes.ts';
import { html } from '../../web/template.ts';
import { formatMoney } from '../../web/format.ts';
import type { CreditCheck } from './credit.ts';
import type { Page } from './pages.ts';
import type { OrderRef } from './ports.ts';
import { form, textarea } from '../../web/form.ts';
import { table } from '../../web/table.ts';

const stateText: Record<CreditCheck['state'], string> = {
  awaiting: 'Not asked yet',
  requested: 'Asked: waiting for the DPO’s approval and the agency’s answer',
  approved: 'Approved: the order waits for the invoice to be paid',
  rejected: 'Refused: the order was cancelled',
};

export function creditListPage(rows: { check: CreditCheck; order: OrderRef }[]): Page {
  return {
    audience: 'staff',
    title: 'Credit checks',
    body: html`<section class="staff-credit"><p class="breadcrumbs"><a href="/staff">Staff console</a></p>
<h1>Credit checks</h1>
${
  rows.length === 0
    ? html`<p>No invoice order is waiting for a credit check.</p>`
    : table({
        caption: 'Invoice orders waiting for a credit check',
        hideCaption: true,
        columns: [{ label: 'Order' }, { label: 'Total', numeric: true }, { label: 'Credit check' }],
        rows: rows.map(({ check, order }) => [html`<a href="/staff/credit/${order.number}">${order.number}</a>`, formatMoney(order.total_minor, order.currency), stateText[check.state]]),
      })
}
</section>`,
  };
}

/** The agency's report: typed by staff who may see credit history, kept encrypted with its source (inbound data). */
function reportFields(sources: readonly { id: string; name: string }[], csrf: string) {
  if (sources.length === 0) return '';
  return html`<fieldset><legend>The agency’s report (optional)</legend>
${textarea({ csrf, values: {}, errors: {} }, { name: 'credit_history', label: 'Credit history as the agency reported it', maxlength: 2000, rows: 4, required: false, hint: 'Kept encrypted as the buyer’s data, with where it came from; the buyer sees it in their copy of their data.' })}
<label for="source">Received from</label>
<select id="source" name="source">${sources.map((s) => html`<option value="${s.id}">${s.name}</option>`)}</select>
</fieldset>`;
}

export function creditPage(o: {
  check: CreditCheck;
  order: OrderRef;
  recipientName: string;
  csrf: string;
  reportSources?: readonly { id: string; name: string }[];
  error?: string;
  notice?: string;
}): Page {
  const { check, order } = o;
  const action = `/staff/credit/${order.number}`;
  const step =
    check.state === 'awaiting'
      ? html`${form(
          { action: `${action}/request`, csrf: o.csrf },
          html`
<p>The buyer’s name and invoice address go to ${o.recipientName} only once the DPO approves the request.</p>
<button type="submit">Ask for a credit check</button>`,
        )}`
      : check.state === 'requested'
        ? html`${form(
            { action: `${action}/decision`, csrf: o.csrf },
            html`
<fieldset><legend>The agency’s answer</legend>
<label><input type="radio" name="decision" value="approved" required> Approved: send the details under the DPO’s approval and release the order</label>
<label><input type="radio" name="decision" value="refused"> Refused: cancel the order and release its stock</label>
</fieldset>
<label for="reason">Reason (optional)</label>
<select id="reason" name="reason"><option value="">No reason given</option>${staffCreditNotes().map((code) => html`<option value="${code}">${creditNotes[code].label} (${creditNotes[code].decision})</option>`)}</select>
${reportFields(o.reportSources ?? [], o.csrf)}
<button type="submit">Record the answer</button>`,
          )}`
        : html`<p>Nothing more to do here.${check.state === 'approved' ? html` Mark the order paid when the invoice is paid.` : ''}</p>`;
  return {
    audience: 'staff',
    title: `Credit check of order ${order.number}`,
    body: html`<section class="staff-credit"><p class="breadcrumbs"><a href="/staff">Staff console</a> › <a href="/staff/credit">Credit checks</a></p>
<h1>Credit check of order ${order.number}</h1>
${o.error ? html`<div class="error-summary" role="alert"><p>${o.error}</p></div>` : ''}
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
<dl><dt>Total</dt><dd>${formatMoney(order.total_minor, order.currency)}</dd>
<dt>Agency</dt><dd>${o.recipientName}</dd>
<dt>Credit check</dt><dd id="credit-state">${stateText[check.state]}</dd>
${check.reason ? html`<dt>Reason</dt><dd>${creditNoteLabel(check.reason)}</dd>` : ''}</dl>
${step}
</section>`,
  };
}
