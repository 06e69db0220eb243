// The requests desk's pages: the list with deadlines, entering a request, one request with its
// history, notes and next steps, and the person's correctable data. Persons are named by the
// request number only; their data shows only where staff need it, read through the kernel.
import type { PersonalItem, DataMap } from '../../privacy/index.ts';
import { form, errorSummary, input, select, textarea, type FormState } from '../../web/form.ts';
import { confirmDialog } from '../../web/confirm.ts';
import type { Page } from '../../web/page.ts';
import { type PageSlice, pagination } from '../../web/pagination.ts';
import { table } from '../../web/table.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { refLabel, valueText } from '../centre/values.ts';
import { categoryLabel } from '../policy/plain-words.ts';
import { ageChoices } from './records.ts';
import { isOverdue, kindLabels, type RequestEvent, type RightsRequest } from '../requests.ts';
import { evidenceKinds, rejectionOutcomes, requestChannels, requestKinds } from '../tables.ts';

const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);
const when = (d: Date | string) => new Date(d).toISOString().slice(0, 16).replace('T', ' ');

const statusWords: Record<string, string> = {
  unverified: 'waiting for the person to confirm',
  open: 'to do',
  'in-progress': 'being carried out',
  completed: 'done',
  rejected: 'refused',
};
const outcomeWords: Record<string, string> = {
  done: 'done',
  'nothing-held': 'nothing held about this address',
  'identity-not-verified': 'refused: the person could not be verified',
  'manifestly-unfounded': 'refused: manifestly unfounded or excessive',
  duplicate: 'refused: a duplicate of another request',
  'called-off': 'called off',
};
const evidenceWords: Record<string, string> = {
  'signed-letter': 'A signed letter, with a copy of an ID',
  'call-back': 'A call back to the phone number on file',
  'in-person-id': 'In person, with an ID',
  'reply-from-address': 'A reply from the address on file',
};
const channelWords: Record<string, string> = { web: 'the privacy centre', email: 'email', phone: 'phone', post: 'post', 'in-person': 'in person' };

function deadline(r: RightsRequest, now: Date): SafeHtml {
  if (r.closed_at) return html`${day(r.due_at)}`;
  return isOverdue(r, now) ? html`<strong class="overdue">${day(r.due_at)}: overdue</strong>` : html`${day(r.due_at)}`;
}

const REQUEST_COLUMNS = [{ label: 'Request' }, { label: 'What' }, { label: 'Came by' }, { label: 'Received' }, { label: 'Answer by' }, { label: 'State' }];

export function requestsPage(o: { open: PageSlice<RightsRequest>; openCount: number; overdue: number; closed: readonly RightsRequest[]; now: Date; notice?: string }): Page {
  const rows = (list: readonly RightsRequest[]) =>
    list.map((r) => [
      html`<a href="/staff/requests/${r.number}">${r.number}</a>`,
      kindLabels[r.kind],
      channelWords[r.channel],
      day(r.received_at),
      deadline(r, o.now),
      r.outcome ? outcomeWords[r.outcome] : statusWords[r.status],
    ]);
  return {
    audience: 'staff',
    title: 'Data-subject requests',
    body: html`<section class="console"><h1>Data-subject requests</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
<p>Every request a person makes about their data, with its legal deadline. ${o.overdue ? html`<strong class="overdue">${o.overdue} overdue.</strong>` : 'None is overdue.'}</p>
<p><a class="button" href="/staff/requests/new">Enter a request received by email, phone or post</a></p>
<h2>Open (${o.openCount})</h2>
${table({ caption: 'Open requests, oldest first', hideCaption: true, columns: REQUEST_COLUMNS, rows: rows(o.open.items), empty: 'No open request.' })}
${pagination({ page: o.open.page, pageCount: o.open.pageCount, href: (n) => `/staff/requests?page=${n}` })}
<h2>Recently closed</h2>
${table({ caption: 'Recently closed requests', hideCaption: true, columns: REQUEST_COLUMNS, rows: rows(o.closed), empty: 'None yet.' })}
<p><a href="/staff/dpo">Privacy officer</a> · <a href="/staff">Console</a></p></section>`,
  };
}

