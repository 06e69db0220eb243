// The testimonials module's pages: the public testimonials and customer list (words with a first
// name or initial only; a company's name and logo), each entry with its "ask us to remove this"
// link; the removal request and its mailed link; the customer's own page; the staff page with the
// entries to approve and the takedown cases with their 24-hour deadline. No JavaScript needed.
import { imageUrl, type StoredImage } from '../media/index.ts';
import { errorSummary, form, input, radios, select, textarea, type FormState } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { renderText } from '../web/plain-text.ts';
import { table } from '../web/table.ts';
import { html, type SafeHtml } from '../web/template.ts';
import { type EntryRow, LIMITS, type Shown, staffChannels } from './entries.ts';
import type { CaseRow } from './takedown.ts';

const utc = (d: Date | null) => (d ? `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');
const kindLabel = { quote: 'Testimonial', company: 'Customer listing' } as const;
const stateLabel = { pending: 'Waiting for approval', published: 'On the site', removed: 'Removed' } as const;

function logo(image: StoredImage | undefined, alt: string): SafeHtml | '' {
  if (!image) return '';
  const widths = [...image.widths].sort((a, b) => a - b);
  const w = widths[0]!;
  return html`<img class="customer-logo" src="${imageUrl(image.id, w)}" width="${image.width}" height="${image.height}" alt="${alt}" loading="lazy" decoding="async">`;
}

const removeLink = (id: string) => html`<a class="takedown-link" href="/testimonials/${id}/remove">Ask us to remove this</a>`;

export function testimonialsPage(quotes: readonly Shown[]): Page {
  return {
    audience: 'storefront',
    title: 'What our customers say',
    description: 'Testimonials our customers agreed to let us show.',
    body: html`<h1>What our customers say</h1>
<p>Each customer here agreed to let us quote them, and chose to be named by first name or initial only. Anyone quoted can have their words removed at once with the link beside them; we remove any copy elsewhere within 24 hours. See also <a href="/customers">our customers</a>.</p>
${
  quotes.length
    ? html`<ul class="testimonial-list">${quotes.map(
        (q) => html`<li class="testimonial" id="t-${q.entry.id}"><blockquote>${renderText(q.words)}</blockquote>
<p class="testimonial-name">— ${q.name}</p>
<p>${removeLink(q.entry.id)}</p></li>`,
      )}</ul>`
    : html`<p>No testimonials yet.</p>`
}`,
  };
}

export function customersPage(companies: readonly (Shown & { image?: StoredImage })[]): Page {
  return {
    audience: 'storefront',
    title: 'Our customers',
    description: 'Companies that agreed to be listed as our customers.',
    body: html`<h1>Our customers</h1>
<p>Each company here is listed with the consent of its contact, who can have it removed at once with the link beside it; we remove any copy elsewhere within 24 hours. See also <a href="/testimonials">what our customers say</a>.</p>
${
  companies.length
    ? html`<ul class="customer-list">${companies.map(
        (c) => html`<li class="customer" id="c-${c.entry.id}">${logo(c.image, `${c.company} logo`)}
<p class="customer-name">${c.company}</p>
<p>${removeLink(c.entry.id)}</p></li>`,
      )}</ul>`
    : html`<p>No companies listed yet.</p>`
}`,
  };
}

export function removeRequestPage(o: { entry: string; state: FormState; signedInOwner: boolean }): Page {
  return {
    audience: 'storefront',
    title: 'Ask us to remove this',
    body: html`<h1>Ask us to remove this</h1>
<p>If these are your words, or your company, we take them off the site the moment you confirm, erase them, and remove any copy elsewhere (brochures, social posts) within 24 hours.</p>
${
  o.signedInOwner
    ? form({ action: `/account/testimonials/${o.entry}/takedown`, csrf: o.state.csrf }, html`<p><button type="submit">Remove it now</button></p>`)
    : html`<p>Give the email address you gave us: if the entry is yours, we mail you a link to confirm. Have an account? <a href="/account/testimonials">Sign in</a> and remove it there at once.</p>
${errorSummary(o.state, { email: 'Your email' })}
${form(
  { action: `/testimonials/${o.entry}/remove`, csrf: o.state.csrf, novalidate: true },
  html`${input(o.state, { name: 'email', label: 'Your email', type: 'email', autocomplete: 'email', maxlength: 254 })}
<p><button type="submit">Mail me the link</button></p>`,
)}`
}`,
  };
}

export function removeLinkSentPage(): Page {
  return {
    audience: 'storefront',
    title: 'Check your mail',
    body: html`<h1>Check your mail</h1>
<p>If the entry is yours, we mailed a link to the address we have for you. It works for 48 hours; the entry leaves the site the moment you press its button.</p>
<p><a href="/testimonials">Back to the testimonials</a></p>`,
  };
}

export function removeConfirmPage(token: string, csrf: string): Page {
  return {
    audience: 'storefront',
    title: 'Remove your testimonial or listing',
    body: html`<h1>Remove your testimonial or listing</h1>
<p>Press the button: your consent is withdrawn, your words, name or company leave the site at once and are erased, and we remove any copy elsewhere within 24 hours.</p>
${form({ action: '/testimonials/remove', csrf, hidden: { token } }, html`<p><button type="submit">Remove it now</button></p>`)}`,
  };
}

export function removedPage(deadline: Date, audience: 'storefront' | 'account' = 'storefront'): Page {
  return {
    audience,
    title: 'Removed',
    body: html`<h1>Removed</h1>
<p class="notice" role="status">It is gone from our site, and your words, name or company are erased. Any copy elsewhere (brochures, social posts) is removed by ${utc(deadline)}.</p>
<p><a href="${audience === 'account' ? '/account/testimonials' : '/testimonials'}">Back</a></p>`,
  };
}

export interface AccountView {
  entries: readonly (EntryRow & { words?: string; name?: string; company?: string })[];
  firstName: string;
  quote: FormState;
  company: FormState;
  notice?: string;
}

export function accountPage(v: AccountView): Page {
  const initial = v.firstName ? `${Array.from(v.firstName)[0]!.toLocaleUpperCase()}.` : '';
  return {
    audience: 'account',
    title: 'Testimonials',
    ...(v.notice ? { flash: v.notice } : {}),
    body: html`<h1>Testimonials and customer list</h1>
${table({
  caption: 'What you let us show',
  columns: [{ label: 'What' }, { label: 'Shown' }, { label: 'Where it stands' }, { label: 'Remove', hideLabel: true }],
  rows: v.entries.map((e) => [
    kindLabel[e.kind],
    e.state === 'removed' ? 'Erased' : e.kind === 'quote' ? html`“${e.words ?? ''}” — ${e.name ?? ''}` : (e.company ?? ''),
    `${stateLabel[e.state]}${e.state === 'removed' ? ` ${utc(e.removed_at)}` : ''}`,
    e.state === 'removed' ? '' : form({ action: `/account/testimonials/${e.id}/takedown`, csrf: v.quote.csrf }, html`<button type="submit">Remove it</button>`),
  ]),
  empty: 'Nothing yet.',
})}
<p>Removing one withdraws your consent: everything of yours leaves the site at once and is erased, and we remove copies elsewhere within 24 hours.</p>
<h2 id="share">Share your experience</h2>
<p>We read every one; the ones we choose are shown on <a href="/testimonials">our testimonials page</a> after we approve them.</p>
${errorSummary(v.quote, { words: 'Your words', shown_as: 'How we name you', consent: 'Your consent' })}
${form(
  { action: '/account/testimonials', csrf: v.quote.csrf, novalidate: true },
  html`${textarea(v.quote, { name: 'words', label: 'Your words', maxlength: LIMITS.words, rows: 5 })}
${radios(v.quote, {
  name: 'shown_as',
  legend: 'How we name you under them',
  choices: [
    { value: 'first-name', label: `Your first name: “${v.firstName}”` },
    { value: 'initial', label: `Your initial only: “${initial}”` },
  ],
  hint: 'Never your full name.',
})}
${consentBox(v.quote, 'I agree that the shop shows these words, with the name I chose above, on its site and in its promotion, until I ask it to stop.')}
<p><button type="submit">Send my testimonial</button></p>`,
)}
<h2 id="company">List your company as our customer</h2>
${errorSummary(v.company, { company: 'Company name', logo: 'Logo', company_consent: 'Your consent' })}
${form(
  { action: '/account/testimonials/company', csrf: v.company.csrf, novalidate: true, enctype: 'multipart/form-data' },
  html`${input(v.company, { name: 'company', label: 'Company name', autocomplete: 'organization', maxlength: LIMITS.company, id: 'f-company' })}
<p class="field${v.company.errors?.logo ? ' field-error' : ''}"><label for="f-logo">Logo (optional)</label>
<span class="hint" id="f-logo-hint">PNG, JPEG or WebP, at most 10 MB.</span>
<input id="f-logo" name="logo" type="file" accept="image/png,image/jpeg,image/webp" aria-describedby="f-logo-hint">
${v.company.errors?.logo ? html`<span class="error" id="f-logo-error">${v.company.errors.logo}</span>` : ''}</p>
${consentBox(v.company, 'I may speak for this company, and agree that the shop lists its name and logo as a customer on its site until I ask it to stop.', 'company_consent')}
<p><button type="submit">List our company</button></p>`,
)}`,
  };
}

function consentBox(state: FormState, label: string, name = 'consent'): SafeHtml {
  const error = state.errors?.[name];
  const id = `f-${name}`;
  return html`<p class="field${error ? ' field-error' : ''}"><input type="checkbox" id="${id}" name="${name}" value="yes"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}> <label for="${id}">${label}</label>${error ? html` <span class="error" id="${id}-error">${error}</span>` : ''}</p>`;
}

export interface StaffView {
  pending: readonly Shown[];
  published: readonly Shown[];
  cases: readonly CaseRow[];
  counts: { open: number; overdue: number };
  now: Date;
  csrf: string;
  record?: FormState;
  /** The owner may take an entry down for a person who asked by mail, phone or post. */
  mayTakeDown?: boolean;
  notice?: string;
}

function deadlineState(c: CaseRow, now: Date): SafeHtml {
  if (c.resolved_at) return html`Resolved ${utc(c.resolved_at)}${c.resolved_at > c.deadline_at ? html` <strong class="case-late">(late)</strong>` : ' (in time)'}`;
  const left = new Date(c.deadline_at).getTime() - now.getTime();
  if (left <= 0) return html`<strong class="case-late">OVERDUE</strong> since ${utc(c.deadline_at)}`;
  return html`Due by ${utc(c.deadline_at)} (${Math.ceil(left / 3_600_000)} h left)`;
}

const shownText = (s: Shown) => (s.entry.kind === 'quote' ? html`“${s.words}” — ${s.name}` : html`${s.company}${s.entry.logo_image_id ? ' (with logo)' : ''}`);

export function staffPage(v: StaffView): Page {
  return {
    audience: 'staff',
    title: 'Testimonials',
    ...(v.notice ? { flash: v.notice } : {}),
    body: html`<h1>Testimonials and customer list</h1>
