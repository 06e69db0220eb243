// The quotes module's pages: the public request form and its confirmation, the requester's page
// (their request, the quote once sent, and the removal button), and the sales console's case
// list, case page and printable quote document. Forms work without JavaScript.
import { formatMoney } from '../web/format.ts';
import { errorSummary, form, input, select, textarea, type Choice, type FormState } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { renderText } from '../web/plain-text.ts';
import { table } from '../web/table.ts';
import { html, type SafeHtml } from '../web/template.ts';
import { type CaseState, caseStates, type QuoteCase, type QuoteLine, totalOf } from './cases.ts';
import { limits, type RequestView } from './requests.ts';

const stateLabels: Record<CaseState, string> = { new: 'New', quoted: 'Quoted', 'follow-up': 'Follow-up due', won: 'Won', lost: 'Lost' };
const timeOf = (d: Date | null) => (d ? `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');
const requestLabels = { name: 'Your name', email: 'Email', phone: 'Phone (optional)', organisation: 'Organisation', system: 'The system to quote for', products: 'Products of interest (optional)' };

export function requestPage(state: FormState, signedIn: boolean): Page {
  return {
    audience: 'storefront',
    title: 'Request a quote',
    description: 'Ask for a quotation for a system: site, equipment and quantities.',
    body: html`<h1>Request a quote</h1>
<p>Tell us about the system you need and our sales team prepares a quotation. We use what you give here only to prepare the quote and to contact you about it; we keep it one year and share it with nobody. The link in our acknowledgement mail shows your request and removes it, with everything you gave us, whenever you like (<a href="/privacy">privacy policy</a>).</p>
${signedIn ? html`<p>You are signed in: the request is kept with your account, and the quote is also mailed to the address you give here.</p>` : ''}
${errorSummary(state, requestLabels)}
${form(
  { action: '/quote', csrf: state.csrf, novalidate: true },
  html`${input(state, { name: 'name', label: requestLabels.name, autocomplete: 'name', maxlength: limits.name })}
${input(state, { name: 'email', label: requestLabels.email, type: 'email', autocomplete: 'email', maxlength: 254 })}
${input(state, { name: 'phone', label: requestLabels.phone, type: 'tel', autocomplete: 'tel', maxlength: limits.phone, required: false, hint: 'Only if you would like a call about the quote.' })}
${input(state, { name: 'organisation', label: requestLabels.organisation, autocomplete: 'organization', maxlength: limits.organisation })}
${textarea(state, { name: 'system', label: requestLabels.system, maxlength: limits.system, rows: 6, hint: 'The site, the equipment, how many of each, anything that changes the price.' })}
${input(state, { name: 'products', label: requestLabels.products, maxlength: limits.products, required: false, hint: 'Product names from our catalogue, if you know them.' })}
<p><button type="submit">Send the request</button></p>`,
)}`,
  };
}

export function requestSentPage(number: number): Page {
  return {
    audience: 'storefront',
    title: 'Quote request received',
    body: html`<h1>Thank you: request ${number} received</h1>
<p>We mailed you an acknowledgement with a link to your request. Our sales team prepares the quote and mails it to you; they may contact you with questions first. The link also removes your request at any time.</p>
<p><a href="/">Back to the shop</a></p>`,
  };
}

function requestDetails(r: RequestView): SafeHtml {
  return html`<dl class="quote-request">
<dt>Name</dt><dd>${r.name}</dd>
<dt>Email</dt><dd>${r.email}</dd>
<dt>Phone</dt><dd>${r.phone || '—'}</dd>
<dt>Organisation</dt><dd>${r.organisation}</dd>
<dt>Products of interest</dt><dd>${r.products || '—'}</dd>
</dl>
<h3>The system to quote for</h3>
<div class="quote-system">${renderText(r.system)}</div>`;
}

/** The quote document (printable): lines, total, validity. */
export function quoteDocument(shopName: string, c: QuoteCase, r: RequestView, lines: readonly QuoteLine[]): SafeHtml {
  return html`<article class="quote-document">
<h2>Quote ${c.number} from ${shopName}</h2>
<p>For ${r.name}, ${r.organisation}. Issued ${c.quoted_at ? new Date(c.quoted_at).toISOString().slice(0, 10) : '(draft)'}; valid until ${c.valid_until ?? '(not set)'}.</p>
${table({
  caption: 'Quoted items',
  columns: [{ label: 'Item' }, { label: 'Quantity', numeric: true }, { label: 'Unit price', numeric: true }, { label: 'Amount', numeric: true }],
  rows: lines.map((l) => [l.description, l.quantity, formatMoney(l.unit_minor, c.currency), formatMoney(l.quantity * l.unit_minor, c.currency)]),
  empty: 'No item yet.',
})}
<p class="quote-total">Total: <strong>${formatMoney(totalOf(lines), c.currency)}</strong> (before any tax that applies)</p>
</article>`;
}

export function viewPage(shopName: string, c: QuoteCase, r: RequestView, lines: readonly QuoteLine[], token: string, csrf: string): Page {
  const quoted = c.quoted_at !== null;
  return {
    audience: 'storefront',
    title: `Quote request ${c.number}`,
    body: html`<h1>Your quote request ${c.number}</h1>
<p>Received ${timeOf(c.created_at)}. ${quoted ? html`Our quote is below: print this page to keep it.` : 'Our sales team is preparing the quote; we mail you when it is ready.'}</p>
${quoted ? quoteDocument(shopName, c, r, lines) : ''}
<h2>What you asked for</h2>
${requestDetails(r)}
<section class="no-print">
<h2>Remove your request</h2>
<p>This removes the request, our quote and notes, and everything you gave us with it, at once. It cannot be undone.${c.by_customer ? ' Your account stays as it is.' : ''}</p>
${form({ action: '/quote/remove', csrf, hidden: { token } }, html`<p><button type="submit">Remove my request</button></p>`)}
</section>`,
  };
}

export function removedPage(): Page {
  return {
    audience: 'storefront',
    title: 'Request removed',
    body: html`<h1>Your request is removed</h1>
<p>We removed your quote request and erased what you gave us with it. Nothing of it can be read again, here or in our backups.</p>
<p><a href="/">Back to the shop</a></p>`,
  };
}

// ---- Staff.

export interface CaseRow {
  id: string;
  number: number;
  status: string;
  created_at: Date;
  follow_up_on: string | null;
  name: string;
  organisation: string;
}

export function casesPage(state: CaseState, counts: Record<CaseState, number>, rows: readonly CaseRow[]): Page {
  return {
    audience: 'staff',
    title: 'Quote requests',
    body: html`<h1>Quote requests</h1>
<p>Requests from the quote form. What a requester gave is used only to quote and follow up, and is removed when they ask (their link, or a deletion request).</p>
<nav aria-label="Case states"><ul class="quote-states">${caseStates.map(
      (s) => html`<li><a href="/staff/quotes?state=${s}"${s === state ? html` aria-current="page"` : ''}>${stateLabels[s]} (${counts[s]})</a></li>`,
    )}</ul></nav>
${table({
  caption: stateLabels[state],
  columns: [{ label: 'Request' }, { label: 'From' }, { label: 'Status' }, { label: 'Received' }, { label: 'Follow up on' }],
  rows: rows.map((r) => [html`<a href="/staff/quotes/${r.id}">${r.number}</a>`, `${r.name}, ${r.organisation}`, r.status, timeOf(r.created_at), r.follow_up_on ?? '—']),
  empty: 'No request in this state.',
})}`,
  };
}

export interface CaseView {
  shopName: string;
  c: QuoteCase;
  request: RequestView;
  notes: readonly { at: Date; by: string; text: string }[];
  lines: readonly QuoteLine[];
  products: readonly Choice[];
  csrf: string;
  followUp: FormState;
  line: FormState;
  send: FormState;
  today: string;
}

export function casePage(v: CaseView): Page {
  const { c } = v;
  const open = c.status === 'new' || c.status === 'quoted';
  return {
    audience: 'staff',
    title: `Quote request ${c.number}`,
    body: html`<h1>Quote request ${c.number}</h1>
<p>Status: <strong>${c.status}</strong>. Received ${timeOf(c.created_at)}${c.by_customer ? ' from a signed-in customer' : ''}. ${c.quoted_at ? html`Quote sent ${timeOf(c.quoted_at)}, valid until ${c.valid_until}.` : ''} Follow up on: ${c.follow_up_on ?? '—'}.</p>
<h2>The request</h2>
${requestDetails(v.request)}
<h2>Follow-up</h2>
${v.notes.length ? html`<ul class="quote-notes">${v.notes.map((n) => html`<li><p>${timeOf(n.at)}, ${n.by}</p>${renderText(n.text)}</li>`)}</ul>` : html`<p>No note yet.</p>`}
${errorSummary(v.followUp, { note: 'Note', date: 'Follow up on' })}
${form(
  { action: `/staff/quotes/${c.id}/follow-up`, csrf: v.csrf, novalidate: true },
  html`${textarea(v.followUp, { name: 'note', label: 'Note', maxlength: 4000, rows: 3, required: false, hint: 'What was said or agreed; kept with the request and removed with it.' })}
${input(v.followUp, { name: 'date', label: 'Follow up on', maxlength: 10, required: false, hint: 'YYYY-MM-DD; staff are reminded by mail on that day. Empty: none.' })}
<p><button type="submit">Save</button></p>`,
)}
<h2>Quote</h2>
${quoteDocument(v.shopName, c, v.request, v.lines)}
${
  open
    ? html`${v.lines.length ? form({ action: `/staff/quotes/${c.id}/lines/remove`, csrf: v.csrf, className: 'inline-form' }, html`${select({ csrf: v.csrf }, { name: 'line', label: 'Line to remove', choices: v.lines.map((l) => ({ value: l.id, label: `${l.position}. ${l.description}` })) })}<p><button type="submit">Remove the line</button></p>`) : ''}
<h3>Add a line</h3>
${errorSummary(v.line, { product: 'Product', description: 'Description', quantity: 'Quantity', price: 'Unit price' })}
${form(
  { action: `/staff/quotes/${c.id}/lines`, csrf: v.csrf, novalidate: true },
  html`${select(v.line, { name: 'product', label: 'Product', choices: [{ value: '', label: 'Free text (describe below)' }, ...v.products] })}
${input(v.line, { name: 'description', label: 'Description', maxlength: 200, required: false, hint: 'For a free-text line; for a product, leave empty to use its name.' })}
${input(v.line, { name: 'quantity', label: 'Quantity', maxlength: 6 })}
${input(v.line, { name: 'price', label: `Unit price (${c.currency})`, maxlength: 12, required: false, hint: 'For a product, leave empty to use its catalogue price.' })}
<p><button type="submit">Add the line</button></p>`,
)}
<h3>Send the quote</h3>
${errorSummary(v.send, { validUntil: 'Valid until', product: 'Lines' })}
${form(
  { action: `/staff/quotes/${c.id}/send`, csrf: v.csrf, novalidate: true },
  html`${input(v.send, { name: 'validUntil', label: 'Valid until', maxlength: 10, hint: 'YYYY-MM-DD' })}
<p><button type="submit">${c.quoted_at ? 'Send the quote again' : 'Send the quote'}</button></p>`,
)}
<h3>Close the case</h3>
${form({ action: `/staff/quotes/${c.id}/status`, csrf: v.csrf, className: 'inline-form' }, html`<button type="submit" name="status" value="won">Won</button> <button type="submit" name="status" value="lost">Lost</button>`)}`
    : ''
}
<p><a href="/staff/quotes/${c.id}/document">Printable quote</a> · <a href="/staff/quotes">All quote requests</a></p>`,
  };
}

export function staffDocumentPage(shopName: string, c: QuoteCase, r: RequestView, lines: readonly QuoteLine[]): Page {
  return {
    audience: 'staff',
    title: `Quote ${c.number}`,
    body: html`${quoteDocument(shopName, c, r, lines)}
<p class="no-print"><a href="/staff/quotes/${c.id}">Back to the case</a></p>`,
  };
}
