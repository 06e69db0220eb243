// The privacy centre (P004-01): what the shop holds about the signed-in person, by category, with
// why and since when; their consents and choices; who received their data; the notices sent to
// recipients; their requests; and the ways out: a copy of everything, correction, deactivation and
// deletion. Plain forms; nothing needs JavaScript.
import { CONTACT_PREFERENCE, channelIn, type ContactChannel, type DataMap, type ConsentEntry, type ConsentState, type DisclosureRecord, type Notice, type PersonalItem } from '../../privacy/index.ts';
import { form, errorSummary, input, select, type FormState } from '../../web/form.ts';
import type { Page } from '../../web/page.ts';
import { pagination, type PageSlice } from '../../web/pagination.ts';
import { table } from '../../web/table.ts';
import { html, type SafeHtml } from '../../web/template.ts';
import { categoryLabel } from '../policy/plain-words.ts';
import { canCorrect } from '../correction.ts';
import { kindLabels, type RightsRequest } from '../requests.ts';
import type { AccessLogCounts, AccessLogRow } from './access-log-view.ts';
import { refLabel, valueText } from './values.ts';

const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);
const when = (d: Date | string) => new Date(d).toISOString().slice(0, 16).replace('T', ' ');

export interface Choice {
  purpose: string;
  name: string;
  description: string;
  /** consent: off until given; opt-out: on until withdrawn. */
  basis: 'consent' | 'opt-out';
  on: boolean;
  since: Date | null;
}

/** The purposes a customer can turn on or off, with where they stand now. */
export function choicesOf(map: DataMap, state: readonly ConsentState[]): Choice[] {
  return [...map.purposes.values()]
    .filter((p) => p.dataSubjects.has('customer') && (p.legalBasis === 'consent' || p.optOut))
    .map((p) => {
      const current = state.find((s) => s.purpose === p.id && s.recipient === '');
      const basis = p.legalBasis === 'consent' ? ('consent' as const) : ('opt-out' as const);
      return { purpose: p.id, name: p.name, description: p.description, basis, on: current ? current.state === 'granted' : basis === 'opt-out', since: current?.since ?? null };
    });
}

export interface CentreView {
  map: DataMap;
  items: readonly PersonalItem[];
  orders: ReadonlyMap<string, string>;
  choices: readonly Choice[];
  ledger: readonly ConsentEntry[];
  disclosures: readonly DisclosureRecord[];
  notices: readonly Notice[];
  requests: readonly RightsRequest[];
  csrf: string;
  notice?: string;
}

const signalNames: Record<string, string> = { gpc: 'Global Privacy Control', dnt: 'Do Not Track' };
const channelWords: Record<string, string> = { gpc: 'Global Privacy Control (your browser)', dnt: 'Do Not Track (your browser)' };

/** "Your browser's Global Privacy Control signal was honoured on DATE", once per signal, from the ledger (P000-19). */
function signalNote(v: CentreView): SafeHtml | '' {
  const first = new Map<string, Date>();
  for (const e of v.ledger) if (e.channel in signalNames && !first.has(e.channel)) first.set(e.channel, e.recordedAt);
  if (first.size === 0) return '';
  return html`${[...first].map(
    ([signal, at]) =>
      html`<p class="notice" role="status">Your browser’s ${signalNames[signal]} signal was honoured on ${day(at)}: we turned off ${[
        ...new Set(v.ledger.filter((e) => e.channel === signal).map((e) => v.map.purposes.get(e.purpose)?.name ?? e.purpose)),
      ].join(', ')}. Turning a use back on here is your own choice, and we keep to it.</p>`,
  )}`;
}

/**
 * Where each item is corrected or changed (P001-10): here, item by item; the account's email
 * through the confirmed email change; saved lists and the contact preference where they are kept;
 * a record of what happened (what was bought, a payment reference, a statement of age) through a
 * request to the privacy officer, who corrects it for the person.
 */
export function itemAction(i: Pick<PersonalItem, 'id' | 'category' | 'ref'>, what: string): SafeHtml {
  const link = (href: string, text: string) => html`<a href="${href}">${text}<span class="visually-hidden"> ${what}</span></a>`;
  if (canCorrect(i)) return link(`/account/privacy/items/${i.id}`, 'Correct');
  if (i.category === 'user.contact.email') return link('/account/email', 'Change');
  if (i.category === CONTACT_PREFERENCE.category) return link('#contact', 'Change');
  if (i.ref.startsWith('basket:')) return link('/account/baskets', 'Change');
  if (i.ref.startsWith('giftlist:')) return link('/account/lists', 'Change');
  return link('/privacy/contact#correct', 'Ask us to correct');
}