${
  v.counts.open
    ? html`<p class="notice" role="alert"><strong>${v.counts.open} takedown ${v.counts.open === 1 ? 'case is' : 'cases are'} open</strong>${v.counts.overdue ? html`, <strong class="case-late">${v.counts.overdue} overdue</strong>` : ''}: remove every copy elsewhere within 24 hours of the request.</p>`
    : ''
}
<h2 id="cases">Takedown cases</h2>
<p>A person asked us to remove their testimonial or listing: it left the site and was erased at once. List every place a copy went (brochure, slides, social post) and tick each off; resolve the case within 24 hours.</p>
${
  v.cases.length
    ? v.cases.map(
        (c) => html`<section class="takedown-case" id="case-${c.id}" aria-labelledby="case-${c.id}-h"><h3 id="case-${c.id}-h">${kindLabel[c.kind]} taken down ${utc(c.opened_at)}</h3>
<p>${deadlineState(c, v.now)}. Asked ${c.via === 'account' ? 'from their account' : c.via === 'mailed-link' ? 'by the mailed link' : c.via === 'erasure' ? 'by deleting their account' : c.via === 'privacy-centre' ? 'by turning testimonials off in the privacy centre' : 'through staff'}.</p>
${
  c.places.length
    ? html`<ul>${c.places.map(
        (p) =>
          html`<li>${p.place}: ${p.done_at ? `removed ${utc(p.done_at)}` : c.resolved_at ? '' : form({ action: `/staff/testimonials/cases/${c.id}/places/${p.id}/done`, csrf: v.csrf, className: 'inline-form' }, html`<button type="submit">Mark removed</button>`)}</li>`,
      )}</ul>`
    : html`<p>No places listed.</p>`
}
${
  c.resolved_at
    ? ''
    : html`${form(
        { action: `/staff/testimonials/cases/${c.id}/places`, csrf: v.csrf },
        html`<p class="field"><label for="f-place-${c.id}">Another place a copy went</label> <input id="f-place-${c.id}" name="place" type="text" maxlength="200" required> <button type="submit">Add</button></p>`,
      )}
${form({ action: `/staff/testimonials/cases/${c.id}/resolve`, csrf: v.csrf }, html`<p><button type="submit">Resolve: every copy is removed</button></p>`)}`
}</section>`,
      )
    : html`<p>No takedown requests.</p>`
}
<h2 id="pending">Waiting for approval</h2>
${table({
  caption: 'Waiting for approval',
  hideCaption: true,
  columns: [{ label: 'What' }, { label: 'Shown as' }, { label: 'Received' }, { label: 'Approve', hideLabel: true }],
  rows: v.pending.map((s) => [
    kindLabel[s.entry.kind],
    shownText(s),
    utc(s.entry.created_at),
    form({ action: `/staff/testimonials/${s.entry.id}/approve`, csrf: v.csrf }, html`<button type="submit">Approve</button>`),
  ]),
  empty: 'Nothing waiting.',
})}
<h2 id="published">On the site</h2>
${table({
  caption: 'On the site',
  hideCaption: true,
  columns: [{ label: 'What' }, { label: 'Shown as' }, { label: 'Approved' }, ...(v.mayTakeDown ? [{ label: 'Asked to remove it by mail or phone' }] : [])],
  rows: v.published.map((s) => [kindLabel[s.entry.kind], shownText(s), utc(s.entry.approved_at), ...(v.mayTakeDown ? [staffTakedownForm(s.entry.id, v.csrf)] : [])]),
  empty: 'Nothing on the site yet.',
})}
${v.record ? recordForm(v.record) : ''}`,
  };
}

function staffTakedownForm(id: string, csrf: string): SafeHtml {
  return form(
    { action: `/staff/testimonials/${id}/takedown`, csrf },
    html`<p class="field"><label for="f-channel-${id}">How they asked</label> <select id="f-channel-${id}" name="channel">${staffChannels.map((c) => html`<option value="${c}">${c}</option>`)}</select></p>
