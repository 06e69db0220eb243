// The privacy officer's complaint pages: the list of cases (waiting for an answer first, by
// deadline, overdue ones flagged) and one case with what the person wrote, its history, and the
// forms to answer, note, close and reopen.
import { form, errorSummary, textarea, type FormState } from '../../web/form.ts';
import type { Page } from '../../web/page.ts';
import { type PageSlice, pagination } from '../../web/pagination.ts';
import { table } from '../../web/table.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import type { ComplaintStatus } from '../tables.ts';
import { isOverdue, type Complaint } from './cases.ts';
import type { CaseFile, CaseFileEntry } from './case-file.ts';
import { MESSAGE_MAX } from './input.ts';
import { eventLabels, statusLabels } from './labels.ts';

const filerLabels = { customer: 'A signed-in customer', correspondent: 'Someone without an account' } as const;
export const caseFormLabels: Record<string, string> = { reply: 'Your answer', note: 'Note' };

const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);
const when = (d: Date | string) => new Date(d).toISOString().slice(0, 16).replace('T', ' ');
const crumbs = (here?: SafeHtml) => html`<p class="breadcrumbs"><a href="/staff">Staff console</a> › <a href="/staff/dpo">Privacy officer</a>${here ? html` › ${here}` : ''}</p>`;

function dueCell(c: Complaint, now: Date): SafeHtml {
  return html`${day(c.due_at)}${isOverdue(c, now) ? html` <strong class="complaint-overdue">overdue</strong>` : ''}`;
}

function casesTable(caption: string, cases: readonly Complaint[], now: Date): SafeHtml {
  if (cases.length === 0) return html`<p>None.</p>`;
  return table({
    caption,
    columns: [{ label: 'Complaint' }, { label: 'Received' }, { label: 'Answer due' }, { label: 'Status' }, { label: 'From' }],
    rows: cases.map((c) => [
      html`<a href="/staff/dpo/complaints/${c.number}">${c.number}</a>`,
      day(c.received_at),
      dueCell(c, now),
      `${statusLabels[c.status]}${c.closed_at ? ` ${day(c.closed_at)}` : ''}`,
      filerLabels[c.filed_by],
    ]),
  });
}

export function complaintsListPage(o: { active: PageSlice<Complaint>; overdue: number; closed: readonly Complaint[]; deadlineDays: number; now: Date }): Page {
  const overdue = o.overdue;
  return {
    audience: 'dpo',
    title: 'Complaints',
    body: html`<section class="console complaints">${crumbs()}<h1>Complaints</h1>
<p>Reports that the shop is not keeping its privacy policy, sent on the <a href="/privacy/complaint">complaint form</a>. Each is answered within ${o.deadlineDays} days of receipt.</p>
${overdue ? html`<p class="notice" role="status"><strong class="complaint-overdue">${overdue} overdue</strong>: past the deadline without an answer.</p>` : ''}
${casesTable('Open complaints: waiting for an answer first, then by deadline', o.active.items, o.now)}
${pagination({ page: o.active.page, pageCount: o.active.pageCount, href: (n) => `/staff/dpo/complaints?page=${n}` })}
<h2>Recently closed</h2>
${casesTable('The latest closed complaints', o.closed, o.now)}
</section>`,
  };
}

/** Who took a step, from its pseudonymous tag: the person, a staff member by short id (you, when it was you), or the shop. */
function actorLabel(tag: string, staffId: string): string {
  if (tag === 'self') return 'the person';
  if (tag === `staff:${staffId}`) return 'you';
  if (tag.startsWith('staff:')) return `staff ${tag.slice(6, 14)}`;
  return 'the shop';
}