function itemsTable(v: CentreView): SafeHtml {
  if (v.items.length === 0) return html`<p>We hold no personal data about you besides your sign-in.</p>`;
  const sorted = [...v.items].sort((a, b) => a.category.localeCompare(b.category) || a.collectedAt.getTime() - b.collectedAt.getTime());
  return table({
    caption: 'Every item, decrypted for you',
    columns: [{ label: 'What' }, { label: 'Value' }, { label: 'Belongs to' }, { label: 'Why we have it' }, { label: 'Collected' }, { label: 'Kept until' }, { label: 'Change', hideLabel: true }],
    rows: sorted.map((i) => {
      const category = v.map.categories.get(i.category);
      const purpose = v.map.purposes.get(i.purpose);
      const action = itemAction(i, `${category ? categoryLabel(category) : i.category} of ${refLabel(i.ref, v.orders)}`);
      return [
        category ? categoryLabel(category) : i.category,
        valueText(i.value),
        refLabel(i.ref, v.orders),
        purpose?.name ?? i.purpose,
        html`${day(i.collectedAt)} <span class="meta">(policy ${i.policyVersion})</span>${i.source ? html` <span class="meta">received from ${v.map.sources.get(i.source.id)?.name ?? i.source.id}</span>` : ''}`,
        day(i.retainUntil),
        action,
      ];
    }),
  });
}

/** A purpose newer than some data of the person's it would use, on which they have not chosen yet (P004-21). */
function newUse(v: CentreView, c: Choice): boolean {
  const purpose = v.map.purposes.get(c.purpose);
  if (!purpose || c.since) return false;
  const older = new Set(
    v.map.policyVersions
      .slice(
        0,
        v.map.policyVersions.findIndex((p) => p.version === purpose.since),
      )
      .map((p) => p.version),
  );
  return v.items.some((i) => purpose.categories.has(i.category) && older.has(i.policyVersion));
}

const windowDays = (v: CentreView, c: Choice): number | null => {
  const prior = v.map.purposes.get(c.purpose)?.priorData;
  return prior?.choice === 'opt-out-window' ? prior.days : null;
};

function choicesSection(v: CentreView): SafeHtml {
  return html`<ul class="choices">${v.choices.map(
    (c) =>
      html`<li>${form(
        { action: '/account/privacy/choices', csrf: v.csrf },
        html`<input type="hidden" name="purpose" value="${c.purpose}">
<p><strong>${c.name}</strong>: ${c.on ? 'on' : 'off'}${c.since ? html` <span class="meta">(since ${when(c.since)})</span>` : c.basis === 'opt-out' ? html` <span class="meta">(until you turn it off)</span>` : ''}<br>${c.description} <a href="/privacy#purpose-${c.purpose}">What the policy says<span class="visually-hidden"> about ${c.name}</span></a></p>
${
  newUse(v, c)
    ? html`<p class="notice">New since policy ${v.map.purposes.get(c.purpose)?.since}: we use what you gave us before for this only if you agree${windowDays(v, c) ? `, or once ${windowDays(v, c)} days have passed since we emailed you about it and you did not turn it off` : ''}.</p>
<button type="submit" name="choice" value="grant">Agree<span class="visually-hidden"> to ${c.name}</span></button> `
    : ''
}<button type="submit" name="choice" value="${c.on ? 'withdraw' : 'grant'}">${c.on ? 'Turn off' : 'Turn on'}<span class="visually-hidden"> ${c.name}</span></button>`,
      )}</li>`,
  )}</ul>
${
  v.ledger.length
    ? table({
        caption: 'Every choice you made, as recorded',
        rowHeaders: false,
        columns: [{ label: 'When' }, { label: 'What' }, { label: 'Choice' }, { label: 'How' }, { label: 'Policy' }],
        rows: v.ledger.map((e) => [
          when(e.recordedAt),
          `${v.map.purposes.get(e.purpose)?.name ?? e.purpose}${e.recipient ? ` (${v.map.recipients.get(e.recipient)?.name ?? e.recipient})` : ''}`,
          e.action === 'grant' ? 'given' : 'withdrawn',
          channelWords[e.channel] ?? e.channel,
          e.policyVersion,
        ]),
      })
    : ''
}`;
}

