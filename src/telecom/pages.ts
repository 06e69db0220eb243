// The telecom pages: the customer's lines and monthly statements (plan charge, usage summary,
// itemised records, and "a plan that fits" only while CPNI-based offers are allowed), the staff
// view of a statement (read under a purpose, recorded in the customer's access log) and the staff
// console of lines and network keys. Server-rendered; works without JavaScript.
import { formatMoney } from '../web/format.ts';
import { errorSummary, form, input, type FormState } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { pagination } from '../web/pagination.ts';
import { table } from '../web/table.ts';
import { html, type SafeHtml } from '../web/template.ts';
import type { Line } from './lines.ts';
import { lineStatuses } from './tables.ts';
import type { PlanOffer, Statement } from './statement.ts';
import type { UsageRow } from './usage.ts';

export const RECORDS_PER_PAGE = 200;
const kindLabels = { call: 'Call', sms: 'Message', data: 'Data' } as const;

const time = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const day = (d: Date) => d.toISOString().slice(0, 10);

export function dataAmount(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

const amountOf = (row: UsageRow) => (row[0] === 'call' ? `${Math.floor(row[2] / 60)} min ${String(row[2] % 60).padStart(2, '0')} s` : row[0] === 'data' ? dataAmount(row[2]) : '1 message');

export interface LineView {
  line: Line;
  number: string | null;
  plan: string;
  months: string[];
}

export function linesPage(lines: readonly LineView[]): Page {
  return {
    audience: 'account',
    title: 'Phone lines',
    body: html`<h1>Phone lines</h1>
<p>Your lines with us and their monthly statements. Your calls, messages and data use are Customer Proprietary Network Information (CPNI): we keep them encrypted, use them to bill you, never give them to anyone without your authorisation or a legal duty, and use them for offers only while you allow it in your <a href="/account/privacy#choices">privacy centre</a> (turning that off changes nothing in your service).</p>
${table({
  caption: 'Your lines',
  columns: [{ label: 'Number' }, { label: 'Plan' }, { label: 'State' }, { label: 'Statements' }],
  rows: lines.map((l) => [
    l.number ?? 'a line',
    l.plan,
    l.line.status,
    l.months.length ? html`${l.months.map((m, i) => html`${i ? ', ' : ''}<a href="/account/telecom/statements/${m}">${m}</a>`)}` : 'none yet',
  ]),
  empty: 'You have no phone line with us.',
})}`,
  };
}

export interface StatementView {
  statement: Statement;
  numbers: Map<string, string | null>;
  page: number;
  offer: PlanOffer | null;
  /** The customer's own page, or staff reading it under a purpose. */
  viewer: { kind: 'customer' } | { kind: 'staff'; subject: string; purpose: string };
}

export function statementPage(v: StatementView): Page {
  const s = v.statement;
  const base = v.viewer.kind === 'customer' ? `/account/telecom/statements/${s.month}` : `/staff/telecom/customers/${v.viewer.subject}/statements/${s.month}`;
  const all = s.lines.flatMap((l) => l.records.map((r) => ({ line: l.line.id, row: r })));
  const pageCount = Math.max(1, Math.ceil(all.length / RECORDS_PER_PAGE));
  const page = Math.min(Math.max(1, v.page), pageCount);
  const shown = all.slice((page - 1) * RECORDS_PER_PAGE, page * RECORDS_PER_PAGE);
  const label = (id: string) => v.numbers.get(id) ?? `line ${id.slice(0, 8)}`;
  const offer = v.offer
    ? html`<section class="notice" aria-labelledby="offer-title"><h2 id="offer-title">A plan that fits</h2>
<p>${v.offer.reason} <strong>${v.offer.name}</strong> at ${formatMoney(v.offer.priceMinor, v.offer.currency)} a month may suit you better. Ask us to switch any time.</p>
<p class="meta">We suggest this from your usage (CPNI) because you allow CPNI-based offers. Turn them off in your <a href="/account/privacy#choices">privacy centre</a>: your service stays as it is.</p></section>`
    : '';
  const staffNote =
    v.viewer.kind === 'staff'
      ? html`<p class="notice">You are reading this customer's CPNI under the purpose <strong>${v.viewer.purpose}</strong>. Every item you read is recorded in the audit log, and the customer sees it in their access log.</p>`
      : '';
  return {
    audience: v.viewer.kind === 'customer' ? 'account' : 'staff',
    title: `Statement ${s.month}`,
    body: html`<h1>Statement for ${s.month}</h1>
${staffNote}
${table({
  caption: 'Summary',
  columns: [
    { label: 'Line' },
    { label: 'Plan' },
    { label: 'Plan charge', numeric: true },
    { label: 'Calls (minutes)', numeric: true },
    { label: 'Messages', numeric: true },
    { label: 'Data', numeric: true },
  ],
  rows: s.lines.map((l) => [
    label(l.line.id),
    l.plan ? `${l.plan.product_name}: ${l.plan.variant_name}` : 'plan no longer offered',
    l.plan ? formatMoney(l.plan.price_minor, l.plan.currency) : '—',
    `${l.totals.calls} (${l.totals.minutes})`,
    l.totals.messages,
    dataAmount(l.totals.dataBytes),
  ]),
  empty: 'No line had service this month.',
})}
${s.charges.map((c) => html`<p><strong>Plan charges for ${s.month}: ${formatMoney(c.minor, c.currency)}</strong> (usage is included in your plans).</p>`)}
${offer}
<h2>Itemised records</h2>
${table({
  caption: `Calls, messages and data, oldest first (page ${page} of ${pageCount})`,
  rowHeaders: false,
  columns: [{ label: 'When' }, { label: 'Line' }, { label: 'What' }, { label: 'Other party' }, { label: 'Amount', numeric: true }, { label: 'Cell' }],
  rows: shown.map(({ line, row }) => [time(new Date(row[1] * 1000)), label(line), `${kindLabels[row[0]]}${row[6] ? ' (emergency)' : ''}`, row[3] ?? '—', amountOf(row), row[4] ?? '—']),
  empty: 'No usage this month.',
})}
${pagination({ page, pageCount, href: (n) => `${base}?page=${n}` })}
<p>${v.viewer.kind === 'customer' ? html`<a href="/account/telecom">All your lines and statements</a>` : html`<a href="/staff/telecom">Phone lines</a>`}</p>`,
  };
}

/** Suspend, resume or close a line (closed stays closed: it takes no more usage). */
function statusForm(line: Line, csrf: string): SafeHtml {
  const choices = lineStatuses.filter((st) => st !== line.status);
  return form(
    { action: `/staff/telecom/lines/${line.id}/status`, csrf, className: 'inline-form' },
    html`${line.status} <label class="visually-hidden" for="status-${line.id}">New state of line ${line.id}</label><select id="status-${line.id}" name="status">${choices.map((st) => html`<option value="${st}">${st}</option>`)}</select> <button type="submit">Change<span class="visually-hidden"> line ${line.id}</span></button>`,
  );
}

export interface StaffLineView {
  line: Line;
  plan: string;
  months: string[];
}

export interface StaffTelecomView {
  lines: readonly StaffLineView[];
  keys: readonly { id: string; label: string; createdAt: Date; revokedAt: Date | null }[];
  lineForm: FormState | null;
  keyForm: FormState | null;
  newKey?: string;
  notice?: string;
  /** Whether the reader may open statements (CPNI): accountants and the privacy officer. */
  readsStatements: boolean;
}

export function staffTelecomPage(v: StaffTelecomView): Page {
  const months = (l: StaffLineView): SafeHtml | string =>
    l.months.length === 0
      ? 'none'
      : v.readsStatements
        ? html`${l.months.map((m, i) => html`${i ? ', ' : ''}<a href="/staff/telecom/customers/${l.line.subjectId}/statements/${m}">${m}</a>`)}`
        : l.months.join(', ');
  return {
    audience: 'staff',
    title: 'Phone lines',
    body: html`<h1>Phone lines</h1>
<p>Customers' telecom lines. Usage records are CPNI: only accountants (for billing) and the privacy officer open a statement, and each read is in the customer's access log.</p>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
${table({
  caption: 'The newest lines',
  columns: [{ label: 'Line' }, { label: 'Plan' }, { label: 'State' }, { label: 'Opened' }, { label: 'Months with usage' }],
  rows: v.lines.map((l) => [l.line.id, l.plan, v.lineForm && l.line.status !== 'closed' ? statusForm(l.line, v.lineForm.csrf) : l.line.status, day(l.line.createdAt), months(l)]),
  empty: 'No line yet.',
})}
${
  v.lineForm
    ? html`<h2>Open a line</h2>
<p>For a customer with an account, on a service plan of the catalogue (its SKU). The number is kept with the customer's data; it is not CPNI.</p>
${errorSummary(v.lineForm, { email: 'Customer email', sku: 'Plan SKU', number: 'Line number' })}
${form(
  { action: '/staff/telecom/lines', csrf: v.lineForm.csrf, novalidate: true },
  html`${input(v.lineForm, { name: 'email', label: 'Customer email', type: 'email', maxlength: 254 })}
${input(v.lineForm, { name: 'sku', label: 'Plan SKU', maxlength: 64, hint: 'A service variant, e.g. AG-MOB-5GB.' })}
${input(v.lineForm, { name: 'number', label: 'Line number', type: 'tel', maxlength: 30 })}
<p><button type="submit">Open the line</button></p>`,
)}`
    : ''
}
${
  v.keyForm
    ? html`<h2>Network keys</h2>
<p>The network posts usage records to <code>POST /api/telecom/usage</code> with <code>Authorization: Bearer &lt;key&gt;</code>. We keep only a digest of each key.</p>
${v.newKey ? html`<div class="notice" role="status"><p><strong>The new key. Copy it now: it is shown only this once.</strong></p><p><label for="f-new-key">Network key</label> <input id="f-new-key" readonly size="60" value="${v.newKey}"></p></div>` : ''}
${table({
  caption: 'Keys',
  columns: [{ label: 'Used by' }, { label: 'Made' }, { label: 'State' }],
  rows: v.keys.map((k) => [k.label, day(k.createdAt), k.revokedAt ? `revoked ${day(k.revokedAt)}` : 'live']),
  empty: 'No key yet.',
})}
${errorSummary(v.keyForm, { label: 'Used by' })}
${form(
  { action: '/staff/telecom/keys', csrf: v.keyForm.csrf, novalidate: true },
  html`${input(v.keyForm, { name: 'label', label: 'Used by', maxlength: 100, hint: 'The network element or mediation system that will use it.' })}
<p><button type="submit">Make a key</button></p>`,
)}`
    : ''
}`,
  };
}