<p class="field"><label for="f-evidence-${id}">What proves it</label> <input id="f-evidence-${id}" name="evidence" type="text" maxlength="2000" required></p>
<p><button type="submit">Take it down</button></p>`,
  );
}

function recordForm(state: FormState): SafeHtml {
  return html`<h2 id="record">Record one a customer gave by mail or phone</h2>
<p>Only with their consent to be shown: record how it came and what proves it (the privacy officer reviews it). We show the first name or initial, never the full name.</p>
${errorSummary(state, { kind: 'What', email: 'Their email', words: 'Their words', first_name: 'First name', shown_as: 'Named by', company: 'Company', channel: 'How it came', evidence: 'What proves it' })}
${form(
  { action: '/staff/testimonials/record', csrf: state.csrf, novalidate: true, enctype: 'multipart/form-data' },
  html`${radios(state, {
    name: 'kind',
    legend: 'What',
    choices: [
      { value: 'quote', label: 'A testimonial (their words)' },
      { value: 'company', label: 'Their company on the customer list' },
    ],
  })}
${input(state, { name: 'email', label: 'Their email (to find them on file)', type: 'email', maxlength: 254 })}
${textarea(state, { name: 'words', label: 'Their words (testimonial)', maxlength: LIMITS.words, rows: 4, required: false })}
${input(state, { name: 'first_name', label: 'Their first name (testimonial)', maxlength: LIMITS.firstName, required: false })}
${radios(state, {
  name: 'shown_as',
  legend: 'Named by (testimonial)',
  choices: [
    { value: 'first-name', label: 'First name' },
    { value: 'initial', label: 'Initial only' },
  ],
})}
${input(state, { name: 'company', label: 'Company name (customer list)', maxlength: LIMITS.company, required: false })}
<p class="field"><label for="f-logo">Logo (customer list, optional)</label> <input id="f-logo" name="logo" type="file" accept="image/png,image/jpeg,image/webp"></p>
${select(state, { name: 'channel', label: 'How their consent came', choices: staffChannels.map((c) => ({ value: c, label: c })) })}
${textarea(state, { name: 'evidence', label: 'What proves it', maxlength: LIMITS.evidence, rows: 3, hint: 'The mail’s date and subject, or a note of the call.' })}
<p><button type="submit">Record it</button></p>`,
)}`;
}