/** Asked before a deletion is carried out: it cannot be undone once the data is erased. */
export function confirmDeletionPage(r: RightsRequest, csrf: string): Page {
  return confirmDialog({
    audience: 'staff',
    title: `Delete the account of request ${r.number}?`,
    consequence: 'The account is closed at once, open orders are cancelled, recipients are told, and then all of the person’s data is erased. Once erased it cannot be brought back.',
    action: `/staff/requests/${r.number}/carry-out`,
    csrf,
    confirmLabel: 'Delete the account and all data',
    cancelHref: `/staff/requests/${r.number}`,
    danger: true,
  });
}

const labels = { kind: 'What the person asks', email: 'Their email address', channel: 'How the request came', note: 'Note (optional)' };

export function newRequestPage(state: FormState): Page {
  return {
    audience: 'staff',
    title: 'Enter a request',
    body: html`<section class="account-form"><h1>Enter a request</h1>
<p>For a request that came by email, phone or post. We find the person by their email address and mail them a link to confirm the request is theirs, at the address we hold (not one they gave you). If we hold nothing under that address, the request is recorded as answered: tell them so.</p>
${errorSummary(state, labels)}
${form(
  { action: '/staff/requests/new', csrf: state.csrf },
  html`
${select(state, { name: 'kind', label: labels.kind, choices: requestKinds.map((k) => ({ value: k, label: kindLabels[k] })) })}
${input(state, { name: 'email', label: labels.email, type: 'email', maxlength: 254 })}
${select(state, { name: 'channel', label: labels.channel, choices: requestChannels.filter((c) => c !== 'web').map((c) => ({ value: c, label: channelWords[c]! })) })}
${textarea(state, { name: 'note', label: labels.note, maxlength: 2000, required: false, rows: 4, hint: 'Kept encrypted with the person’s data. Write what the request says, not more.' })}
<p><button type="submit">Record the request</button></p>`,
)}
<p><a href="/staff/requests">Back to the requests</a></p></section>`,
  };
}

function actions(r: RightsRequest, csrf: string, now: Date): SafeHtml {
  const step = (path: string, button: string, extra: SafeHtml | '' = '') =>
    html`${form({ action: `/staff/requests/${r.number}/${path}`, csrf, className: 'step' }, html`${extra}<button type="submit">${button}</button>`)}`;
  if (r.closed_at) return html`<p>Closed ${when(r.closed_at)}: ${r.outcome ? outcomeWords[r.outcome] : ''}.</p>`;
  const reject = html`${form(
    { action: `/staff/requests/${r.number}/reject`, csrf, className: 'step' },
    html`
<p class="field"><label for="f-outcome">Refuse, because</label><select id="f-outcome" name="outcome">${rejectionOutcomes.map((o) => html`<option value="${o}">${outcomeWords[o]!.replace('refused: ', '')}</option>`)}</select></p><button type="submit" class="secondary">Refuse the request</button>`,
  )}`;
  if (r.status === 'unverified') {
    return html`<h2>Confirm it is theirs</h2>
<p>A link was mailed to the person’s address on file. When they follow it, the request opens.</p>
${step('resend', 'Mail the link again')}
${form(
  { action: `/staff/requests/${r.number}/evidence`, csrf, className: 'step' },
  html`
<p class="field"><label for="f-evidence">Or record other proof</label><select id="f-evidence" name="evidence">${evidenceKinds.map((e) => html`<option value="${e}">${evidenceWords[e]}</option>`)}</select></p><button type="submit">The person is verified</button>`,
)}
${reject}`;
  }
  if (r.status === 'in-progress') {
    const stalled = r.step_at !== null && now.getTime() - new Date(r.step_at).getTime() > 3_600_000;
    return html`<h2>Being carried out</h2><p>Step: ${r.step === 'suspended' ? 'the account is closed; open orders are being cancelled and recipients told' : r.step === 'receipt-queued' ? 'the receipt is on its way; everything is erased once it has gone' : (r.step ?? '')} (since ${r.step_at ? when(r.step_at) : '—'}).</p>
${stalled ? html`<p class="overdue">This has not moved for over an hour (a payment processor down, for example).</p>${step('retry', 'Try again now')}${r.step === 'suspended' ? step('call-off', 'Call the deletion off and reopen the account') : ''}` : ''}`;
  }
  const carry: Record<string, SafeHtml> = {
    access: step('carry-out', 'Mail the person a link to all their data'),
    deletion: step('carry-out', 'Delete the account and all data now'),
    deactivation: step('carry-out', 'Deactivate the account'),
    'opt-out': step('carry-out', 'Turn off every optional use for the person'),
    correction: html`<p><a href="/staff/requests/${r.number}/data">Correct the person’s data</a>, item by item; recipients that had an item are told.</p>${step('done', 'The correction is done')}`,
  };
  return html`<h2>Carry it out</h2>${carry[r.kind]}${reject}`;
}

