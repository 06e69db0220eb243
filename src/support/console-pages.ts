// Staff's support pages (roles support and owner): the tickets to answer, and one ticket with the
// requester's contact and preferred reply channel (P004-14), the thread, and the forms to answer
// by mail, note a phone call and close.
import type { ContactChannel } from '../privacy/index.ts';
import { errorSummary, form, textarea, type FormState } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { table } from '../web/table.ts';
import { html, type SafeHtml } from '../web/template.ts';
import { supportLimits } from './input.ts';
import { statusLabels, threadList, warningBlock } from './pages.ts';
import type { Contact, Thread } from './thread.ts';
import type { Ticket } from './tickets.ts';

const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);
const crumbs = (here?: SafeHtml) => html`<p class="breadcrumbs"><a href="/staff">Staff console</a>${here ? html` › ${here}` : ''}</p>`;
const openerLabels = { customer: 'A signed-in customer', correspondent: 'Someone without an account' } as const;
const channelLabels: Record<ContactChannel, string> = { email: 'By email', phone: 'By phone' };
export const consoleFormLabels: Record<string, string> = { reply: 'Your answer', note: 'Note of the call' };

function ticketsTable(caption: string, tickets: readonly Ticket[], subjects: Map<string, string | null>): SafeHtml {
  return table({
    caption,
    columns: [{ label: 'Reference' }, { label: 'Subject' }, { label: 'Status' }, { label: 'Opened' }, { label: 'Last message' }, { label: 'From' }],
    rows: tickets.map((t) => [
      html`<a href="/staff/support/${t.reference}">${t.reference}</a>`,
      subjects.get(t.id) ?? 'No longer held',
      statusLabels[t.status],
      day(t.opened_at),
      day(t.last_message_at),
      openerLabels[t.opened_by],
    ]),
    empty: 'None.',
  });
}

export function ticketsPage(o: { active: readonly Ticket[]; closed: readonly Ticket[]; subjects: Map<string, string | null> }): Page {
  return {
    audience: 'staff',
    title: 'Support',
    body: html`<section class="console">${crumbs()}<h1>Support</h1>
<p>Requests from the <a href="/support">support form</a>, the customers’ account inbox and mail. Each page you open is read through the privacy kernel and recorded in the audit log.</p>
${ticketsTable('Open requests: waiting for an answer first, oldest first', o.active, o.subjects)}
<h2>Recently closed</h2>
${ticketsTable('The latest closed requests', o.closed, o.subjects)}
</section>`,
  };
}

function contactFacts(c: Contact, t: Ticket, orderNumber: string | null): SafeHtml {
  const preferred = c.preferred ?? 'email';
  return html`<dl class="complaint-facts support-facts">
<dt>Answer</dt><dd><strong class="support-preferred">${channelLabels[preferred]}</strong>${c.preferred ? ' (their preferred contact channel)' : ' (no preference chosen)'}</dd>
<dt>Name</dt><dd>${c.name ?? 'No longer held'}</dd>
<dt>Email</dt><dd>${c.email ?? 'No longer held'}</dd>
<dt>Phone</dt><dd>${c.phone ?? 'none given'}</dd>
<dt>Order number</dt><dd>${orderNumber ?? 'none given'}</dd>
<dt>Status</dt><dd>${statusLabels[t.status]}${t.closed_at ? ` ${day(t.closed_at)}` : ''}</dd>
<dt>From</dt><dd>${openerLabels[t.opened_by]}</dd>
</dl>`;
}

export function ticketPage(o: { thread: Thread; contact: Contact; state: FormState; warning?: string | null }): Page {
  const t = o.thread.ticket;
  const action = (what: string) => `/staff/support/${t.reference}/${what}`;
  const s = o.state;
  const phoneFirst = o.contact.preferred === 'phone';
  const mailForm = html`<h2>Answer by email</h2>
${form(
  { action: action('reply'), csrf: s.csrf, novalidate: true },
  html`${textarea(s, { name: 'reply', label: consoleFormLabels.reply!, maxlength: supportLimits.message, rows: 8, hint: 'Mailed to the address they gave, with a link back to the conversation.' })}
<p><button type="submit">Send the answer</button></p>`,
)}`;
  const phoneForm = html`<h2>Answered by phone</h2>
${form(
  { action: action('phone'), csrf: s.csrf, novalidate: true },
  html`${textarea(s, { name: 'note', label: consoleFormLabels.note!, maxlength: supportLimits.message, rows: 4, hint: 'What you told them on the call. It joins the conversation, which they can read.' })}
<p><button type="submit">Record the call</button></p>`,
)}`;
  const open = t.status !== 'closed';
  return {
    audience: 'staff',
    title: `Support request ${t.reference}`,
    body: html`<section class="console support-case">${crumbs(html`<a href="/staff/support">Support</a>`)}
<h1>Support request ${t.reference}</h1>
${warningBlock(o.warning ?? null)}
${errorSummary(s, consoleFormLabels)}
<p><strong>${o.thread.subjectLine ?? 'No subject held'}</strong></p>
${contactFacts(o.contact, t, o.thread.orderNumber)}
<h2>Conversation</h2>
${threadList(o.thread, 'staff')}
${open ? (phoneFirst ? html`${phoneForm}${mailForm}` : html`${mailForm}${phoneForm}`) : ''}
${open ? html`<h2>Close</h2>${form({ action: action('close'), csrf: s.csrf }, html`<p><button type="submit">Close the request</button></p>`)}` : html`<p>This request is closed. A new message from the customer opens it again.</p>`}
</section>`,
  };
}
