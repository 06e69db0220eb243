// The mailing module's pages: the public signup and its confirmation, the unsubscribe page of a
// mail's link, and the staff console's campaigns and opt-out form. Forms work without JavaScript.
import type { Page } from '../web/page.ts';
import { errorSummary, form, input, radios, select, textarea, type FormState } from '../web/form.ts';
import { renderText } from '../web/plain-text.ts';
import { table } from '../web/table.ts';
import { html } from '../web/template.ts';
import { type Campaign, campaignLimits } from './campaigns.ts';
import { OPT_OUT_ALL, optOutChannels } from './opt-out.ts';

const purposeLabels: Record<string, string> = {
  newsletters: 'Newsletter and product updates (only to those who asked for them)',
  offers: 'Offers and site news (to customers whose choice allows them: not opted out, or opted in where OFFERS_CONSENT is opt-in)',
};
const timeOf = (d: Date | null) => (d ? `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');

export function signupPage(state: FormState): Page {
  return {
    audience: 'storefront',
    title: 'Mailing list',
    description: 'Sign up for our newsletter and product updates.',
    body: html`<h1>Join the mailing list</h1>
<p>Our newsletter and product updates, now and then. Give your name and address; we mail you a link, and only once you follow it are you on the list (we send nothing else before). Every mail has a link at the bottom that takes you off the list with one click, no sign-in. We never share the list with anyone (<a href="/privacy">privacy policy</a>).</p>
<p>Have an account? Turn the newsletter on or off in your <a href="/account/privacy#choices">privacy centre</a> instead.</p>
${errorSummary(state, { name: 'Name', email: 'Email' })}
${form(
  { action: '/mailing-list', csrf: state.csrf, novalidate: true },
  html`${input(state, { name: 'name', label: 'Name', autocomplete: 'name', maxlength: 200 })}
${input(state, { name: 'email', label: 'Email', type: 'email', autocomplete: 'email', maxlength: 254 })}
<p><button type="submit">Send me the confirmation link</button></p>`,
)}`,
  };
}

export function signupSentPage(): Page {
  return {
    audience: 'storefront',
    title: 'Check your mail',
    body: html`<h1>Check your mail</h1>
<p>We sent a link to the address you gave. Follow it within seven days to join the list. If you do not, we send nothing more and forget the name and address within a week.</p>
<p><a href="/">Back to the shop</a></p>`,
  };
}

export function confirmPage(token: string, csrf: string): Page {
  return {
    audience: 'storefront',
    title: 'Confirm your signup',
    body: html`<h1>Confirm your signup</h1>
<p>Press the button to join the mailing list for our newsletter and product updates. You can leave at any time with the link at the bottom of every mail.</p>
${form({ action: '/mailing-list/confirm', csrf, hidden: { token } }, html`<p><button type="submit">Yes, put me on the list</button></p>`)}`,
  };
}

export function confirmedPage(): Page {
  return {
    audience: 'storefront',
    title: 'You are on the list',
    body: html`<h1>You are on the list</h1>
<p>Thank you. Our next newsletter comes to the address you confirmed. To leave, use the link at the bottom of any of our mails, or write to us (<a href="/contact">contact</a>).</p>
<p><a href="/">Back to the shop</a></p>`,
  };
}

export function unsubscribePage(token: string, csrf: string): Page {
  return {
    audience: 'storefront',
    title: 'Unsubscribe',
    body: html`<h1>Unsubscribe</h1>
<p>Press the button and we stop sending you mail of the kind this link came with. No sign-in is needed, and nothing else about your account changes.</p>
${form({ action: `/unsubscribe/${token}`, csrf, hidden: { 'List-Unsubscribe': 'One-Click' } }, html`<p><button type="submit">Unsubscribe</button></p>`)}`,
  };
}

export function unsubscribedPage(what: string): Page {
  return {
    audience: 'storefront',
    title: 'Unsubscribed',
    body: html`<h1>You are unsubscribed</h1>
<p>We send you no more mail for “${what}”. It took effect at once: a mail already on its way is stopped before it is sent. Signed-in customers can change this in their <a href="/account/privacy#choices">privacy centre</a>.</p>
<p><a href="/">Back to the shop</a></p>`,
  };
}

export interface CampaignsView {
  campaigns: readonly Campaign[];
  state: FormState;
  mayWrite: boolean;
  mayRecordOptOut: boolean;
}

export function campaignsPage(v: CampaignsView): Page {
  const { state } = v;
  return {
    audience: 'staff',
    title: 'Mailing',
    body: html`<h1>Mailing</h1>
<p>Campaigns go only to people whose choice allows them at the moment each mail is sent: newsletters to those who confirmed or turned them on, offers to customers who have not opted out (or, where the shop's OFFERS_CONSENT setting is opt-in, who turned them on). Deleted, deactivated and opted-out people are never mailed. Every mail carries a one-click unsubscribe link.</p>
${v.mayRecordOptOut ? html`<p><a href="/staff/mailing/opt-out">Record an opt-out received by email, phone or post</a></p>` : ''}
${table({
  caption: 'Campaigns',
  columns: [{ label: 'Subject' }, { label: 'Purpose' }, { label: 'Status' }, { label: 'Queued', numeric: true }, { label: 'Written' }],
  rows: v.campaigns.map((c) => [html`<a href="/staff/mailing/${c.id}">${c.subject_line}</a>`, c.purpose, c.status, c.queued, timeOf(c.created_at)]),
  empty: 'No campaign yet.',
})}
${
  v.mayWrite
    ? html`<h2>New campaign</h2>
${errorSummary(state, { purpose: 'Who it is for', subject: 'Subject', text: 'Text' })}
${form(
  { action: '/staff/mailing', csrf: state.csrf, novalidate: true },
  html`${radios(state, { name: 'purpose', legend: 'Who it is for', choices: Object.entries(purposeLabels).map(([value, label]) => ({ value, label })) })}
${input(state, { name: 'subject', label: 'Subject', maxlength: campaignLimits.subject })}
${textarea(state, { name: 'text', label: 'Text', maxlength: campaignLimits.text, rows: 10, hint: 'Plain text; a blank line between paragraphs. Links are fine; no email addresses (link to /contact). Each mail starts with “Hello” and the person’s name.' })}
<p><button type="submit">Save as draft</button></p>`,
)}`
    : ''
}`,
  };
}

export function campaignPage(c: Campaign, tally: readonly { status: string; reason: string | null; n: number }[], csrf: string, mayWrite: boolean): Page {
  return {
    audience: 'staff',
    title: `Campaign: ${c.subject_line}`,
    body: html`<h1>${c.subject_line}</h1>
<p>For: ${purposeLabels[c.purpose] ?? c.purpose}. Status: <strong>${c.status}</strong>. Written ${timeOf(c.created_at)}; sending started ${timeOf(c.sent_at)}; every recipient queued ${timeOf(c.finished_at)}.</p>
<h2>Text</h2>
<div class="campaign-text">${renderText(c.body)}</div>
${
  c.status === 'draft' && mayWrite
    ? form({ action: `/staff/mailing/${c.id}/send`, csrf }, html`<p><button type="submit">Send now</button></p>`)
    : table({
        caption: 'Messages',
        columns: [{ label: 'Status' }, { label: 'Why not sent' }, { label: 'Messages', numeric: true }],
        rows: tally.map((t) => [t.status, t.reason ?? '', t.n]),
        empty: 'No message queued yet.',
      })
}
<p><a href="/staff/mailing">All campaigns</a></p>`,
  };
}

export function optOutPage(state: FormState, purposes: readonly { id: string; name: string }[], done?: { people: number; removed: number }): Page {
  return {
    audience: 'staff',
    title: 'Record an opt-out',
    body: html`<h1>Record an opt-out</h1>
${done !== undefined ? html`<p class="notice" role="status">Recorded for ${done.people} ${done.people === 1 ? 'person' : 'people'} on file with that address: no further mail of that kind goes to them, including mail already queued.${done.removed ? html` ${done.removed} mailing-list ${done.removed === 1 ? 'entry was' : 'entries were'} erased.` : ''}</p>` : ''}
<p>Someone asked, by email, phone or post, to get no more newsletters or offers. Record it here with what proves it; the privacy officer reviews every opt-out staff record.</p>
${errorSummary(state, { email: 'Their email', purpose: 'What to stop', channel: 'How it came', evidence: 'What proves it' })}
${form(
  { action: '/staff/mailing/opt-out', csrf: state.csrf, novalidate: true },
  html`${input(state, { name: 'email', label: 'Their email', type: 'email', maxlength: 254 })}
${select(state, { name: 'purpose', label: 'What to stop', choices: [{ value: OPT_OUT_ALL, label: 'All marketing mail' }, ...purposes.map((p) => ({ value: p.id, label: p.name }))] })}
${select(state, { name: 'channel', label: 'How it came', choices: optOutChannels.map((c) => ({ value: c, label: c === 'paper' ? 'post' : c })) })}
${textarea(state, { name: 'evidence', label: 'What proves it', maxlength: 2000, rows: 3, hint: 'The mail’s date and subject, a note of the call, the letter’s reference.' })}
<p><button type="submit">Record the opt-out</button></p>`,
)}
<p><a href="/staff/mailing">Mailing</a></p>`,
  };
}