export function requestPage(o: {
  request: RightsRequest;
  events: readonly RequestEvent[];
  notes: readonly { at: Date; text: string }[];
  enteredBy: string | null;
  csrf: string;
  now: Date;
  state: FormState;
  notice?: string;
}): Page {
  const r = o.request;
  return {
    audience: 'staff',
    title: `Request ${r.number}`,
    body: html`<section class="console"><h1>Request ${r.number}</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
<dl class="profile">
<dt>What</dt><dd>${kindLabels[r.kind]}</dd>
<dt>Came by</dt><dd>${channelWords[r.channel]}${o.enteredBy ? `, entered by ${o.enteredBy}` : ''}</dd>
<dt>Received</dt><dd>${when(r.received_at)}</dd>
<dt>Answer by</dt><dd>${deadline(r, o.now)}</dd>
<dt>State</dt><dd>${r.outcome ? outcomeWords[r.outcome] : statusWords[r.status]}</dd>
<dt>Verified</dt><dd>${r.verified_at ? `${when(r.verified_at)}, ${r.verification === 'evidence' ? (evidenceWords[r.evidence ?? ''] ?? 'evidence') : r.verification === 'email-link' ? 'by the link to the address on file' : 'signed in'}` : 'not yet'}</dd>
</dl>
${actions(r, o.csrf, o.now)}
<h2>Notes</h2>
${o.notes.length ? html`<ul>${o.notes.map((n) => html`<li><span class="meta">${when(n.at)}</span> ${n.text}</li>`)}</ul>` : html`<p>None.</p>`}
${
  r.subject_id && !r.closed_at
    ? html`${errorSummary(o.state, { note: 'Note' })}${form({ action: `/staff/requests/${r.number}/note`, csrf: o.csrf }, html`${textarea(o.state, { name: 'note', label: 'Add a note', maxlength: 2000, rows: 3 })}<p><button type="submit">Add the note</button></p>`)}`
    : ''
}
<h2>History</h2>
<ol class="history">${o.events.map((e) => html`<li><span class="meta">${when(e.at)}</span> ${e.event.replaceAll('-', ' ')} <span class="meta">(${e.actor_ref.split(':')[0]})</span></li>`)}</ol>
<p><a href="/staff/requests">Back to the requests</a></p></section>`,
  };
}

const fieldLabels: Record<string, string> = {
  name: 'Name',
  phone: 'Phone',
  organization: 'Company name',
  email: 'Email address',
  line1: 'Street and number',
  line2: 'Line 2',
  postal_code: 'Postal code',
  city: 'City',
  country: 'Country (two letters)',
  carrier: 'Carrier',
  tracking: 'Tracking number',
  statement: 'Statement of age',
};

/** What an item's form starts with: the value held, field by field. */
function heldValues(i: PersonalItem, fields: readonly string[]): Record<string, string> {
  const v = i.value;
  if (v !== null && typeof v === 'object' && !Array.isArray(v))
    return Object.fromEntries(fields.map((f) => [f, typeof (v as Record<string, unknown>)[f] === 'string' ? String((v as Record<string, unknown>)[f]) : '']));
  return { [fields[0]!]: typeof v === 'string' ? v : '' };
}