function historyEntry(e: CaseFileEntry, staffId: string): SafeHtml {
  const change =
    typeof e.detail.to === 'string' && e.event !== 'closed' && e.event !== 'reopened' && e.detail.from !== e.detail.to ? ` (now ${statusLabels[e.detail.to as ComplaintStatus].toLowerCase()})` : '';
  const words = e.event === 'replied' || e.event === 'note' ? html`<blockquote class="complaint-words">${e.text ?? 'No longer held.'}</blockquote>` : '';
  return html`<li><span class="meta">${when(e.at)}</span> <strong>${eventLabels[e.event]}</strong>${change}, by ${actorLabel(e.actor_ref, staffId)}${words}</li>`;
}

function wordsSection(file: CaseFile): SafeHtml {
  const w = file.words;
  if (!w) return html`<p>The person behind this complaint has been erased. The case stays as the shop’s record that it was handled, with nothing of theirs.</p>`;
  return html`<dl class="complaint-facts">
<dt>Name</dt><dd>${w.name ?? 'No longer held'}</dd>
<dt>Email</dt><dd>${w.email ?? 'No longer held'}</dd>
<dt>Order number</dt><dd>${w.orderNumber ?? 'none given'}</dd>
</dl>
<blockquote class="complaint-words">${w.text ?? 'No longer held (its retention ended).'}</blockquote>
<p class="meta">Read for you through the privacy kernel: each opening of this page is recorded in the audit log and in the person’s own access log.</p>`;
}

function actionForms(file: CaseFile, s: FormState): SafeHtml {
  const c = file.complaint;
  const action = (what: string) => `/staff/dpo/complaints/${c.number}/${what}`;
  const canWrite = file.words !== null;
  const reply =
    canWrite && c.status !== 'closed'
      ? html`<h2>Answer the person</h2>
${form(
  { action: action('reply'), csrf: s.csrf },
  html`
${textarea(s, { name: 'reply', label: caseFormLabels.reply!, maxlength: MESSAGE_MAX, rows: 8, hint: 'Mailed to the address the complaint came from; the case is then answered.' })}
<p><button type="submit">Send the answer</button></p>`,
)}`
      : '';
  const note = canWrite
    ? html`<h2>Internal note</h2>
${form(
  { action: action('note'), csrf: s.csrf },
  html`
${textarea(s, { name: 'note', label: caseFormLabels.note!, maxlength: MESSAGE_MAX, rows: 4, hint: 'Not sent. It is kept with the person’s data, so they see it in a copy of their data.' })}
<p><button type="submit">Add the note</button></p>`,
)}`
    : '';
  const state =
    c.status === 'closed'
      ? html`${form({ action: action('reopen'), csrf: s.csrf }, html`<p><button type="submit">Reopen the complaint</button></p>`)}`
      : html`${form({ action: action('close'), csrf: s.csrf }, html`<p><button type="submit">Close the complaint</button></p>`)}`;
  return html`${reply}${note}<h2>${c.status === 'closed' ? 'Reopen' : 'Close'}</h2>${state}`;
}

export function complaintCasePage(o: { file: CaseFile; state: FormState; staffId: string; now: Date; notice?: string }): Page {
  const c = o.file.complaint;
  return {
    audience: 'dpo',
    title: `Complaint ${c.number}`,
    body: html`<section class="console complaint-case">${crumbs(html`<a href="/staff/dpo/complaints">Complaints</a>`)}
<h1>Complaint ${c.number}</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
${errorSummary(o.state, caseFormLabels)}
<dl class="complaint-facts">
<dt>Status</dt><dd>${statusLabels[c.status]}</dd>
<dt>Received</dt><dd>${when(c.received_at)}</dd>
<dt>Answer due</dt><dd>${dueCell(c, o.now)}</dd>
${c.closed_at ? html`<dt>Closed</dt><dd>${when(c.closed_at)}</dd>` : ''}
<dt>From</dt><dd>${filerLabels[c.filed_by]}</dd>
</dl>
<h2>What they wrote</h2>
${wordsSection(o.file)}
<h2>History</h2>
<ol class="complaint-history">${o.file.history.map((e) => historyEntry(e, o.staffId))}</ol>
${actionForms(o.file, o.state)}
</section>`,
  };
}
