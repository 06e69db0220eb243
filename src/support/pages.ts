// The pages a requester sees: the support form (/support) and its confirmation, the account inbox
// (/account/support) and a thread, for a customer in their account or for a visitor through the
// mailed link. No JavaScript; every field's problem is named next to it and at the top.
import { errorSummary, form, input, radios, textarea, type FormState } from '../web/form.ts';
import type { Audience } from '../web/layout.ts';
import type { Page } from '../web/page.ts';
import { table } from '../web/table.ts';
import { html, type SafeHtml } from '../web/template.ts';
import { supportLimits } from './input.ts';
import type { Thread, ThreadMessage } from './thread.ts';
import type { Ticket } from './tickets.ts';

export const supportFormLabels: Record<string, string> = {
  name: 'Your name',
  email: 'Your email address',
  order_number: 'Order number (optional)',
  subject: 'Subject',
  message: 'Your message',
  reply_by: 'How should we answer?',
  phone: 'Phone number',
};

export const NO_CARDS = 'Never write card numbers or social security numbers here: we do not need them to help you, and we remove anything that looks like one before we store your message.';

const when = (d: Date | string) => new Date(d).toISOString().slice(0, 16).replace('T', ' ');
const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);
export const statusLabels = { open: 'Waiting for us', answered: 'Answered', closed: 'Closed' } as const;
const channelLabels = { form: 'support form', account: 'your account', link: 'the thread link', 'mail-in': 'email', 'mail-out': 'email', phone: 'phone call' } as const;

export function warningBlock(warning: string | null): SafeHtml | '' {
  return warning ? html`<p class="support-warning" role="alert">${warning}</p>` : '';
}

export function supportFormPage(v: { state: FormState; signedIn: boolean; keptDays: number }): Page {
  const s = v.state;
  return {
    audience: 'storefront',
    title: 'Contact support',
    body: html`<section class="account-form"><h1>Contact support</h1>
<p>Questions about an order, a product or your account: write to us and we answer by email, or by phone if you prefer.</p>
${errorSummary(s, supportFormLabels)}
${form(
  { action: '/support', csrf: s.csrf, novalidate: true },
  html`
${input(s, { name: 'name', label: supportFormLabels.name!, autocomplete: 'name', maxlength: supportLimits.name })}
${input(s, { name: 'email', label: supportFormLabels.email!, type: 'email', autocomplete: 'email', maxlength: supportLimits.email, hint: 'We send our acknowledgement and answers here.' })}
${input(s, { name: 'order_number', label: supportFormLabels.order_number!, maxlength: supportLimits.order_number, required: false, hint: 'If it is about an order, its number, such as C-100042.' })}
${input(s, { name: 'subject', label: supportFormLabels.subject!, maxlength: supportLimits.subject })}
${textarea(s, { name: 'message', label: supportFormLabels.message!, maxlength: supportLimits.message, rows: 8, hint: NO_CARDS })}
${radios(s, {
  name: 'reply_by',
  legend: supportFormLabels.reply_by!,
  choices: [
    { value: 'email', label: 'By email' },
    { value: 'phone', label: 'By phone (give your number below)' },
  ],
})}
${input(s, { name: 'phone', label: supportFormLabels.phone!, type: 'tel', autocomplete: 'tel', maxlength: supportLimits.phone, required: false, hint: 'Needed only if you want us to call you.' })}
<p><button type="submit">Send</button></p>`,
)}
<p class="meta">${
      v.signedIn
        ? html`You are signed in: the request is filed with your account, in <a href="/account/support">your support requests</a>.`
        : html`You do not need an account. If you have one, <a href="/account/login">sign in</a> first to find the request in your account.`
    } What you write is stored encrypted, read only by our support staff, used only to answer you, and kept ${Math.round(v.keptDays / 365) >= 1 ? `${Math.round(v.keptDays / 365)} years` : `${v.keptDays} days`} after the last message.</p>
</section>`,
  };
}

export function ticketOpenedPage(o: { reference: string; warning: string | null; signedIn: boolean; mailed: boolean }): Page {
  return {
    audience: 'storefront',
    title: 'We received your message',
    body: html`<section class="account-form"><h1>We received your message</h1>
${warningBlock(o.warning)}
<p class="notice" role="status">Your request has the reference <strong>${o.reference}</strong>.</p>
<p>${o.mailed ? 'We sent an acknowledgement to the email address you gave, with a link to follow the conversation. ' : ''}Please quote ${o.reference} if you write to us about it.</p>
${o.signedIn ? html`<p><a href="/account/support/${o.reference}">See the conversation in your account</a></p>` : html`<p><a href="/">Back to the shop</a></p>`}</section>`,
  };
}

function messageItem(m: ThreadMessage, you: 'requester' | 'staff'): SafeHtml {
  const who = m.author === you ? 'You' : m.author === 'staff' ? 'Support' : 'The customer';
  return html`<li class="support-message${m.author === 'staff' ? ' support-staff' : ''}"><p class="meta">${who}, ${when(m.at)}, by ${channelLabels[m.channel]}${m.masked ? ' (a number was removed)' : ''}</p>
<blockquote>${m.text ?? 'No longer held (its retention ended).'}</blockquote></li>`;
}

export function threadList(thread: Thread, you: 'requester' | 'staff'): SafeHtml {
  return html`<ol class="support-thread">${thread.messages.map((m) => messageItem(m, you))}</ol>`;
}

/** A thread for its requester: in the account (signed in) or through the mailed link (a visitor). */
export function requesterThreadPage(o: { thread: Thread; action: string; state: FormState; audience: Audience; warning?: string | null }): Page {
  const t = o.thread.ticket;
  const title = `Support request ${t.reference}`;
  return {
    audience: o.audience,
    title,
    body: html`<section class="account support-case">${o.audience === 'account' ? html`<p class="breadcrumbs"><a href="/account/support">Support requests</a></p>` : ''}
<h1>${title}</h1>
${warningBlock(o.warning ?? null)}
<p><strong>${o.thread.subjectLine ?? 'No subject held'}</strong>. ${statusLabels[t.status]}; opened ${day(t.opened_at)}.</p>
${threadList(o.thread, 'requester')}
<h2>Write to us</h2>
${errorSummary(o.state, { message: 'Your message' })}
${form(
  { action: o.action, csrf: o.state.csrf, novalidate: true },
  html`${textarea(o.state, { name: 'message', label: 'Your message', maxlength: supportLimits.message, rows: 6, hint: NO_CARDS })}
<p><button type="submit">Send</button></p>`,
)}
</section>`,
  };
}

export function inboxPage(o: { tickets: readonly Ticket[]; subjects: Map<string, string | null> }): Page {
  return {
    audience: 'account',
    title: 'Support requests',
    body: html`<section class="account support-inbox"><h1>Support requests</h1>
<p>Your conversations with our support team. <a href="/support">Write to us about something new</a>.</p>
${table({
  caption: 'Your support requests, newest first',
  columns: [{ label: 'Reference' }, { label: 'Subject' }, { label: 'Status' }, { label: 'Last message' }],
  rows: o.tickets.map((t) => [html`<a href="/account/support/${t.reference}">${t.reference}</a>`, o.subjects.get(t.id) ?? 'No longer held', statusLabels[t.status], day(t.last_message_at)]),
  empty: 'You have not written to us yet.',
})}
</section>`,
  };
}
