// The fraud module's pages: the buyer's upload form (by the mailed link or from their order page),
// the privacy officer's list of identity checks and one check with its decision, the owner's risk
// rules, and the part of an order's page that tells where its check stands. Plain forms, no JavaScript.
import { formatMoney } from '../../web/format.ts';
import { errorSummary, form, type FormState, input } from '../../web/form.ts';
import { majorAmount } from '../../web/money.ts';
import type { Page } from '../../web/page.ts';
import { table } from '../../web/table.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { MAX_PROOF_BYTES } from './proof.ts';
import { type RiskRules, type RuleCode, ruleLabels } from './rules.ts';
import type { Review } from './review.ts';
import type { ReviewState } from './tables.ts';

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '');
const when = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '');

export const stateText: Record<ReviewState, string> = {
  flagged: 'Flagged; waiting for the payment',
  awaiting_proof: 'On hold; waiting for the buyer’s proof of identity',
  proof_received: 'Proof received; waiting for your decision',
  approved: 'Approved; the order was released',
  rejected: 'Rejected; the order was cancelled and refunded',
  closed: 'Closed; the order ended another way',
};

const rulesText = (rules: readonly string[]) => rules.map((r) => ruleLabels[r as RuleCode] ?? r).join('; ');

function fieldError(state: FormState, name: string): SafeHtml {
  const error = state.errors?.[name];
  return error ? html`<span class="error" id="f-${name}-error">${error}</span>` : html``;
}

/** The buyer's upload form; `action` is the link's own address or the order page's. */
export function uploadPage(o: { number: string; action: string; state: FormState; received: Date | null; done?: boolean }): Page {
  const s = o.state;
  const error = s.errors?.file;
  return {
    audience: 'storefront',
    title: `Proof of identity for order ${o.number}`,
    body: html`<section class="identity-upload"><h1>Proof of identity for order ${o.number}</h1>
${o.done ? html`<div class="notice" role="status"><p>Thank you: we received your proof of identity. We mail you as soon as it is checked.</p></div>` : ''}
<p>Before we send this order we need to confirm that it was you who placed it. Upload a photo or scan of a passport, identity card or driving licence showing your name.</p>
<p>Your document is stored encrypted; only our privacy officer looks at it, each look is recorded, and it is deleted when its retention ends (90 days after you upload it).</p>
${o.received && !o.done ? html`<p>We received a proof on ${day(o.received)}. You may upload another one; it replaces the first.</p>` : ''}
${errorSummary(s, { file: 'Proof of identity', token: 'Link', '': '' })}
${form(
  { action: o.action, csrf: s.csrf, enctype: 'multipart/form-data', className: 'account-form' },
  html`<p class="field${error ? ' field-error' : ''}"><label for="f-file">Proof of identity</label>
<span class="hint" id="f-file-hint">A JPEG or PNG image or a PDF, at most ${MAX_PROOF_BYTES / 1024 / 1024} MB.</span>
<input id="f-file" name="file" type="file" accept="image/jpeg,image/png,application/pdf" required aria-describedby="f-file-hint${error ? ' f-file-error' : ''}"${error ? html` aria-invalid="true"` : ''}>
${fieldError(s, 'file')}</p>
<button type="submit">Upload</button>`,
)}
</section>`,
  };
}

/** A link that is not valid any more (the check is over, or it was mistyped). */
export function linkInvalidPage(message: string): Page {
  return {
    audience: 'storefront',
    title: 'This link is not valid',
    body: html`<section><h1>This link is not valid</h1><p>${message}</p><p>If you are signed in, your order’s page shows what is needed.</p></section>`,
  };
}

export interface ListedCheck {
  number: string;
  status: string;
  totalMinor: number;
  currency: string;
  review: Review;
}

export function checksPage(open: readonly ListedCheck[], decided: readonly ListedCheck[]): Page {
  const rows = (list: readonly ListedCheck[]) =>
    list.map((c) => [
      html`<a href="/staff/dpo/identity/${c.number}">${c.number}</a>`,
      formatMoney(c.totalMinor, c.currency),
      rulesText(c.review.rules),
      stateText[c.review.state],
      day(c.review.held_at ?? c.review.flagged_at),
    ]);
  const columns = [{ label: 'Order' }, { label: 'Total', numeric: true }, { label: 'Rules matched' }, { label: 'Check' }, { label: 'Held since' }];
  return {
    audience: 'dpo',
    title: 'Identity checks',
    body: html`<section class="console"><p class="breadcrumbs"><a href="/staff/dpo">Privacy desk</a></p>
<h1>Identity checks</h1>
<p>Orders the shop’s risk rules held after payment. The buyer was mailed a link to upload a proof of identity; you approve (the order goes on) or reject it (the order is cancelled and refunded). Proofs are deleted when their retention ends.</p>
<h2>Waiting</h2>
${open.length ? table({ caption: 'Identity checks waiting', hideCaption: true, columns, rows: rows(open) }) : html`<p>No order waits for an identity check.</p>`}
<h2>Decided lately</h2>
${decided.length ? table({ caption: 'Identity checks decided lately', hideCaption: true, columns, rows: rows(decided) }) : html`<p>None yet.</p>`}
</section>`,
  };
}