/** The preferred contact channel (P004-14): email always, phone only while a phone number is held. */
function contactSection(v: CentreView): SafeHtml {
  const current = channelIn(v.items.find((i) => i.category === CONTACT_PREFERENCE.category && i.ref === '')?.value) ?? 'email';
  const phones = [...new Set(v.items.filter((i) => i.category === 'user.contact.phone_number').map((i) => valueText(i.value)))];
  const option = (channel: ContactChannel, label: SafeHtml | string) =>
    html`<p><input type="radio" id="contact-${channel}" name="channel" value="${channel}"${current === channel ? html` checked` : ''}> <label for="contact-${channel}">${label}</label></p>`;
  return html`<p>When we answer a question or a request of yours, we write or call the way you prefer. Staff see your choice next to your account and your orders.</p>
${form(
  { action: '/account/privacy/contact', csrf: v.csrf },
  html`<fieldset><legend>Answer me by</legend>
${option('email', 'Email')}
${phones.length ? option('phone', `Phone (${phones.join(', ')})`) : html`<p class="meta">Phone is offered once we hold a phone number of yours (you give one at checkout).</p>`}
</fieldset>
<p><button type="submit">Save how we answer you</button></p>`,
)}`;
}

function disclosuresTable(v: CentreView): SafeHtml {
  if (v.disclosures.length === 0) return html`<p>Nobody outside the shop has received your data.</p>`;
  return table({
    caption: 'Every time your data left us',
    rowHeaders: false,
    columns: [{ label: 'When' }, { label: 'Who' }, { label: 'What' }, { label: 'Why' }, { label: 'For' }],
    rows: v.disclosures.map((d) => [
      when(d.at),
      d.recipientName,
      d.categories.map((c) => (v.map.categories.get(c) ? categoryLabel(v.map.categories.get(c)!) : c)).join(', '),
      d.basisLabel,
      d.order ? `Order ${v.orders.get(d.order) ?? '(deleted)'}` : '—',
    ]),
  });
}

function noticesTable(v: CentreView): SafeHtml | '' {
  if (v.notices.length === 0) return '';
  return html`<h2 id="notices">Recipients we told of your changes</h2>
${table({
  caption: 'Notices to recipients',
  rowHeaders: false,
  columns: [{ label: 'When' }, { label: 'Who' }, { label: 'Of what' }, { label: 'Passed on' }],
  rows: v.notices.map((n) => [
    when(n.at),
    n.recipientName,
    `${n.kind === 'correction' ? 'A correction' : 'Your deletion'}: ${n.categories.map((c) => (v.map.categories.get(c) ? categoryLabel(v.map.categories.get(c)!) : c)).join(', ')}`,
    n.delivered ? when(n.delivered.at) : 'not yet (our privacy officer passes it on)',
  ]),
})}`;
}

function requestsList(v: CentreView): SafeHtml {
  if (v.requests.length === 0) return html`<p>None yet.</p>`;
  return html`<ul>${v.requests.map((r) => html`<li>${r.number}: ${kindLabels[r.kind]}, ${day(r.received_at)}, ${r.status === 'completed' ? 'done' : r.status}</li>`)}</ul>`;
}