export function personDataPage(o: {
  request: RightsRequest;
  items: readonly { item: PersonalItem; fields: readonly string[] }[];
  orders: ReadonlyMap<string, string>;
  map: DataMap;
  csrf: string;
  notice?: string;
  /** The item whose correction was refused, with what was typed and why. */
  failed?: { item: string; state: FormState };
}): Page {
  return {
    audience: 'staff',
    title: `Data of request ${o.request.number}`,
    body: html`<section class="console"><h1>Correct the data of request ${o.request.number}</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
<p>Each item the person may ask us to correct: what they correct in their privacy centre, and the records of what happened (a tracking number, a statement of age). Type the corrected value as they gave it; anyone who received the old one is told.</p>
${o.items.map(({ item: i, fields }, n) => {
  const category = o.map.categories.get(i.category);
  const name = category ? categoryLabel(category) : i.category;
  const state: FormState = o.failed?.item === i.id ? o.failed.state : { csrf: o.csrf, values: heldValues(i, fields) };
  return html`${form(
    { action: `/staff/requests/${o.request.number}/data/${i.id}`, csrf: o.csrf, className: 'item-correction' },
    html`
<h2>${name}: ${refLabel(i.ref, o.orders)}</h2><p>Now: ${valueText(i.value)}</p>
${fields.map((f) =>
  f === 'statement'
    ? select(state, { name: f, id: `f-${n}-${f}`, label: fieldLabels[f]!, choices: ageChoices })
    : input(state, {
        name: f,
        id: `f-${n}-${f}`,
        label: fieldLabels[f] ?? f,
        type: f === 'email' ? 'email' : f === 'phone' ? 'tel' : 'text',
        maxlength: f === 'email' ? 254 : 200,
        required: f !== 'line2',
      }),
)}
<p><button type="submit">Save</button></p>`,
  )}`;
})}
<p>Not typed over here: a payment processor’s reference (refunds and renewals use it; check it with the processor and note what it holds on the request) and the person’s sign-in email (changed through their account, which confirms the new address). For anything else the person asks about, add a note on the request.</p>
<p><a href="/staff/requests/${o.request.number}">Back to the request</a></p></section>`,
  };
}

export function confirmRequestPage(o: { token: string; csrf: string; kind: string; number: string }): Page {
  return {
    audience: 'storefront',
    title: 'Confirm your request',
    body: html`<section class="account-form"><h1>Confirm your request</h1>
<p>You (we hope) asked us about your data: ${o.kind.toLowerCase()} (request ${o.number}). Confirm that it was you, and we carry it out.</p>
${form({ action: '/privacy/requests/confirm', csrf: o.csrf }, html`<input type="hidden" name="token" value="${o.token}"><p><button type="submit">Yes, it was me</button></p>`)}
<p>If it was not you, close this page: nothing happens.</p></section>`,
  };
}

export function requestConfirmedPage(number: string): Page {
  return {
    audience: 'storefront',
    title: 'Request confirmed',
    body: html`<section class="account-form"><h1>Thank you</h1><p class="notice" role="status">Your request ${number} is confirmed. We answer it by mail.</p><p><a href="/">Back to the shop</a></p></section>`,
  };
}

export function yourDataLinkPage(o: { token: string; csrf: string }): Page {
  return {
    audience: 'storefront',
    title: 'Your data',
    body: html`<section class="account-form"><h1>Your data</h1>
<p>Everything we hold about you, as you asked: read it here, or download it as a file to keep or take elsewhere.</p>
${form(
  { action: '/privacy/your-data', csrf: o.csrf },
  html`<input type="hidden" name="token" value="${o.token}">
<p><button type="submit" name="format" value="page">Read it</button> <button type="submit" name="format" value="json">Download it (JSON)</button></p>`,
)}</section>`,
  };
}