export function checkPage(o: { check: ListedCheck; csrf: string; error?: string }): Page {
  const { review, number } = o.check;
  const action = `/staff/dpo/identity/${number}`;
  const open = review.state === 'awaiting_proof' || review.state === 'proof_received';
  const kept = review.proof_parts !== null && review.purged_at === null;
  const proof = kept
    ? html`<p><a href="${action}/proof" id="proof-link">Open the proof of identity</a> (each opening is recorded in the buyer’s access log).</p>`
    : review.purged_at
      ? html`<p id="proof-purged">The proof received on ${day(review.proof_received_at)} was deleted on ${day(review.purged_at)}, when its retention ended.</p>`
      : html`<p>No proof of identity has arrived yet.</p>`;
  return {
    audience: 'dpo',
    title: `Identity check of order ${number}`,
    body: html`<section class="console"><p class="breadcrumbs"><a href="/staff/dpo">Privacy desk</a> › <a href="/staff/dpo/identity">Identity checks</a></p>
<h1>Identity check of order ${number}</h1>
${o.error ? html`<div class="error-summary" role="alert"><p>${o.error}</p></div>` : ''}
<dl><dt>Total</dt><dd>${formatMoney(o.check.totalMinor, o.check.currency)}</dd>
<dt>Order status</dt><dd>${o.check.status}</dd>
<dt>Rules matched</dt><dd>${rulesText(review.rules)}</dd>
<dt>Check</dt><dd id="check-state">${stateText[review.state]}</dd>
${review.held_at ? html`<dt>Held</dt><dd>${when(review.held_at)}</dd>` : ''}
${review.proof_received_at ? html`<dt>Proof received</dt><dd>${when(review.proof_received_at)}</dd>` : ''}
${review.decided_at ? html`<dt>Decided</dt><dd>${when(review.decided_at)}</dd>` : ''}
${review.purged_at ? html`<dt>Proof deleted</dt><dd>${when(review.purged_at)}</dd>` : ''}</dl>
<h2>Proof of identity</h2>
${proof}
${
  open
    ? html`<h2>Decision</h2>
${
  review.state === 'proof_received'
    ? form(
        { action: `${action}/approve`, csrf: o.csrf },
        html`<p>The proof matches the order: release it. It goes back to paid and is delivered; the buyer is mailed.</p><button type="submit">Approve</button>`,
      )
    : ''
}
${form({ action: `${action}/reject`, csrf: o.csrf }, html`<p>The buyer could not be confirmed: cancel the order, put its stock back and refund the payment; the buyer is mailed.</p><button type="submit" class="danger">Reject</button>`)}`
    : ''
}
</section>`,
  };
}

export function rulesPage(o: { rules: RiskRules; currency: string; state: FormState; saved?: boolean }): Page {
  const s = o.state;
  const values = s.values ?? {
    country_mismatch: o.rules.countryMismatch ? 'on' : '',
    velocity_orders: o.rules.velocity ? String(o.rules.velocity.orders) : '',
    velocity_hours: o.rules.velocity ? String(o.rules.velocity.hours) : '',
    amount: o.rules.amount ? majorAmount(o.rules.amount.minor, o.rules.amount.currency) : '',
  };
  const state: FormState = { ...s, values };
  return {
    audience: 'staff',
    title: 'Risk rules',
    body: html`<section class="console"><p class="breadcrumbs"><a href="/staff">Staff console</a></p>
<h1>Risk rules</h1>
${o.saved ? html`<div class="notice" role="status"><p>The risk rules are saved; they apply to orders placed from now on.</p></div>` : ''}
<p>An order that matches any rule is held after payment, before anything is delivered. The buyer is mailed a link to upload a proof of identity, and the privacy officer approves or rejects the order. Leave a rule empty to turn it off.</p>
${errorSummary(state, { velocity_orders: 'Orders', velocity_hours: 'Hours', amount: 'Amount', '': '' })}
${form(
  { action: '/staff/risk-rules', csrf: s.csrf, className: 'account-form', novalidate: true },
  html`<p class="field"><label><input type="checkbox" name="country_mismatch" value="on"${values.country_mismatch ? html` checked` : ''}> Hold orders whose billing country differs from the delivery country</label></p>
<fieldset><legend>Many orders from the same buyer</legend>
${input(state, { name: 'velocity_orders', label: 'Orders', hint: 'Hold the order that makes this many orders (2-100) by the same buyer (the same email) within the hours below.', required: false, maxlength: 3 })}
${input(state, { name: 'velocity_hours', label: 'Hours', hint: '1-720', required: false, maxlength: 3 })}
</fieldset>
${input(state, { name: 'amount', label: `Amount (${o.currency})`, hint: `Hold orders of this total or more, e.g. 500.00.`, required: false, maxlength: 15 })}
<button type="submit">Save the rules</button>`,
)}
</section>`,
  };
}

/** The order page's part: where the order's identity check stands (buyer) or who decides it (staff). */
export function checkSection(review: Review, reader: 'buyer' | 'staff', number: string): SafeHtml | null {
  if (reader === 'staff')
    return html`<section class="identity-check"><h2>Identity check</h2><p>Held by the risk rules (${rulesText(review.rules)}): ${stateText[review.state].toLowerCase()}.${
      review.state === 'awaiting_proof' || review.state === 'proof_received' ? ' The privacy officer decides it under Identity checks.' : ''
    }</p></section>`;
  const purged = review.purged_at ? html` It was deleted on ${day(review.purged_at)}.` : '';
  if (review.state === 'awaiting_proof')
    return html`<section class="identity-check"><h2>Proof of identity</h2><p>We need to confirm who placed this order before we send it. Use the link we mailed you, or <a href="/account/orders/${number}/identity">upload a proof of identity</a> when signed in.</p></section>`;
  if (review.state === 'proof_received')
    return html`<section class="identity-check"><h2>Proof of identity</h2><p>We received your proof of identity on ${day(review.proof_received_at)} and are checking it; we mail you the outcome. <a href="/account/orders/${number}/identity">Upload another one</a>.</p></section>`;
  if (review.proof_received_at) return html`<section class="identity-check"><h2>Proof of identity</h2><p>You sent a proof of identity on ${day(review.proof_received_at)}.${purged}</p></section>`;
  return null;
}