export function centrePage(v: CentreView): Page {
  return {
    audience: 'account',
    title: 'Your privacy',
    body: html`<section class="centre"><h1>Your privacy</h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
<p>Everything we hold about you, why, and what you can do about it. Our <a href="/privacy">privacy policy</a> explains each use; our privacy officer is at <a href="/privacy/contact">the privacy contact page</a>.</p>
<nav aria-label="On this page"><ul class="centre-nav"><li><a href="#data">Your data</a></li><li><a href="#choices">Your choices</a></li><li><a href="#contact">How we answer you</a></li><li><a href="#recipients">Who received your data</a></li><li><a href="#copy">Your copy</a></li><li><a href="#leave">Deactivate or delete</a></li></ul></nav>
<h2 id="data">Your data</h2>
${itemsTable(v)}
<p class="meta">Your password is stored only as a hash, which we do not show. <a href="/account/privacy/access-log">Who looked at your data</a>.</p>
<h2 id="choices">Your choices</h2>
<p>Uses of your data you can turn on or off at any time; a change applies at once.</p>
${signalNote(v)}
${choicesSection(v)}
<h2 id="contact">How we answer you</h2>
${contactSection(v)}
<h2 id="recipients">Who received your data</h2>
${disclosuresTable(v)}
${noticesTable(v)}
<h2 id="requests">Your requests</h2>
${requestsList(v)}
<h2 id="copy">Your copy</h2>
<p>Everything above and more (your orders, payments, saved lists, the mail we sent you, your sign-ins), as a page to read or as a file to keep or take to another shop.</p>
<p><a class="button" href="/account/privacy/export">Read it all</a> <a class="button" href="/account/privacy/export.json" download>Download it (JSON)</a> <a href="/privacy/export-format">What the file holds</a></p>
<h2 id="leave">Deactivate or delete</h2>
<ul><li><a href="/account/privacy/deactivate">Deactivate your account</a>: we keep it, but stop using your data and stop writing to you, until you sign in again and reactivate it.</li>
<li><a href="/account/privacy/delete">Delete your account</a>: we erase everything we hold about you and tell everyone who received it to do the same.</li></ul>
</section>`,
  };
}

export interface CorrectForm {
  item: PersonalItem;
  label: string;
  where: string;
  state: FormState;
}

const formLabels: Record<string, string> = {
  name: 'Name',
  phone: 'Phone number',
  organization: 'Company name',
  email: 'Email address',
  line1: 'Address',
  line2: 'Address line 2 (optional)',
  postal_code: 'Postal code',
  city: 'City',
  country: 'Country (two-letter code, e.g. US)',
};

export function correctPage(f: CorrectForm): Page {
  const s = f.state;
  let fields: SafeHtml;
  if (f.item.category === 'user.contact.address') {
    fields = html`${input(s, { name: 'line1', label: formLabels.line1!, autocomplete: 'address-line1', maxlength: 200 })}
${input(s, { name: 'line2', label: formLabels.line2!, autocomplete: 'address-line2', maxlength: 200, required: false })}
${input(s, { name: 'postal_code', label: formLabels.postal_code!, autocomplete: 'postal-code', maxlength: 20 })}
${input(s, { name: 'city', label: formLabels.city!, autocomplete: 'address-level2', maxlength: 100 })}
${input(s, { name: 'country', label: formLabels.country!, autocomplete: 'country', maxlength: 60 })}`;
  } else if (f.item.category === 'user.contact.organization') {
    fields = input(s, { name: 'organization', label: formLabels.organization!, autocomplete: 'organization', maxlength: 200 });
  } else if (f.item.category === 'user.contact.email') {
    fields = input(s, { name: 'email', label: formLabels.email!, type: 'email', autocomplete: 'email', maxlength: 254 });
  } else if (f.item.category === 'user.contact.phone_number') {
    fields = input(s, { name: 'phone', label: formLabels.phone!, type: 'tel', autocomplete: 'tel', maxlength: 40 });
  } else {
    fields = input(s, { name: 'name', label: formLabels.name!, autocomplete: 'name', maxlength: 200 });
  }
  return {
    audience: 'account',
    title: `Correct your ${f.label.toLowerCase()}`,
    body: html`<section class="account-form"><h1>Correct your ${f.label.toLowerCase()}</h1>
<p>${f.where}: it now reads <strong>${valueText(f.item.value)}</strong>.</p>
<p>Anyone who received it from us (a carrier, for example) is told of the correction.</p>
${errorSummary(s, formLabels)}
${form(
  { action: `/account/privacy/items/${f.item.id}`, csrf: s.csrf },
  html`
${fields}
<p><button type="submit">Save the correction</button></p>`,
)}
<p><a href="/account/privacy">Back to your privacy</a></p></section>`,
  };
}

export function correctedPage(o: { label: string; notices: readonly Notice[]; orders: ReadonlyMap<string, string> }): Page {
  return {
    audience: 'account',
    title: 'Corrected',
    body: html`<section class="account-form"><h1>Corrected</h1>
<p class="notice" role="status">Your ${o.label.toLowerCase()} is corrected.</p>
${
  o.notices.length
    ? html`<p>These recipients had received the old value; we have noted to tell each of them, and our privacy officer passes the correction on:</p>
<ul>${o.notices.map((n) => html`<li>${n.recipientName}${n.orders.length ? ` (for order ${n.orders.map((id) => o.orders.get(id) ?? '—').join(', ')})` : ''}</li>`)}</ul>`
    : html`<p>Nobody outside the shop had received it, so there is nobody else to tell.</p>`
}
<p><a href="/account/privacy">Back to your privacy</a></p></section>`,
  };
}

export interface LeaveView {
  state: FormState;
  openOrders: readonly { number: string; status: string }[];
  recipients: readonly string[];
  kept: readonly string[];
  windowDays: number;
}

export function deletePage(v: LeaveView): Page {
  return {
    audience: 'account',
    title: 'Delete your account',
    body: html`<section class="account-form"><h1>Delete your account</h1>
${errorSummary(v.state, { password: 'Password' })}
<p>We erase your account and every piece of personal data we hold about you: your name, addresses, phone numbers, email, orders’ delivery details, saved baskets and gift lists, and the mail we sent you. It cannot be undone.</p>
${
  v.openOrders.length
    ? html`<p><strong>Orders still open</strong> are cancelled, and what you paid for them is refunded: ${v.openOrders.map((o) => `${o.number} (${o.status.replace('_', ' ')})`).join(', ')}.</p>`
    : ''
}
${v.recipients.length ? html`<p>These recipients received some of your data for your orders, and we tell each of them to erase it: ${v.recipients.join(', ')}.</p>` : ''}
${v.kept.length ? html`<p>What we keep, without your name, address or email, because the law requires it: ${v.kept.join('; ')}.</p>` : ''}
<p>You are signed out at once. We send a last mail, a receipt, to your address, and then forget the address too. No backup can decrypt your data afterwards, and within ${v.windowDays} days no backup can even confirm your email address was here.</p>
${form(
  { action: '/account/privacy/delete', csrf: v.state.csrf },
  html`
${input(v.state, { name: 'password', label: 'Your password, to confirm', type: 'password', autocomplete: 'current-password', maxlength: 256 })}
<p><button type="submit" class="danger">Delete my account and data</button></p>`,
)}
<p><a href="/account/privacy">Keep my account</a></p></section>`,
  };
}

export function deletingPage(number: string): Page {
  return {
    audience: 'account',
    title: 'Your account is being deleted',
    body: html`<section class="account-form"><h1>Your account is being deleted</h1>
<p class="notice" role="status">We received your request ${number}. You are signed out, and your account can no longer be used.</p>
<p>Within a few minutes everything we hold about you is erased. A receipt is on its way to your email address: it is the last mail we send you.</p>
<p><a href="/">Back to the shop</a></p></section>`,
  };
}

export function deactivatePage(state: FormState): Page {
  return {
    audience: 'account',
    title: 'Deactivate your account',
    body: html`<section class="account-form"><h1>Deactivate your account</h1>
${errorSummary(state, { password: 'Password' })}
<p>We keep your account and your data, but stop using it: no mail from us (apart from the status of an order you already placed, which we still deliver), no offers, no new uses. You are signed out.</p>
<p>To use it again, sign in and choose to reactivate it. To erase everything instead, <a href="/account/privacy/delete">delete your account</a>.</p>
${form(
  { action: '/account/privacy/deactivate', csrf: state.csrf },
  html`
${input(state, { name: 'password', label: 'Your password, to confirm', type: 'password', autocomplete: 'current-password', maxlength: 256 })}
<p><button type="submit">Deactivate my account</button></p>`,
)}
<p><a href="/account/privacy">Keep it active</a></p></section>`,
  };
}

export function deactivatedPage(number: string): Page {
  return {
    audience: 'account',
    title: 'Your account is deactivated',
    body: html`<section class="account-form"><h1>Your account is deactivated</h1>
<p class="notice" role="status">Done (request ${number}). You are signed out, and we do not use your data or write to you.</p>
<p>To use your account again, <a href="/account/reactivate">reactivate it</a> with your email and password.</p></section>`,
  };
}

export function reactivatePage(state: FormState): Page {
  return {
    audience: 'account',
    title: 'Reactivate your account',
    body: html`<section class="account-form"><h1>Reactivate your account</h1>
<p>Your account is deactivated: we keep it but do not use it. Sign in here to use it again.</p>
${errorSummary(state, { email: 'Email', password: 'Password' })}
${form(
  { action: '/account/reactivate', csrf: state.csrf },
  html`
${input(state, { name: 'email', label: 'Email', type: 'email', autocomplete: 'username', maxlength: 254 })}
${input(state, { name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', maxlength: 256 })}
<p><button type="submit">Reactivate and sign in</button></p>`,
)}</section>`,
  };
}

export interface AccessLogView {
  rows: PageSlice<AccessLogRow>;
  counts: AccessLogCounts;
  /** Only the acts of others than the customer. */
  others: boolean;
}

const accessLogActions: Record<string, string> = {
  'data.read': 'read',
  'data.write': 'stored',
  'data.correct': 'corrected',
  'data.lookup': 'looked up',
  disclosure: 'passed on',
  'subject.create': 'started keeping your data',
  'consent.grant': 'recorded a consent',
  'consent.withdraw': 'recorded a withdrawal',
  'consent.read': 'read your consents',
  'disclosure.read': 'read who received your data',
  'notice.read': 'read the notices to recipients',
  'notice.record': 'told recipients',
  'audit.read': 'read this log',
};

const accessLogHref = (others: boolean, page: number) => `/account/privacy/access-log?${others ? 'who=others&' : ''}page=${page}`;

function accessLogWhen(row: AccessLogRow): string {
  const newest = when(row.newest);
  const oldest = when(row.oldest);
  if (oldest === newest) return newest;
  // A run over midnight names both days.
  return `${oldest} to ${oldest.slice(0, 10) === newest.slice(0, 10) ? newest.slice(11) : newest}`;
}

export function accessLogPage(view: AccessLogView, map: DataMap): Page {
  const { rows, counts, others } = view;
  const shown = others ? counts.byOthers : counts.total;
  return {
    audience: 'account',
    title: 'Who looked at your data',
    body: html`<section class="centre"><h1>Who looked at your data</h1>
<p>Every read, change and refusal of your data, from our audit log (which nobody can change unnoticed). Staff are named by their role. What one of them did under one purpose within a minute is one row, with how many times.</p>
<p>${counts.total} ${counts.total === 1 ? 'entry' : 'entries'}, of which ${counts.byOthers} by someone other than you.</p>
${form({ action: '/account/privacy/access-log', method: 'get', csrf: '', className: 'filters' }, [
  select(
    { csrf: '', values: { who: others ? 'others' : 'all' } },
    {
      name: 'who',
      label: 'Show',
      choices: [
        { value: 'all', label: 'everyone, you too' },
        { value: 'others', label: 'only others than you' },
      ],
    },
  ),
  html`<p><button type="submit">Show</button></p>`,
])}
${
  shown === 0
    ? html`<p>${others ? 'Nobody but you has read or changed your data.' : 'Nothing yet.'}</p>`
    : table({
        caption: `Your access log, newest first${rows.pageCount > 1 ? ` (page ${rows.page} of ${rows.pageCount})` : ''}`,
        rowHeaders: false,
        columns: [{ label: 'When (UTC)' }, { label: 'Who' }, { label: 'Did' }, { label: 'Why' }, { label: 'What' }],
        rows: rows.items.map((e) => [
          accessLogWhen(e),
          e.by === 'self' ? 'you' : e.by === 'staff' ? `staff (${e.byDetail ?? ''})` : e.by === 'system' ? `the shop (${e.byDetail ?? ''})` : e.by,
          `${e.actions.map((a) => `${accessLogActions[a.action] ?? a.action}${a.count > 1 ? ` (${a.count} times)` : ''}`).join('; ')}${e.outcome === 'refused' ? ' (refused)' : ''}`,
          e.purpose ? (map.purposes.get(e.purpose)?.name ?? e.purpose) : '—',
          e.categories.map((c) => (map.categories.get(c) ? categoryLabel(map.categories.get(c)!) : c)).join(', ') || '—',
        ]),
      })
}
${pagination({ page: rows.page, pageCount: rows.pageCount, href: (n) => accessLogHref(others, n) })}
<p><a href="/account/privacy">Back to your privacy</a></p></section>`,
  };
}
